"""The erasure ledger survives a database restore: replay deletes again, verify proves it."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from ats import storage
from ats.ledger import PREFIX
from ats.models import Application, DeletionRecord, LedgerHead, Note, StageChange
from ats.services.ledger import verify
from ats.services.purge import purge_due
from ats.services.review import add_note
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def ledger_objects(files) -> list[dict]:
    """The batch objects, without their outcome objects."""
    return [
        json.loads(files.read(key))
        for key in files.remaining(prefix=PREFIX)
        if key.endswith(".json")
    ]


def test_each_batch_is_written_to_the_ledger_before_the_rows_go(cv_files):
    due = ApplicationFactory.create_batch(3, consented=True, delete_after=timezone.now())
    purge_due(batch_size=2)

    first, second = ledger_objects(cv_files)
    assert (first["sequence"], second["sequence"]) == (1, 2)
    assert first["previous_sha256"] == ""
    listed = {item["public_id"] for obj in (first, second) for item in obj["entries"]}
    assert listed == {str(a.public_id) for a in due}
    entry = first["entries"][0]
    assert entry["reason"] == "consent_expired" and entry["cv_key"].startswith("cv/")
    assert set(entry) == {"public_id", "opening_id", "reason", "due_at", "deleted_at", "cv_key"}
    assert verify().clean


def test_a_restored_database_is_cleaned_again_by_the_replay(
    stored_files, django_capture_on_commit_callbacks
):
    recruiter = UserFactory()
    applications = ApplicationFactory.create_batch(
        3, decided=True, delete_after=timezone.now() + timedelta(days=1)
    )
    add_note(application=applications[0], text="Bra intervju", author=recruiter)
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(
        delete_after=timezone.now()  # a day later: their time has come
    )
    kept = ApplicationFactory(consented=True, delete_after=timezone.now() + timedelta(days=30))
    # The backup: the database's rows and the storage's CV files, as they are now.
    backup = serializers.serialize(
        "json", [*Application.objects.all(), *Note.objects.all(), *StageChange.objects.all()]
    )
    files_backup = stored_files.snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        purge_due()
    assert Application.objects.count() == 1 and DeletionRecord.objects.count() == 3

    # The restore: rows and files come back; the tombstones written since are lost.
    DeletionRecord.objects.all().delete()
    for restored in serializers.deserialize("json", backup):
        restored.save()
    stored_files.restore(files_backup)
    assert Application.objects.count() == 4
    assert len(stored_files.remaining()) == 4
    with pytest.raises(CommandError):
        run("ats_verify_ledger")

    dry = run("ats_replay_erasures", "--dry-run")
    assert "Would delete applications restored from a backup: 3" in dry
    assert Application.objects.count() == 4

    report = run("ats_replay_erasures")

    assert "Deleted applications restored from a backup: 3" in report
    assert "Wrote missing tombstones: 3" in report
    assert list(Application.objects.all()) == [kept]
    assert not Note.objects.exists()
    assert stored_files.remaining() == [kept.cv.name]
    assert sorted(DeletionRecord.objects.values_list("public_id", flat=True)) == sorted(
        a.public_id for a in applications
    )
    verified = run("ats_verify_ledger")
    assert "Ledger objects: 1 (1 committed, 0 void), entries: 3" in verified
    assert "everything in it is gone" in verified
    again = run("ats_replay_erasures")  # idempotent
    assert "Deleted applications restored from a backup: 0" in again
    assert "Wrote missing tombstones: 0" in again


def test_verify_reports_an_edited_or_missing_ledger_object(cv_files):
    ApplicationFactory.create_batch(3, consented=True, delete_after=timezone.now())
    purge_due(batch_size=1)
    first, second, _third = cv_files.remaining(prefix=PREFIX)
    assert verify().clean

    edited = json.loads(cv_files.read(first))
    edited["entries"] = []  # someone hides a deletion
    storage.cv_storage.delete(first)
    storage.cv_storage.save(first, ContentFile(json.dumps(edited, sort_keys=True).encode()))
    assert any("does not follow" in problem for problem in verify().breaks)

    storage.cv_storage.delete(second)
    assert any("missing" in problem for problem in verify().breaks)


def test_after_a_restore_the_ledger_continues_its_chain(cv_files):
    ApplicationFactory(consented=True, delete_after=timezone.now())
    purge_due()
    LedgerHead.objects.all().delete()  # the restored database knows nothing of it
    ApplicationFactory(consented=True, delete_after=timezone.now())
    purge_due()
    assert [obj["sequence"] for obj in ledger_objects(cv_files)] == [1, 2]
    assert verify().clean


def test_verify_fails_when_tombstones_are_missing_from_the_ledger(
    stored_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ApplicationFactory.create_batch(2, consented=True, delete_after=timezone.now())
        purge_due(batch_size=1)
    assert "Ledger objects: 2 (2 committed, 0 void), entries: 2" in run("ats_verify_ledger")
    first, *_ = [key for key in stored_files.remaining(prefix=PREFIX) if key.endswith(".json")]
    storage.cv_storage.delete(first)
    with pytest.raises(CommandError):
        run("ats_verify_ledger")
    assert len(verify().unledgered) == 1

    for key in stored_files.remaining(prefix=PREFIX):  # the whole ledger lost
        storage.cv_storage.delete(key)
    report = verify()
    assert (report.objects, len(report.unledgered)) == (0, 2)
    assert not report.clean
