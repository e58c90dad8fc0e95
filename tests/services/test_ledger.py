"""The erasure ledger survives a database restore: replay deletes again, verify proves it."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import CommandError
from django.db.models import Sum
from django.utils import timezone

from ats import storage, tasks
from ats.models import (
    Application,
    DeletionRecord,
    ErasureReceipt,
    LedgerHead,
    Note,
    ReportCount,
)
from ats.services import candidate_rights, ledger, receipt_marks
from ats.services.ledger import verify
from ats.services.notes import add_note
from ats.services.purge import purge_due
from ats.storage.ledger import PREFIX
from tests.backups import dump, restore
from tests.factories import ApplicationFactory, UserFactory
from tests.helpers import run
from tests.mail import received_by

pytestmark = pytest.mark.django_db


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
    backup, files_backup = dump(), stored_files.snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        purge_due()
    assert Application.objects.count() == 1 and DeletionRecord.objects.count() == 3

    # The restore: rows and files come back; the tombstones written since are lost.
    restore(backup)
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


def the_worker_sends_emails() -> None:
    tasks.send_emails()


def applied(**fields) -> Application:
    """An application whose receipt went long ago: the emails below are the erasures'."""
    return ApplicationFactory(consented=True, receipt_sent_at=timezone.now(), **fields)


def erased_with_a_receipt(*addresses: str) -> list[Application]:
    applications = [applied(email=address) for address in addresses]
    for application in applications:
        candidate_rights.request_erasure(application=application)
    return applications


def test_a_purge_before_the_replay_deletes_what_a_restore_brought_back_and_ledgers_it_once(
    stored_files, smtp_server, django_capture_on_commit_callbacks
):
    erased = erased_with_a_receipt("astrid@example.se", "bertil@example.se")
    kept = applied(delete_after=timezone.now() + timedelta(days=30))
    # The backup: taken after the erasures, before the purge carried them out.
    backup, files_backup = dump(), stored_files.snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        purge_due()
    the_worker_sends_emails()
    assert received_by(smtp_server) == {"astrid@example.se": 1, "bertil@example.se": 1}

    restore(backup)
    stored_files.restore(files_backup)
    assert Application.objects.count() == 3
    # The schedule's purge runs before the operator's replay.
    with django_capture_on_commit_callbacks(execute=True):
        summary = purge_due()

    assert list(Application.objects.all()) == [kept]
    assert stored_files.remaining() == [kept.cv.name]
    report = verify()
    assert report.twice == [] and report.clean
    assert (report.objects, report.entries) == (1, 2)  # each erasure ledgered once
    assert set(DeletionRecord.objects.values_list("ledger_object", flat=True)) == {1}
    assert "Deleted again after a database restore (already in the erasure ledger): 2" in (
        summary.as_text()
    )
    the_worker_sends_emails()
    assert received_by(smtp_server) == {"astrid@example.se": 1, "bertil@example.se": 1}
    deletions = ReportCount.objects.filter(figure=ReportCount.Figure.DELETED)
    assert deletions.aggregate(total=Sum("applications"))["total"] == 2  # counted once each
    replayed = run("ats_replay_erasures")
    assert "Deleted applications restored from a backup: 0" in replayed
    assert "Wrote missing tombstones: 0" in replayed
    assert "everything in it is gone" in run("ats_verify_ledger")
    assert sorted(DeletionRecord.objects.values_list("public_id", flat=True)) == sorted(
        a.public_id for a in erased
    )


@pytest.mark.parametrize("first", ["ats_replay_erasures", "ats_purge"])
def test_after_a_restore_the_receipt_a_candidate_never_got_is_sent_and_none_twice(
    first, cv_files, smtp_server, django_capture_on_commit_callbacks
):
    astrid, bertil = applied(email="astrid@example.se"), applied(email="bertil@example.se")
    backup = dump()  # last night's: before either asked for erasure
    for application in (astrid, bertil):
        candidate_rights.request_erasure(application=application)
    with django_capture_on_commit_callbacks(execute=True):
        purge_due()
    smtp_server.refuse = {"bertil@example.se"}  # his mailbox is full today
    the_worker_sends_emails()
    assert received_by(smtp_server) == {"astrid@example.se": 1}

    restore(backup)  # both are back, with no date: the purge alone would keep them
    smtp_server.refuse = set()
    with django_capture_on_commit_callbacks(execute=True):
        output = run(first)
    the_worker_sends_emails()
    run("ats_replay_erasures")  # the operator's, after the schedule's purge, or again
    the_worker_sends_emails()

    assert not Application.objects.exists()
    assert received_by(smtp_server) == {"astrid@example.se": 1, "bertil@example.se": 1}
    assert not ErasureReceipt.objects.exists()
    if first == "ats_replay_erasures":
        assert "Wrote erasure receipts the restore lost: 1" in output
    assert verify().clean


def test_verify_tells_a_deletion_ledgered_again_after_a_restore_from_a_real_duplicate(
    cv_files, monkeypatch, django_capture_on_commit_callbacks
):
    erased = erased_with_a_receipt("astrid@example.se")
    backup = dump()
    with django_capture_on_commit_callbacks(execute=True):
        purge_due()
    restore(backup)
    # A purge of an earlier version, which deleted what the restore brought back as
    # new: it ledgered the same erasure a second time.
    monkeypatch.setattr(ledger, "replay_restored", lambda: ledger.Replay(dry_run=False))
    with django_capture_on_commit_callbacks(execute=True):
        purge_due()
    monkeypatch.undo()

    report = verify()
    public_id = str(erased[0].public_id)
    assert report.clean and report.twice == [] and report.again == [public_id]
    text = run("ats_verify_ledger")
    assert f"Deleted again after a database restore (not a problem): {public_id}" in text
    assert "everything in it is gone" in text

    # The database knew of the first deletion when the second was ledgered: no restore
    # explains it.
    DeletionRecord.objects.update(ledger_object=1)
    report = verify()
    assert report.twice == [public_id] and report.again == [] and not report.clean


def test_a_sent_receipt_is_marked_without_its_address_and_only_while_a_restore_needs_it(
    cv_files, django_capture_on_commit_callbacks
):
    erased_with_a_receipt("astrid@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        purge_due()
    the_worker_sends_emails()

    [mark] = cv_files.remaining(prefix=receipt_marks.RECEIPTS_PREFIX)
    assert "astrid" not in mark and cv_files.read(mark) == b""
    with time_machine.travel(timezone.now() + timedelta(days=7)):
        purge_due()
    assert cv_files.remaining(prefix=receipt_marks.RECEIPTS_PREFIX) == [mark]
    with time_machine.travel(timezone.now() + timedelta(days=9)):
        purge_due()  # too old to be written again by any replay: the mark goes
    assert cv_files.remaining(prefix=receipt_marks.RECEIPTS_PREFIX) == []
