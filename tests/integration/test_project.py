"""The project around the app: the database the web process and worker share, the queue."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.backends.sqlite3.base import DatabaseWrapper

from tests.helpers import ROOT


def test_sqlite_default_uses_wal_and_waits_for_locks(tmp_path, django_db_blocker):
    # A real connection built from the project's SQLite options, whatever database
    # this test run itself uses.
    wrapper = DatabaseWrapper(
        {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "ats.sqlite3"),
            "OPTIONS": settings.SQLITE_OPTIONS,
        }
    )
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000
    finally:
        wrapper.close()


def test_queue_retries_only_after_a_task_has_timed_out():
    assert settings.Q_CLUSTER["retry"] > settings.Q_CLUSTER["timeout"]
    assert settings.Q_CLUSTER["max_attempts"] > 0  # 0 would mean forever


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


TWO_SESSIONS = """
import sys
import pytest
test = "tests/services/test_ledger.py::test_a_restored_database_is_cleaned_again_by_the_replay"
codes = [pytest.main(["-q", "-p", "no:cacheprovider", test + "[s3]"]) for _ in range(2)]
sys.exit(max(codes))
"""


@pytest.mark.slow  # two pytest sessions in a process of its own
def test_the_s3_tests_run_twice_in_one_process(tmp_path):
    """A runner that calls pytest twice in one process (a watcher, an IDE) finds the local
    S3 server's bucket already made by the first session."""
    ran = subprocess.run(
        [sys.executable, "-c", TWO_SESSIONS],
        cwd=ROOT,
        # Its own database: this run's test database is in use.
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'ats.sqlite3'}"},
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stdout[-2000:]
    assert ran.stdout.count("1 passed") == 2
