"""A purge process killed for real (SIGKILL) in the middle of a batch: the next run
finishes the batch. No orphan file, no duplicate tombstone, nothing early."""

import json
import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from ats.models import Application, DeletionRecord, PurgeClaim
from ats.services.ledger import verify
from ats.services.purge import purge_due
from ats.storage.ledger import PREFIX
from tests.backups import dump, restore
from tests.factories import ApplicationFactory
from tests.helpers import ROOT, database_url

# Slow: a purge process per test, killed for real.
pytestmark = pytest.mark.slow

# Runs `manage.py ats_purge`, and kills its own process right after `module.function`
# returns: after deleting a batch's files, or after writing it to the ledger, before the
# tombstones are committed: the worst moments for a crash.
KILLED_PURGE = """
import os, signal, sys
import django
django.setup()
from importlib import import_module
from django.core.management import call_command
module, name = sys.argv[1].rsplit(".", 1)
module = import_module(module)
real = getattr(module, name)

def then_die(*args, **options):
    real(*args, **options)
    os.kill(os.getpid(), signal.SIGKILL)

setattr(module, name, then_die)
call_command("ats_purge")
"""


def kill_purge_after(target: str, *, cv_files, tmp_path) -> None:
    script = tmp_path / "killed_purge.py"
    script.write_text(KILLED_PURGE)
    killed = subprocess.run(
        [sys.executable, str(script), target],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(ROOT),  # the demo site's settings: not an installed package
            "DATABASE_URL": database_url(),
            "ATS_CV_DIR": str(cv_files.root),
        },
        capture_output=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]


@pytest.mark.django_db(transaction=True)
def test_the_next_run_finishes_a_batch_whose_process_was_killed(cv_files, tmp_path):
    now = timezone.now()
    due = ApplicationFactory.create_batch(3, consented=True, delete_after=now - timedelta(days=1))
    not_yet = ApplicationFactory(consented=True, delete_after=now + timedelta(days=1))
    kill_purge_after("ats.storage.delete_cv_files", cv_files=cv_files, tmp_path=tmp_path)

    assert cv_files.remaining() == [not_yet.cv.name]  # the batch's files went
    assert list(Application.objects.all()) == [not_yet]  # its rows went with their claim
    assert sorted(PurgeClaim.objects.values_list("public_id", flat=True)) == sorted(
        a.public_id for a in due
    )  # ...and their tombstones are still to write
    assert not DeletionRecord.objects.exists()

    summary = purge_due()

    assert summary.deleted.total() == 3 and summary.failed == 0
    assert list(Application.objects.all()) == [not_yet] and not PurgeClaim.objects.exists()
    assert cv_files.remaining() == [not_yet.cv.name]
    assert sorted(DeletionRecord.objects.values_list("public_id", flat=True)) == sorted(
        a.public_id for a in due
    )


@pytest.mark.django_db(transaction=True)
def test_a_batch_killed_after_its_ledger_write_is_void_and_ledgered_once_when_done(
    cv_files, tmp_path
):
    due = ApplicationFactory.create_batch(3, consented=True, delete_after=timezone.now())

    kill_purge_after("ats.services.ledger.append", cv_files=cv_files, tmp_path=tmp_path)

    assert cv_files.remaining(prefix=PREFIX) == [f"{PREFIX}000000000001.json"]  # no outcome
    assert PurgeClaim.objects.count() == 3  # the tombstones not committed
    assert not DeletionRecord.objects.exists()

    assert purge_due().deleted.total() == 3

    assert cv_files.remaining(prefix=PREFIX) == [
        f"{PREFIX}000000000001.json",
        f"{PREFIX}000000000001.void",  # what the killed run wrote never happened
        f"{PREFIX}000000000002.committed",
        f"{PREFIX}000000000002.json",
    ]
    report = verify()
    assert report.clean
    assert (report.objects, report.committed, report.void, report.entries) == (2, 1, 1, 3)
    assert set(DeletionRecord.objects.values_list("ledger_object", flat=True)) == {2}
    entries = json.loads(cv_files.read(f"{PREFIX}000000000002.json"))["entries"]
    deleted_at = DeletionRecord.objects.values_list("deleted_at", flat=True).first()
    assert {item["deleted_at"] for item in entries} == {deleted_at.isoformat()}
    assert sorted(item["public_id"] for item in entries) == sorted(str(a.public_id) for a in due)


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_mid_purge_restored_before_the_replay_is_ledgered_once(cv_files, tmp_path):
    due = ApplicationFactory.create_batch(3, consented=True, delete_after=timezone.now())
    kill_purge_after("ats.storage.delete_cv_files", cv_files=cv_files, tmp_path=tmp_path)
    backup = dump()  # the night's backup, with the killed batch's claims in it
    assert purge_due().deleted.total() == 3  # the next run finishes the batch

    restore(backup)  # the claims are back, their tombstones gone
    assert PurgeClaim.objects.count() == 3 and not DeletionRecord.objects.exists()
    summary = purge_due()  # the schedule's run, before the operator's replay

    assert not PurgeClaim.objects.exists() and cv_files.remaining() == []
    report = verify()
    assert report.twice == [] and report.clean
    assert (report.objects, report.entries) == (1, 3)
    assert summary.restored == 3 and summary.deleted.total() == 0
    assert sorted(DeletionRecord.objects.values_list("public_id", flat=True)) == sorted(
        a.public_id for a in due
    )
    assert set(DeletionRecord.objects.values_list("ledger_object", flat=True)) == {1}
