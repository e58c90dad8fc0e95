"""The rate limits hold across web workers: every process counts in one place."""

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections
from django.test import Client

from ats import checks
from ats.models import ApiScope
from ats.ratelimit import allow
from ats.services.api_keys import issue_api_key
from ats.services.purge import purge_due
from ats.views.selfservice import MY_DATA_PER_IP_PER_HOUR
from tests.factories import UserFactory
from tests.faults import needs_postgresql, redis_server
from tests.helpers import ROOT, ids

# across more than one attempt pin the clock, so that no window ends between them.
ELEVEN = datetime(2027, 3, 1, 11, tzinfo=UTC)

COUNT_ATTEMPTS = f"""
import django, time_machine
django.setup()
from ats.ratelimit import allow
from ats.services.purge import purge_due
with time_machine.travel({(ELEVEN + timedelta(minutes=30)).timestamp()}, tick=False):
    print(sum(bool(allow(scope="apply-ip", value="198.51.100.7", limit=5, window_seconds=3600))
              for _ in range(5)))
"""


@pytest.mark.slow  # two web workers, started for it
def test_two_workers_without_redis_share_one_limit(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    environment.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "createcachetable"], env=environment, check=True, cwd=ROOT)

    allowed = [
        int(
            subprocess.run(
                [sys.executable, "-c", COUNT_ATTEMPTS],
                env=environment,
                check=True,
                cwd=ROOT,
                capture_output=True,
                text=True,
            ).stdout
        )
        for _worker in range(2)
    ]

    assert allowed == [5, 0]


def test_a_per_process_cache_is_a_deployment_warning(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    assert ids(checks.check_rate_limits_are_shared()) == ["ats.W004"]


def test_a_shared_cache_passes(settings):
    assert checks.check_rate_limits_are_shared() == []
    assert checks.check_rate_limits_are_kept() == []  # the project's database cache


def test_a_database_cache_that_strangers_can_fill_is_a_deployment_warning(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "x"}
    }

    assert ids(checks.check_rate_limits_are_kept()) == ["ats.W008"]


def at_once(count: int, attempt) -> list:
    """`attempt(i)` from `count` threads released together, each with its own database
    connection (Django's are per thread); what each returned."""
    barrier = threading.Barrier(count)

    def run(i):
        try:
            barrier.wait()
            return attempt(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@needs_postgresql
def test_thirty_requests_at_once_let_no_more_than_the_limit_through(transactional_db):
    """With the database cache (the default without Redis), 30 /my-data/ requests at
    once from one address: 11 came through a limit of 10, each worker reading the count
    before the others had written theirs."""
    assert isinstance(caches["default"], DatabaseCache)

    def ask(i):
        return Client().post("/my-data/", {"email": f"person{i}@example.se"}).status_code

    with time_machine.travel(ELEVEN + timedelta(minutes=30), tick=False):
        answers = at_once(30, ask)

    assert answers.count(200) == MY_DATA_PER_IP_PER_HOUR
    assert answers.count(429) == 30 - MY_DATA_PER_IP_PER_HOUR


@pytest.fixture(params=["database", "locmem", "redis"])
def counting_cache(request, settings, tmp_path):
    """Each cache the limits count in: the database cache (the default without Redis),
    a per-process cache, and a Redis server of the test's own."""
    if request.param == "locmem":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if request.param != "redis":
        yield request.param
        return
    with redis_server(tmp_path) as url:
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
        yield request.param


@pytest.mark.parametrize("counting_cache", ["locmem", "redis"], indirect=True)
def test_thirty_attempts_at_once_let_exactly_the_limit_through(counting_cache):
    def attempt(i):
        return bool(allow(scope="test", value="198.51.100.7", limit=10, window_seconds=60))

    with time_machine.travel(ELEVEN + timedelta(seconds=30), tick=False):
        allowed = at_once(30, attempt)

    assert allowed.count(True) == 10


def hourly(count: int) -> list:
    """`count` attempts from one address under a limit of ten an hour: the verdicts."""
    return [
        allow(scope="my-data-ip", value="198.51.100.7", limit=10, window_seconds=3600)
        for _ in range(count)
    ]


@pytest.mark.django_db
def test_a_count_holds_to_the_end_of_the_clock_hour_and_starts_again_with_the_next(
    counting_cache,
):
    """The window began at a key's first attempt: whoever tried at 10:20 was refused
    until 11:20 (and, through the cache API's incr on the database cache, until five
    minutes after the last attempt)."""
    with time_machine.travel(ELEVEN - timedelta(minutes=40), tick=False):
        first = hourly(11)
    with time_machine.travel(ELEVEN - timedelta(seconds=1), tick=False):
        [last] = hourly(1)
    with time_machine.travel(ELEVEN, tick=False):
        next_hour = hourly(11)

    assert [bool(verdict) for verdict in first] == [True] * 10 + [False]
    assert not last
    assert [bool(verdict) for verdict in next_hour] == [True] * 10 + [False]
    assert [first[-1].retry_after, last.retry_after, next_hour[-1].retry_after] == [
        40 * 60,
        1,
        3600,
    ]


@pytest.mark.django_db
def test_the_apis_429_says_the_seconds_left_of_the_minute(settings):
    """Retry-After said 60 whatever was left: a client that waited that long after the
    window's first request found the limit spent still."""
    settings.ATS_API_REQUESTS_PER_MINUTE = 3
    with time_machine.travel(ELEVEN + timedelta(seconds=45), tick=False):
        user = UserFactory()
        _, secret = issue_api_key(
            name="Integration",
            user=user,
            created_by=user,
            scopes=[ApiScope.OPENINGS_READ],
            expires_at=ELEVEN + timedelta(days=30),
        )
        api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        answers = [api.get("/api/v1/openings/") for _ in range(4)]
    with time_machine.travel(ELEVEN + timedelta(seconds=60), tick=False):
        after_the_wait = api.get("/api/v1/openings/")

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert answers[-1]["Retry-After"] == "15"
    assert after_the_wait.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/my-data/", lambda i: {"email": f"person{i}@example.se"}),
        ("/apply/", lambda i: {}),  # counted before the form is read
    ],
)
def test_a_refused_visitor_is_told_how_long_to_wait(client, settings, path, form):
    settings.ATS_APPLY_RATE_LIMIT = MY_DATA_PER_IP_PER_HOUR
    with time_machine.travel(ELEVEN - timedelta(minutes=14, seconds=30), tick=False):
        answers = [client.post(path, form(i)) for i in range(MY_DATA_PER_IP_PER_HOUR + 1)]

    assert [answer.status_code == 429 for answer in answers] == [False] * 10 + [True]
    assert answers[-1]["Retry-After"] == str(14 * 60 + 30)
    assert "Please try again in 15 minutes." in answers[-1].content.decode()


def counts_kept() -> list[str]:
    backend = caches["default"]
    with connections["default"].cursor() as cursor:
        cursor.execute(
            f"SELECT cache_key FROM {backend._table} WHERE cache_key LIKE %s", ["%ats:count:%"]
        )
        return [key for (key,) in cursor.fetchall()]


def test_counts_past_their_window_go_with_the_purge(db):
    """A count's key holds a keyed hash of the address it counts. The database cache
    keeps an expired row until it culls itself, which counting never makes it do."""
    assert isinstance(caches["default"], DatabaseCache)
    with time_machine.travel(ELEVEN, tick=False):
        allow(scope="my-data-address", value="astrid@example.se", limit=3, window_seconds=3600)
    with time_machine.travel(ELEVEN + timedelta(hours=3), tick=False):
        allow(scope="my-data-address", value="john@example.se", limit=3, window_seconds=3600)
        assert len(counts_kept()) == 2

        purge_due()

        assert len(counts_kept()) == 1  # John's, still counting
