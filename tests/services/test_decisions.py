"""The hiring decision starts the clock: two years later, the applicants are gone."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ats import retention, tasks
from ats.models import (
    AccessEvent,
    Application,
    CandidateEmail,
    DeletionReason,
    DeletionRecord,
    Interview,
    InterviewSlot,
    Note,
    Opening,
    StageChange,
)
from ats.services import decisions
from ats.services.decisions import BackdatingUnconfirmed, DecisionError, record_hiring_decision
from ats.services.interviews import InterviewError, book_interview
from ats.services.notes import add_note
from ats.services.outbox import drain_outbox
from ats.services.purge import purge_due
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, grant
from tests.helpers import reject_without_email
from tests.mail import calendars_in

pytestmark = pytest.mark.django_db

DECIDED = datetime(2026, 2, 27, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def on_the_day_of_the_decision():
    """Openings and applications are made, and decisions recorded, on DECIDED's day."""
    with time_machine.travel(DECIDED + timedelta(hours=1), tick=False):
        yield


@pytest.fixture
def recruiter():
    return UserFactory(username="rekryterare")


def test_decision_dates_every_applicant_and_marks_the_hired(recruiter):
    opening = OpeningFactory()
    hired, rejected = ApplicationFactory.create_batch(2, opening=opening)

    decision = record_hiring_decision(
        opening=opening, hired=[hired.public_id], decided_by=recruiter, decided_at=DECIDED
    )

    expected = retention.deadline_after_decision(DECIDED)
    assert decision.delete_after == expected == datetime(2028, 2, 27, 15, 0, tzinfo=UTC)
    assert (decision.applications, decision.hired) == (2, 1)
    for application in (hired, rejected):
        application.refresh_from_db()
        assert (application.decided_at, application.delete_after) == (DECIDED, expected)
        assert application.deletion_reason == DeletionReason.RETENTION_EXPIRED
    assert (hired.stage, rejected.stage) == ("hired", "rejected")  # the decision concludes it
    opening.refresh_from_db()
    assert (opening.status, opening.decided_at, opening.decided_by) == (
        Opening.Status.CLOSED,
        DECIDED,
        recruiter,
    )
    assert AccessEvent.objects.filter(action="decision", user=recruiter).count() == 2


def test_rejected_candidate_is_gone_two_years_after_the_decision(recruiter, cv_files):
    opening = OpeningFactory()
    application = ApplicationFactory(opening=opening)
    add_note(application=application, text="Bra intervju", author=recruiter)
    reject_without_email(application, by=recruiter)
    record_hiring_decision(opening=opening, hired=[], decided_by=recruiter, decided_at=DECIDED)

    with time_machine.travel(retention.add_years(DECIDED, 2) - timedelta(days=1), tick=False):
        purge_due()
    assert Application.objects.filter(pk=application.pk).exists()

    with time_machine.travel(retention.add_years(DECIDED, 2) + timedelta(days=1), tick=False):
        purge_due()
    assert not Application.objects.exists()
    assert not Note.objects.exists()  # internal notes go with the application
    assert cv_files.remaining() == []
    assert DeletionRecord.objects.get().reason == DeletionReason.RETENTION_EXPIRED


def statements_of_a_decision(
    *, applicants: int, recruiter, interviews: int = 0
) -> tuple[int, Opening]:
    """How many statements the decision on an opening with `applicants` issued, the
    first `interviews` of those not hired with an interview booked ahead."""
    opening = OpeningFactory()
    applications = ApplicationFactory.create_batch(applicants, opening=opening, cv="cv/x.pdf")
    for application in applications[1 : 1 + interviews]:
        booked(application, starts_at=timezone.now() + timedelta(days=1))
    with CaptureQueriesContext(connection) as queries:
        record_hiring_decision(
            opening=opening, hired=[applications[0].public_id], decided_by=recruiter
        )
    return len(queries), opening


def test_decision_costs_the_same_queries_for_5_and_200_applicants(recruiter):
    def decide(count: int) -> int:
        statements, opening = statements_of_a_decision(applicants=count, recruiter=recruiter)
        assert (
            Application.objects.filter(opening=opening, delete_after__isnull=False).count() == count
        )
        return statements

    assert decide(5) == decide(200)


def test_an_erased_application_keeps_its_earlier_date(recruiter):
    opening = OpeningFactory()
    erased = ApplicationFactory(
        opening=opening,
        delete_after=DECIDED - timedelta(days=1),
        deletion_reason="erasure_requested",
    )
    record_hiring_decision(opening=opening, hired=[], decided_by=recruiter, decided_at=DECIDED)
    erased.refresh_from_db()
    assert erased.delete_after == DECIDED - timedelta(days=1)
    assert erased.deletion_reason == "erasure_requested"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("other opening", "Only applicants to this opening"),
        ("future", "cannot be dated in the future"),
        ("twice", "already recorded"),
    ],
)
def test_a_decision_that_cannot_be_recorded_changes_nothing(recruiter, case, message):
    opening = OpeningFactory()
    application = ApplicationFactory(opening=opening)
    stranger = ApplicationFactory()  # applied to another opening
    hired, decided_at = [application.public_id], DECIDED
    if case == "other opening":
        hired = [stranger.public_id]
    elif case == "future":
        decided_at = datetime(2999, 1, 1, tzinfo=UTC)
    else:
        record_hiring_decision(opening=opening, hired=[], decided_by=recruiter, decided_at=DECIDED)
    before = list(Application.objects.values_list("stage", "delete_after").order_by("pk"))

    with pytest.raises(DecisionError, match=message):
        record_hiring_decision(
            opening=opening, hired=hired, decided_by=recruiter, decided_at=decided_at
        )

    assert list(Application.objects.values_list("stage", "delete_after").order_by("pk")) == before


def test_decision_time_is_now_today_and_the_start_of_an_earlier_day():
    now = datetime(2026, 6, 10, 13, 45, tzinfo=UTC)
    assert retention.decision_time(now.date(), now=now) == now
    earlier = retention.decision_time(now.date() - timedelta(days=2), now=now)
    assert earlier.isoformat() == "2026-06-08T00:00:00+02:00"  # Swedish summer time


def test_access_log_is_kept_two_years_then_purged(recruiter):
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    old = AccessEvent.objects.create(
        user=recruiter,
        action="view",
        public_id="00000000-0000-4000-8000-000000000001",
        at=now - timedelta(days=731),
    )
    recent = AccessEvent.objects.create(
        user=recruiter,
        action="view",
        public_id="00000000-0000-4000-8000-000000000002",
        at=now - timedelta(days=729),
    )
    assert purge_due(now=now, dry_run=True).access_events == 1
    assert purge_due(now=now).access_events == 1
    assert list(AccessEvent.objects.all()) == [recent]
    assert not AccessEvent.objects.filter(pk=old.pk).exists()


def opening_with_an_applicant(*, created_days_ago: int, applied_days_ago: int):
    now = datetime.now(UTC)
    opening = OpeningFactory(created_at=now - timedelta(days=created_days_ago))
    application = ApplicationFactory(
        opening=opening, submitted_at=now - timedelta(days=applied_days_ago)
    )
    return opening, application


def unchanged(opening, application) -> bool:
    opening.refresh_from_db()
    application.refresh_from_db()
    return opening.decided_at is None and application.delete_after is None


@pytest.mark.parametrize(
    ("decided_days_ago", "earliest"),
    [(46_000, "before the opening"), (20, "before the last application")],
    ids=lambda value: str(value),
)
def test_a_decision_cannot_precede_the_opening_or_its_applications(
    recruiter, decided_days_ago, earliest
):
    recruiter = grant(recruiter, "backdate_decision")  # not even with the permission
    opening, application = opening_with_an_applicant(created_days_ago=30, applied_days_ago=10)

    with pytest.raises(DecisionError, match="cannot be dated before"):
        record_hiring_decision(
            opening=opening,
            hired=[],
            decided_by=recruiter,
            decided_at=datetime.now(UTC) - timedelta(days=decided_days_ago),
            backdating_confirmed=True,
        )

    assert unchanged(opening, application)


def test_a_decision_whose_deletion_date_has_passed_needs_the_permission_then_a_confirmation(
    recruiter,
):
    opening, application = opening_with_an_applicant(created_days_ago=1200, applied_days_ago=1100)
    decided_at = datetime.now(UTC) - timedelta(days=1000)  # two years after: long past

    with pytest.raises(DecisionError, match="needs the permission to backdate"):
        record_hiring_decision(
            opening=opening, hired=[], decided_by=recruiter, decided_at=decided_at
        )
    assert unchanged(opening, application)

    recruiter = grant(recruiter, "backdate_decision")
    with pytest.raises(BackdatingUnconfirmed) as unconfirmed:
        record_hiring_decision(
            opening=opening, hired=[], decided_by=recruiter, decided_at=decided_at
        )
    assert unchanged(opening, application)
    assert unconfirmed.value.deleted_at_once
    assert unconfirmed.value.delete_after == retention.deadline_after_decision(decided_at)

    record_hiring_decision(
        opening=opening,
        hired=[],
        decided_by=recruiter,
        decided_at=decided_at,
        backdating_confirmed=True,
    )
    assert purge_due().deleted.total() == 1


@pytest.mark.parametrize(("days_back", "needs_confirmation"), [(3, False), (4, True)])
def test_a_few_days_back_needs_no_confirmation(recruiter, days_back, needs_confirmation):
    opening, application = opening_with_an_applicant(created_days_ago=30, applied_days_ago=10)
    decided_at = datetime.now(UTC) - timedelta(days=days_back)

    try:
        record_hiring_decision(
            opening=opening, hired=[], decided_by=recruiter, decided_at=decided_at
        )
        confirmation_asked = False
    except DecisionError:
        confirmation_asked = True

    assert confirmation_asked == needs_confirmation
    assert unchanged(opening, application) == needs_confirmation


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 3, so that a few applicants stand for the 100,000 a batch is made for."""
    monkeypatch.setattr(decisions, "SETTLE_BATCH", 3)


def decided_as_one(opening, hired) -> dict:
    """What each applicant got from the decision: its date, and how many history steps,
    emails and access-log entries it has, by stage."""
    rows = Application.objects.filter(opening=opening)
    return {
        "dates": set(rows.values_list("decided_at", "delete_after", "deletion_reason")),
        "stages": sorted(rows.values_list("stage", flat=True)),
        "history": sorted(StageChange.objects.filter(application__opening=opening).values_list(
            "to_stage", flat=True
        )),
        "emails": CandidateEmail.objects.filter(
            application__opening=opening, template="position_filled"
        ).exclude(application=hired).count(),
        "access": AccessEvent.objects.filter(action="decision").count(),
    }  # fmt: skip


def test_a_decision_on_more_than_a_batch_returns_and_the_worker_settles_the_rest(
    recruiter, small_batches, django_capture_on_commit_callbacks
):
    opening = OpeningFactory()
    hired, *_ = ApplicationFactory.create_batch(8, opening=opening)

    with django_capture_on_commit_callbacks() as callbacks:
        record_hiring_decision(opening=opening, hired=[hired.public_id], decided_by=recruiter)
    settled_at_once = Application.objects.filter(opening=opening, delete_after__isnull=False)
    assert settled_at_once.count() == 1 + 3  # the hired, and the first batch
    assert Opening.objects.get(pk=opening.pk).status == "closed"
    for callback in callbacks:  # the commit: the worker's task (run inline here)
        callback()

    got = decided_as_one(opening, hired)
    delete_after = retention.deadline_after_decision(DECIDED + timedelta(hours=1))
    assert got["dates"] == {(DECIDED + timedelta(hours=1), delete_after, "retention_expired")}
    assert got["stages"] == got["history"] == ["hired"] + ["rejected"] * 7
    assert (got["emails"], got["access"]) == (7, 8)


def test_the_decision_costs_the_same_statements_for_two_and_ten_batches(recruiter, small_batches):
    def decide(count: int, interviews: int = 0) -> int:
        return statements_of_a_decision(
            applicants=count, recruiter=recruiter, interviews=interviews
        )[0]

    assert decide(7) == decide(31)
    assert decide(7, interviews=1) == decide(31, interviews=3)  # however many called off


def booked(application, *, starts_at, interviewer=None) -> Interview:
    interview = Interview.objects.create(
        application=application,
        place="Kontoret, Storgatan 1",
        status=Interview.Status.BOOKED,
        starts_at=starts_at,
        sequence=1,
        proposed_by=interviewer,
    )
    if interviewer:
        interview.interviewers.set([interviewer])
    return interview


def test_the_decision_calls_off_the_booked_interviews_to_come_of_those_not_hired(
    recruiter, django_capture_on_commit_callbacks
):
    opening = OpeningFactory(title="Lagerchef")
    hired, met, to_meet = ApplicationFactory.create_batch(3, opening=opening, language="en")
    interviewer = UserFactory(username="intervjuare", email="intervjuare@arbetsgivare.se")
    kept = booked(hired, starts_at=DECIDED + timedelta(days=2), interviewer=interviewer)
    held = booked(met, starts_at=DECIDED - timedelta(days=2), interviewer=interviewer)
    called_off = booked(to_meet, starts_at=DECIDED + timedelta(days=3), interviewer=interviewer)

    with django_capture_on_commit_callbacks(execute=True):
        record_hiring_decision(opening=opening, hired=[hired.public_id], decided_by=recruiter)

    for interview in (kept, held, called_off):
        interview.refresh_from_db()
    assert (kept.status, kept.sequence) == ("booked", 1)  # the hired one's still stands
    assert (held.status, held.sequence) == ("booked", 1)  # it took place
    assert (called_off.status, called_off.sequence) == ("cancelled", 2)
    # One email to each not hired: "position filled", with the cancellation for the
    # one still to come (the "interview cancelled" text would promise another time).
    emails = CandidateEmail.objects.values_list("application", "template", "interview")
    assert sorted(emails) == sorted(
        [(met.pk, "position_filled", None), (to_meet.pk, "position_filled", called_off.pk)]
    )
    # The worker's next run: the team, with the cancellation for their calendars, and
    # the candidates.
    drained = drain_outbox()
    assert (drained.sent["team emails"], drained.sent["candidate emails"]) == (1, 2)
    (told,) = [m for m in mail.outbox if m.to == [interviewer.email]]
    (calendar,) = calendars_in(told)
    assert (str(calendar["method"]), calendar.walk("VEVENT")[0]["sequence"]) == ("CANCEL", 2)
    (cancelled,) = [m for m in mail.outbox if m.to == [to_meet.email]]
    assert "has been filled" in cancelled.subject
    (calendar,) = calendars_in(cancelled)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL"
    assert (str(event["uid"]), event["sequence"]) == (f"{called_off.uid}@ats", 2)
    (told_only,) = [m for m in mail.outbox if m.to == [met.email]]
    assert calendars_in(told_only) == []


def test_an_interview_still_waiting_for_a_time_can_no_longer_be_booked_after_the_decision(
    recruiter,
):
    opening = OpeningFactory()
    hired, waiting = ApplicationFactory.create_batch(2, opening=opening)
    proposed = Interview.objects.create(
        application=waiting, place="Kontoret", status=Interview.Status.PROPOSED
    )
    InterviewSlot.objects.create(interview=proposed, starts_at=timezone.now() + timedelta(days=3))

    record_hiring_decision(opening=opening, hired=[hired.public_id], decided_by=recruiter)

    proposed.refresh_from_db()
    assert proposed.status == Interview.Status.CANCELLED
    with pytest.raises(InterviewError):
        book_interview(
            application=waiting, interview_id=proposed.pk, slot_id=proposed.slots.get().pk
        )


def test_without_decision_emails_the_candidate_gets_the_interview_cancellation(recruiter, settings):
    settings.ATS_NOTIFY_ON_DECISION = False
    opening = OpeningFactory()
    hired, to_meet = ApplicationFactory.create_batch(2, opening=opening)
    called_off = booked(to_meet, starts_at=DECIDED + timedelta(days=3))

    record_hiring_decision(opening=opening, hired=[hired.public_id], decided_by=recruiter)

    assert list(CandidateEmail.objects.values_list("application", "template", "interview")) == [
        (to_meet.pk, "interview_cancelled", called_off.pk)
    ]


@pytest.mark.django_db(transaction=True)  # the task is queued on the real commit
def test_with_the_queue_down_the_schedule_settles_what_the_decision_left(
    recruiter, small_batches, redis_that_stopped, caplog
):
    opening = OpeningFactory()
    hired, *_ = ApplicationFactory.create_batch(8, opening=opening)

    record_hiring_decision(opening=opening, hired=[hired.public_id], decided_by=recruiter)

    undated = Application.objects.filter(opening=opening, delete_after__isnull=True)
    assert undated.count() == 4  # the task could not be queued (logged), nothing is lost
    assert any("record_hiring_decision" in record.getMessage() for record in caplog.records)
    assert tasks.settle_hiring_decisions().endswith(": 4")  # the schedule's run
    got = decided_as_one(opening, hired)
    assert len(got["dates"]) == 1 and got["history"] == ["hired"] + ["rejected"] * 7
    assert (got["emails"], got["access"]) == (7, 8)
    assert tasks.settle_hiring_decisions().endswith(": 0")


@pytest.mark.django_db(transaction=True)  # the team's task is queued on the real commit
def test_with_the_queue_down_a_decision_that_calls_off_interviews_is_recorded(
    recruiter, redis_that_stopped, caplog
):
    opening = OpeningFactory()
    hired, to_meet = ApplicationFactory.create_batch(2, opening=opening)
    called_off = booked(to_meet, starts_at=DECIDED + timedelta(days=3), interviewer=recruiter)

    record_hiring_decision(opening=opening, hired=[hired.public_id], decided_by=recruiter)

    assert Interview.objects.get(pk=called_off.pk).status == "cancelled"
    assert Opening.objects.get(pk=opening.pk).decided_at is not None
    assert any("tell_interviewers" in record.getMessage() for record in caplog.records)
