"""The deletion engine: what goes, when, with its file, across faults and workers."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import factory
import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection, transaction

from ats import storage
from ats.models import (
    Application,
    ApplicationTag,
    ApplicationText,
    CandidateEmail,
    Criterion,
    DeletionReason,
    DeletionRecord,
    Interview,
    InterviewSlot,
    LinkRequest,
    MeritRequest,
    Message,
    Note,
    PurgeClaim,
    Score,
    StageChange,
    Tag,
)
from ats.services import purge
from ats.services.purge import purge_due
from ats.storage.s3 import s3_client
from tests.factories import (
    ApplicationFactory,
    ApplicationTagFactory,
    OpeningFactory,
    ScoreFactory,
    UserFactory,
)
from tests.faults import needs_postgresql
from tests.helpers import twice_at_once

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PAST = NOW - timedelta(minutes=1)


def due(count: int = 1, **fields) -> list[Application]:
    if not fields.get("decided"):
        fields.setdefault("consented", True)
    return ApplicationFactory.create_batch(count, delete_after=PAST, **fields)


def tombstoned_ids() -> list:
    return sorted(DeletionRecord.objects.values_list("public_id", flat=True))


def test_ended_sessions_go_with_what_was_kept_in_them():
    """A colleague's search for a name stays in the session's row after it ended, until
    something clears it: the purge does."""
    ended, going_on = SessionStore(), SessionStore()
    for session in (ended, going_on):
        session["ats_search"] = "Astrid Lindqvist"
        session.create()
    Session.objects.filter(session_key=ended.session_key).update(expire_date=PAST)

    purge_due(now=NOW)

    assert list(Session.objects.values_list("session_key", flat=True)) == [going_on.session_key]


def test_a_cache_table_never_created_leaves_the_purge_whole(settings, caplog):
    """Clearing what has ended is housekeeping: the deletions, and the summary, stand."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ats_cache_never_created",
        }
    }
    [application] = due()

    summary = purge_due(now=NOW)

    assert summary.deleted.total() == 1
    assert not Application.objects.filter(pk=application.pk).exists()
    assert "could not clear forget_ended_counts" in caplog.text


def sampled_by_the_planner(fragment: str) -> list[str]:
    """The columns whose statistics (pg_stats: the commonest values, the histogram, a
    text vector's commonest words) hold `fragment`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename || '.' || attname FROM pg_stats"
            " WHERE schemaname = current_schema()"
            " AND concat(most_common_vals::text, histogram_bounds::text,"
            "            most_common_elems::text) ILIKE %s",
            [f"%{fragment}%"],
        )
        return sorted(column for (column,) in cursor.fetchall())


@needs_postgresql
def test_what_the_planner_sampled_of_erased_applications_is_sampled_again(
    stored_files, django_capture_on_commit_callbacks
):
    """PostgreSQL keeps values sampled from each column for its planner: in a small
    table, every name, address and word of every row. A purge that deleted applications
    has their tables sampled again: no erased name stays in the catalog until autovacuum
    would next get to it (weeks, for a small table)."""
    ApplicationFactory.create_batch(
        3, consented=True, email=factory.Sequence("kvar{}@exempel.se".format)
    )
    [erased] = due(name="Zoltan Qvarnström", email="zoltan.qvarnstrom@example.se")
    Note.objects.create(application=erased, author=UserFactory(), text="Qvarnström kör truck")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert "ats_application.email" in sampled_by_the_planner("qvarnstr")

    with django_capture_on_commit_callbacks(execute=True):  # sampled once it is all gone
        purge_due(now=NOW)

    assert not Application.objects.filter(pk=erased.pk).exists()
    assert sampled_by_the_planner("qvarnstr") == []
    assert "ats_application.email" in sampled_by_the_planner("@exempel.se")  # the others'


@needs_postgresql
def test_addresses_waiting_in_an_outbox_or_a_claim_are_never_sampled():
    """There for minutes, they would stay in the planner's statistics for weeks, and
    for good once the table is empty (migration 0051)."""
    LinkRequest.objects.create(email="vantar.pa.lank@example.se")
    LinkRequest.objects.create(email="vantar.ocksa@example.se")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ats_linkrequest")
        cursor.execute(
            "SELECT attrelid::regclass::text FROM pg_attribute"
            " WHERE attname = 'email' AND attstattarget = 0"
        )
        unsampled = sorted(table for (table,) in cursor.fetchall())

    assert sampled_by_the_planner("vantar") == []
    assert unsampled == [
        "ats_erasurereceipt", "ats_linkrequest", "ats_noticechangeemail", "ats_purgeclaim"
    ]  # fmt: skip


@needs_postgresql
def test_a_purge_samples_no_table_that_was_never_sampled(
    stored_files, django_capture_on_commit_callbacks
):
    """A sample taken of a table would outlive its rows once the table is empty
    (PostgreSQL keeps the last sample of a table without rows): the purge only renews
    samples there were."""
    kept, _ = ApplicationFactory.create_batch(2, consented=True)
    Note.objects.create(application=kept, author=UserFactory(), text="Bergström kör truck")
    Note.objects.create(application=kept, author=UserFactory(), text="Bergström har B-körkort")
    due()
    with connection.cursor() as cursor:  # as if autovacuum had never got to the notes
        cursor.execute("ANALYZE ats_application")
        cursor.execute("DELETE FROM pg_statistic WHERE starelid = 'ats_note'::regclass")

    with django_capture_on_commit_callbacks(execute=True):
        purge_due(now=NOW)

    assert sampled_by_the_planner("bergstr") == []
    assert "ats_application.email" in sampled_by_the_planner(kept.email)


def test_due_application_goes_with_its_cv_and_leaves_a_tombstone(stored_files):
    [application] = due()
    assert stored_files.remaining() == [application.cv.name]

    summary = purge_due(now=NOW)

    assert not Application.objects.exists()
    assert stored_files.remaining() == []
    tombstone = DeletionRecord.objects.get()
    assert (tombstone.public_id, tombstone.reason, tombstone.kind) == (
        application.public_id,
        DeletionReason.CONSENT_EXPIRED,
        DeletionRecord.Kind.SPONTANEOUS,
    )
    assert (tombstone.due_at, tombstone.files_deleted) == (PAST, 1)
    assert summary.deleted == {DeletionReason.CONSENT_EXPIRED: 1}
    assert (summary.files_deleted, summary.failed) == (1, 0)


@pytest.mark.parametrize(
    ("fields", "reason", "kind"),
    [
        ({"consented": True}, DeletionReason.CONSENT_EXPIRED, "spontaneous"),
        ({"decided": True}, DeletionReason.RETENTION_EXPIRED, "opening"),
        (
            {"consented": True, "deletion_reason": DeletionReason.CONSENT_WITHDRAWN},
            DeletionReason.CONSENT_WITHDRAWN,
            "spontaneous",
        ),
        (
            {"decided": True, "deletion_reason": DeletionReason.ERASURE_REQUESTED},
            DeletionReason.ERASURE_REQUESTED,
            "opening",
        ),
    ],
)
def test_tombstone_names_the_rule_that_deleted_it(fields, reason, kind):
    [application] = due(**fields)
    purge_due(now=NOW)
    tombstone = DeletionRecord.objects.get()
    assert (tombstone.reason, tombstone.kind) == (reason, kind)
    assert tombstone.opening_id == application.opening_id


def test_tombstone_holds_no_personal_data():
    [application] = due(name="Astrid Lindqvist", email="astrid@example.se", cv_filename="A.pdf")
    purge_due(now=NOW)
    stored = " ".join(str(value) for value in DeletionRecord.objects.values_list().get())
    for personal in ("Astrid", "astrid@example.se", "A.pdf", application.cv.name):
        assert personal not in stored


def test_nothing_goes_a_day_early_and_everything_a_day_after(cv_files):
    deadline = datetime(2027, 6, 10, 14, 0, tzinfo=UTC)
    [application] = ApplicationFactory.create_batch(1, consented=True, delete_after=deadline)
    waiting = ApplicationFactory(delete_after=None)  # an opening before its decision

    with time_machine.travel(deadline - timedelta(days=1), tick=False):
        assert purge_due().deleted.total() == 0
    assert Application.objects.filter(pk=application.pk).exists()
    assert application.cv.name in cv_files.remaining()

    with time_machine.travel(deadline + timedelta(days=1), tick=False):
        assert purge_due().deleted.total() == 1
    assert list(Application.objects.all()) == [waiting]
    assert cv_files.remaining() == [waiting.cv.name]


def test_s3_files_go_in_one_delete_objects_request_per_batch(s3_cv_files):
    applications = due(5)
    calls = []
    s3_client(storage.cv_backend()).meta.events.register(
        "before-call.s3", lambda model, **kwargs: calls.append(model.name)
    )

    summary = purge_due(now=NOW, batch_size=2)

    assert summary.deleted.total() == summary.files_deleted == 5
    assert calls.count("DeleteObjects") == 3  # batches of 2, 2 and 1
    assert "DeleteObject" not in calls
    assert s3_cv_files.remaining() == []
    assert tombstoned_ids() == sorted(a.public_id for a in applications)


def test_a_missing_file_counts_as_deleted(stored_files):
    [application] = due()
    storage.delete_cv_files([application.cv.name])
    summary = purge_due(now=NOW)
    assert not Application.objects.exists()
    assert (summary.failed, DeletionRecord.objects.get().files_deleted) == (0, 1)


def test_dry_run_reports_and_deletes_nothing(cv_files):
    due(2)
    due(1, decided=True)
    due(1, hold_reason="Tvist vid arbetsdomstolen")
    ApplicationFactory(consented=True, delete_after=NOW + timedelta(days=1))

    summary = purge_due(now=NOW, dry_run=True)

    assert summary.due == {DeletionReason.CONSENT_EXPIRED: 2, DeletionReason.RETENTION_EXPIRED: 1}
    assert summary.held == 1
    assert Application.objects.count() == 5
    assert len(cv_files.remaining()) == 5
    assert not DeletionRecord.objects.exists()
    assert "Due now: 3 application(s)" in summary.as_text()


@pytest.mark.django_db(transaction=True)  # the file thread sees what the claim committed
def test_a_claimed_application_is_gone_with_its_notes_before_its_file_goes(cv_files, monkeypatch):
    [withdrawn] = due(deletion_reason=DeletionReason.CONSENT_WITHDRAWN, email="astrid@example.se")
    [expired] = due(email="bo@example.se")
    Note.objects.create(application=withdrawn, text="Stark kandidat", author=UserFactory())
    real_delete, seen = storage.delete_cv_files, {}

    def look_then_delete(keys, **options):
        seen["applications"] = Application.objects.count()
        seen["notes"] = Note.objects.count()
        seen["files"] = cv_files.remaining()
        seen["claims"] = {
            claim.public_id: (claim.email, claim.cv) for claim in PurgeClaim.objects.all()
        }
        return real_delete(keys, **options)

    monkeypatch.setattr(storage, "delete_cv_files", look_then_delete)
    purge_due(now=NOW)

    assert (seen["applications"], seen["notes"]) == (0, 0)  # gone from every page at once
    assert seen["files"] == sorted([withdrawn.cv.name, expired.cv.name])  # then the files
    assert seen["claims"] == {  # the address only where the candidate gets a receipt
        withdrawn.public_id: ("astrid@example.se", withdrawn.cv.name),
        expired.public_id: ("", expired.cv.name),
    }
    assert not PurgeClaim.objects.exists()  # and nothing of them once the batch is done


def test_a_file_that_cannot_be_deleted_keeps_its_claim_for_the_next_run(cv_files, monkeypatch):
    applications = due(3)
    stuck = applications[0].cv.name
    real_delete = storage.delete_cv_files

    def refuse_one(keys, **options):
        return real_delete([key for key in keys if key != stuck], **options) | ({stuck} & set(keys))

    monkeypatch.setattr(storage, "delete_cv_files", refuse_one)
    summary = purge_due(now=NOW)

    assert (summary.deleted.total(), summary.failed) == (2, 1)
    assert PurgeClaim.objects.get().cv == stuck
    assert cv_files.remaining() == [stuck]
    assert not Application.objects.exists()  # gone from every page meanwhile
    assert purge_due(now=NOW, dry_run=True).due == {DeletionReason.CONSENT_EXPIRED: 1}

    monkeypatch.undo()
    assert purge_due(now=NOW).deleted.total() == 1
    assert cv_files.remaining() == []
    assert tombstoned_ids() == sorted(a.public_id for a in applications)


def raise_after_claiming(monkeypatch):
    def fail(keys, **options):
        raise ConnectionError("storage unreachable")

    monkeypatch.setattr(storage, "delete_cv_files", fail)


def raise_during_file_deletion(monkeypatch):
    real_delete = storage.delete_cv_files

    def half_then_fail(keys, **options):
        real_delete(keys[: len(keys) // 2], **options)
        raise ConnectionError("connection reset")

    monkeypatch.setattr(storage, "delete_cv_files", half_then_fail)


def raise_after_files_before_rows(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(purge, "_write_tombstones", fail)


def raise_after_writing_tombstones(monkeypatch):
    real_insert = purge.insert_from_select

    def insert_then_fail(**kwargs):
        real_insert(**kwargs)  # the tombstones are written, the claims not yet deleted
        raise RuntimeError("database went away")

    monkeypatch.setattr(purge, "insert_from_select", insert_then_fail)


@pytest.mark.parametrize(
    "fault",
    [
        raise_after_claiming,
        raise_during_file_deletion,
        raise_after_files_before_rows,
        raise_after_writing_tombstones,
    ],
)
def test_the_next_run_finishes_what_a_crash_left(stored_files, monkeypatch, fault):
    applications = due(5)
    all_ids = {a.public_id for a in applications}
    fault(monkeypatch)

    with pytest.raises((ConnectionError, RuntimeError)):
        purge_due(now=NOW, batch_size=2)

    # Nothing is lost in between: every application is still there, claimed or tombstoned.
    remaining = set(Application.objects.values_list("public_id", flat=True)) | set(
        PurgeClaim.objects.values_list("public_id", flat=True)
    )
    assert remaining | set(tombstoned_ids()) == all_ids
    assert not remaining & set(tombstoned_ids())

    monkeypatch.undo()
    purge_due(now=NOW, batch_size=2)

    assert not Application.objects.exists() and not PurgeClaim.objects.exists()
    assert stored_files.remaining() == []
    assert tombstoned_ids() == sorted(all_ids)  # exactly one each


def test_a_run_that_meets_another_runs_claimed_rows_deletes_each_once(cv_files):
    applications = due(4)
    # Run A claims a batch and stalls before deleting files...
    run_a = purge.Run()
    batch = purge._claim_batch(run=run_a, now=NOW, size=4)
    # ...run B purges everything meanwhile, A's claims included...
    assert purge_due(now=NOW).deleted.total() == 4
    # ...and when A resumes, it finds its claims gone and writes nothing twice.
    failed = storage.delete_cv_files(batch.keys)
    with transaction.atomic(), ThreadPoolExecutor(max_workers=1) as files:
        ledgered = purge._write_ledger(
            batch=batch,
            run=run_a,
            failed_keys=failed,
            summary=purge.PurgeSummary(),
            confirm_on=files,
        )
    assert ledgered.rows == []
    assert tombstoned_ids() == sorted(a.public_id for a in applications)


@pytest.mark.django_db(transaction=True)
def test_concurrent_purges_delete_each_application_once(cv_files):
    applications = due(40)
    errors, deleted = [], []

    def worker():
        try:
            deleted.append(purge_due(now=NOW, batch_size=5).deleted.total())
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)

    twice_at_once(worker)

    assert errors == []
    assert sum(deleted) == 40  # no application counted, or deleted, by both
    assert not Application.objects.exists()
    assert cv_files.remaining() == []
    assert tombstoned_ids() == sorted(a.public_id for a in applications)


def test_everything_held_with_an_application_goes_with_it_and_nothing_of_another():
    """Scores, interviews (their times and interviewers), emails, notes, messages, history,
    merit requests, tags and the CV's text: the purge leaves none of a deleted application's,
    and all of a living one's (the employer's tag itself stays)."""
    opening = OpeningFactory()
    criterion = Criterion.objects.create(opening=opening, name="Python")
    tag = Tag.objects.create(name="Ring tillbaka")
    member = UserFactory()
    [gone] = due(opening=opening, decided=True)
    kept = ApplicationFactory(opening=opening)
    for application in (gone, kept):
        ScoreFactory(application=application, criterion=criterion, scored_by=member)
        interview = Interview.objects.create(application=application, place="Kontoret")
        interview.interviewers.add(member)
        InterviewSlot.objects.create(interview=interview, starts_at=NOW + timedelta(days=2))
        CandidateEmail.objects.create(
            application=application,
            interview=interview,
            template="interview_invitation",
            send_after=NOW,
        )
        Note.objects.create(application=application, text="Bra", author=member)
        Message.objects.create(
            application=application, sender="team", text="Hej", written_by=member
        )
        Message.objects.create(application=application, sender="candidate", text="Tack")
        StageChange.objects.create(application=application, from_stage="new", to_stage="interview")
        MeritRequest.objects.create(application=application)
        ApplicationTagFactory(application=application, tag=tag, tagged_by=member)
    held = (
        Score,
        Interview,
        InterviewSlot,
        CandidateEmail,
        Note,
        StageChange,
        MeritRequest,
        ApplicationTag,
        ApplicationText,  # the CV's text, and what search reads
    )
    messages = Message.objects.filter(application=kept)
    links = Interview.interviewers.through.objects

    purge_due(now=NOW)

    assert list(Application.objects.all()) == [kept]
    assert {model.__name__: model.objects.count() for model in held} == dict.fromkeys(
        (model.__name__ for model in held), 1
    )
    assert links.get().interview.application == kept
    assert set(Message.objects.all()) == set(messages) and messages.count() == 2
    assert Score.objects.get().application == kept
    assert ApplicationTag.objects.get().application == kept and Tag.objects.get() == tag
    assert InterviewSlot.objects.get().interview.application == kept
