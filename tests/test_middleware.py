"""A page asked for while the database cannot be reached (a PostgreSQL restart, a
failover) answers "try again in a moment" with Retry-After, not a 500."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.faults import needs_postgresql

# What `django-admin startproject` writes, with the line the README adds.
STARTPROJECT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
STARTPROJECT_MIDDLEWARE.insert(1, "ats.middleware.DatabaseUnavailableMiddleware")


@pytest.mark.parametrize("project", ["this", "an integrator's"])
def test_the_form_page_answers_try_again_in_a_moment_while_the_database_is_down(
    project, client, settings, database_down
):
    if project == "an integrator's":
        settings.MIDDLEWARE = STARTPROJECT_MIDDLEWARE

    response = client.get(reverse("ats:apply"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Please try again in a moment" in page
    assert "Wait a moment and reload the page." in page


def test_in_the_candidates_language_and_with_a_session_too(settings, database_down):
    # A candidate who opened her self-service link has a session: reading it fails in
    # a middleware, before any view.
    browser = Client(raise_request_exception=False)
    browser.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    response = browser.get(reverse("ats:apply"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Language"] == "sv"
    assert '<html lang="sv">' in response.content.decode()


@needs_postgresql
def test_a_connection_cut_by_a_postgresql_restart_answers_try_again_too(
    client, transactional_db, database_down_after
):
    assert client.get(reverse("ats:apply")).status_code == 200
    database_down_after(connection)  # the restart: the open connection is cut

    response = client.get(reverse("ats:apply"))

    assert response.status_code == 503 and response["Retry-After"] == "30"


@pytest.fixture
def database_down_after(dead_port):
    """Cut a live connection as a restart does (pg_terminate_backend: "terminating
    connection due to administrator command"), and refuse new ones meanwhile."""
    database = connection.settings_dict
    saved = dict(database)

    def cut(live) -> None:
        import psycopg  # the PostgreSQL run's driver

        pid = live.connection.info.backend_pid
        with psycopg.connect(
            host=database["HOST"] or "127.0.0.1",
            port=database["PORT"] or 5432,
            user=database["USER"],
            password=database["PASSWORD"],
            dbname=database["NAME"],
            autocommit=True,
        ) as administrator:
            administrator.execute("SELECT pg_terminate_backend(%s)", [pid])
        database["HOST"], database["PORT"] = "127.0.0.1", dead_port

    yield cut
    connection.close()
    database.update(saved)
