"""The rate limits hold across web workers: every process counts in one place."""

import contextlib
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections
from django.test import Client
from django.utils import timezone

from ats import checks
from ats.ratelimit import allow
from ats.views.selfservice import MY_DATA_PER_IP_PER_HOUR
from tests.faults import free_port, needs_postgresql
from tests.test_checks import ROOT, ids

COUNT_ATTEMPTS = """
import django
django.setup()
from ats.ratelimit import allow
print(sum(allow(scope="apply-ip", value="198.51.100.7", limit=5, window_seconds=3600)
          for _ in range(5)))
"""


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

    answers = at_once(30, ask)

    assert answers.count(200) == MY_DATA_PER_IP_PER_HOUR
    assert answers.count(429) == 30 - MY_DATA_PER_IP_PER_HOUR


def test_with_redis_the_count_is_one_atomic_increment(settings, tmp_path):
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    try:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
            }
        }
        for _ in range(100):
            with contextlib.suppress(Exception):
                cache.set("ats:probe", 1)
                break
            time.sleep(0.05)

        allowed = at_once(
            30,
            lambda i: allow(scope="test", value="198.51.100.7", limit=10, window_seconds=60),
        )

        assert allowed.count(True) == 10
    finally:
        server.terminate()
        server.wait()


@pytest.mark.django_db
def test_the_window_is_the_whole_hour_however_often_one_tries():
    """The cache API's incr on the database cache wrote the count back with the cache's
    default timeout: five minutes after the last attempt, the count started again."""

    def attempt():
        return allow(scope="my-data-ip", value="198.51.100.7", limit=10, window_seconds=3600)

    start = timezone.now()
    assert [attempt() for _ in range(11)] == [True] * 10 + [False]
    with time_machine.travel(start + timedelta(minutes=10)):
        assert not attempt()
    with time_machine.travel(start + timedelta(minutes=59)):
        assert not attempt()
    with time_machine.travel(start + timedelta(minutes=61)):
        assert [attempt() for _ in range(11)] == [True] * 10 + [False]
