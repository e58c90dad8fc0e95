"""Deployment defaults (ASVS 3.3, 3.4): what the project does with DEBUG off."""

import http.client
import os
import secrets
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.db import connection

from ats import checks
from tests.faults import needs_postgresql
from tests.helpers import ROOT, ids, start_gunicorn, wait_until_served

pytestmark = pytest.mark.django_db


def start_django(**environment) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **environment},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@pytest.mark.slow  # Django started in processes of its own
def test_the_project_refuses_the_development_key_without_debug():
    refused = start_django()

    assert refused.returncode != 0
    assert "Set SECRET_KEY" in refused.stderr
    assert start_django(DEBUG="1").returncode == 0
    assert start_django(SECRET_KEY=secrets.token_urlsafe(50)).returncode == 0


@pytest.mark.slow  # Django started in processes of its own
@pytest.mark.parametrize(
    "weak",
    [
        "",
        "x",
        "x" * 50,  # long, but 1 distinct character
        "abcd" * 20,  # 4 distinct characters
        secrets.token_urlsafe(30),  # 40 characters
        "django-insecure-" + secrets.token_urlsafe(50),  # startproject's marked key
    ],
    # Named, not shown: pytest-xdist's workers must collect the same test ids.
    ids=["empty", "one character", "one character 50 times", "4 characters", "random", "marked"],
)
def test_the_project_refuses_a_weak_key_without_debug(weak):
    refused = start_django(SECRET_KEY=weak)

    assert refused.returncode != 0
    assert "Set SECRET_KEY" in refused.stderr
    assert start_django(SECRET_KEY=weak, DEBUG="1").returncode == 0  # a laptop may


def test_hsts_is_on_without_preload_unless_asked(client):
    header = client.get("/jobs/", secure=True).headers["Strict-Transport-Security"]

    assert "max-age=31536000" in header
    assert "preload" not in header


def test_session_and_csrf_cookies_are_host_cookies_over_https(client, notice):
    response = client.get("/apply/", secure=True)

    cookie = response.cookies["__Host-csrftoken"]
    assert (cookie["secure"], cookie["path"], cookie["domain"]) == (True, "/", "")


def test_the_language_cookie_is_secure_and_same_site(client):
    response = client.post("/language/", {"language": "sv", "next": "/jobs/"}, secure=True)

    cookie = response.cookies["django_language"]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_the_400_for_a_bad_host_carries_the_security_headers(client):
    response = client.get("/jobs/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_cookies_that_other_hosts_could_set_are_a_deployment_warning(settings):
    assert checks.check_cookies_stay_on_this_host() == []

    settings.SESSION_COOKIE_NAME = "sessionid"
    settings.LANGUAGE_COOKIE_SECURE = False

    assert ids(checks.check_cookies_stay_on_this_host()) == ["ats.W005"]


@pytest.mark.slow  # commands run in processes of their own
def test_commands_that_sign_nothing_run_before_the_key_is_set(tmp_path):
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    base |= {"DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": f"sqlite:///{tmp_path}/x"}
    manage = [sys.executable, str(ROOT / "manage.py")]

    checked = subprocess.run([*manage, "check"], env=base, cwd=ROOT, capture_output=True, text=True)
    purged = subprocess.run(
        [*manage, "ats_purge", "--dry-run"], env=base, cwd=ROOT, capture_output=True, text=True
    )

    assert checked.returncode == 0, checked.stderr
    assert purged.returncode != 0 and "Set SECRET_KEY" in purged.stderr


def backends_named(name: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [name])
        return [pid for (pid,) in cursor.fetchall()]


@pytest.mark.slow  # gunicorn, started for it
@needs_postgresql
def test_a_worker_keeps_its_postgresql_connection_from_request_to_request(transactional_db):
    """DATABASE_URL as docs/configuration.md gives it: each request opened a connection of its own
    (the ad page took 1.4 to 2.1 times as long). A worker keeps one, and checks it
    before a request uses it: one the server cut (a restart) is replaced, not a 503."""
    database = connection.settings_dict
    name = f"ats-deployment-{secrets.token_hex(4)}"  # tells the worker's connections apart
    server = f"{quote(database['USER'])}@{database['HOST'] or '127.0.0.1'}"
    url = f"postgres://{server}:{database['PORT'] or 5432}/{database['NAME']}"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"{url}?application_name={name}",
        "PYTHONPATH": str(ROOT),
    }
    environment.pop("REDIS_URL", None)
    gunicorn, port = start_gunicorn(environment, "--workers", "1")

    def ask() -> int:
        page = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            page.request("GET", "/jobs/", headers={"Host": "127.0.0.1"})
            return page.getresponse().status
        finally:
            page.close()

    try:
        wait_until_served(port, gunicorn)
        answers = [ask()]
        after_the_first = backends_named(name)
        answers.append(ask())
        after_the_second = backends_named(name)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s",
                [name],
            )
        for _ in range(100):
            if not backends_named(name):
                break
            time.sleep(0.05)
        answers.append(ask())
        after_the_cut = backends_named(name)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=10)

    assert answers == [200, 200, 200]
    assert len(after_the_first) == 1
    assert after_the_second == after_the_first
    assert len(after_the_cut) == 1 and after_the_cut != after_the_first
