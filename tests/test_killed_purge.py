"""A purge process killed for real (SIGKILL) in the middle of a batch: the next run
finishes the batch. No orphan file, no duplicate tombstone, nothing early."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from ats.models import Application, DeletionRecord
from ats.services.purge import purge_due
from tests.factories import ApplicationFactory

ROOT = Path(__file__).resolve().parent.parent

# Runs `manage.py ats_purge`, and kills its own process between deleting a batch's
# files and deleting its rows: the worst moment for a crash.
KILLED_PURGE = """
import os, signal
import django
django.setup()
from django.core.management import call_command
from ats import storage
real_delete = storage.delete_cv_files

def delete_then_die(keys, **options):
    real_delete(keys, **options)
    os.kill(os.getpid(), signal.SIGKILL)

storage.delete_cv_files = delete_then_die
call_command("ats_purge")
"""


def database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    return (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}"
        f"/{database['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_the_next_run_finishes_a_batch_whose_process_was_killed(cv_files, tmp_path):
    now = timezone.now()
    due = ApplicationFactory.create_batch(3, consented=True, delete_after=now - timedelta(days=1))
    not_yet = ApplicationFactory(consented=True, delete_after=now + timedelta(days=1))
    script = tmp_path / "killed_purge.py"
    script.write_text(KILLED_PURGE)

    killed = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(),
            "ATS_CV_DIR": str(cv_files.root),
        },
        capture_output=True,
    )

    assert killed.returncode == -signal.SIGKILL
    assert cv_files.remaining() == [not_yet.cv.name]  # the batch's files went first
    assert Application.objects.count() == 4  # ...its rows did not
    assert Application.objects.filter(purge_run__isnull=False).count() == 3
    assert list(Application.objects.live()) == [not_yet]  # claimed rows stay hidden
    assert not DeletionRecord.objects.exists()

    summary = purge_due()

    assert summary.deleted.total() == 3 and summary.failed == 0
    assert list(Application.objects.all()) == [not_yet]
    assert cv_files.remaining() == [not_yet.cv.name]
    assert sorted(DeletionRecord.objects.values_list("public_id", flat=True)) == sorted(
        a.public_id for a in due
    )
