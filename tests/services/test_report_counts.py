"""The reports' counts: kept as each application arrives, moves, is decided and is
deleted; the purge adds its deletions and changes nothing else; nothing names anyone."""

from datetime import UTC, date, datetime, timedelta
from importlib import import_module

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum
from django.utils import timezone

from ats import cv_checks
from ats.models import Application, ArrivalCount, RejectionReason, ReportCount
from ats.services.applications import submit_application
from ats.services.candidate_rights import request_erasure
from ats.services.decisions import record_hiring_decision
from ats.services.pipeline import move_applications
from ats.services.purge import purge_due
from ats.services.report_counts import count_moves
from tests.factories import OpeningFactory, UserFactory
from tests.faults import needs_postgresql
from tests.helpers import while_one_holds

pytestmark = pytest.mark.django_db

Figure = ReportCount.Figure
# 00:30 on 1 March where the employer is: the counts' month and day are Sweden's.
APPLIED = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
MARCH = date(2026, 3, 1)


def submit(sample_upload, *, opening, at=APPLIED, consent=False, source="linkedin"):
    return submit_application(
        opening=opening,
        name="Astrid Lindqvist",
        email="astrid@example.se",
        cv=cv_checks.validate_cv(sample_upload("pdf")),
        consent=consent,
        submitted_at=at,
        source=source,
    )


def counts() -> dict[tuple[str, str, int], int]:
    """Every figure of March from LinkedIn: (figure, value, days) → applications."""
    rows = ReportCount.objects.filter(month=MARCH, source="linkedin").exclude(applications=0)
    return {(row.figure, row.value, row.days): row.applications for row in rows}


def move(application, stage, *, at, by, reason=""):
    move_applications(
        applications=Application.objects.filter(public_id=application.public_id),
        stage=stage,
        moved_by=by,
        reason=reason,
        email=False,
        now=at,
    )


@pytest.fixture
def recruitment(notice, sample_upload, cv_files):
    """Three applicants of one opening: Anna hired after an interview, Bo rejected in
    screening for a reason of the employer's, Cecilia never moved before the decision."""
    opening = OpeningFactory(created_at=APPLIED - timedelta(days=7))
    recruiter = UserFactory()
    RejectionReason.objects.create(label="Saknar legitimation")
    anna, bo, _cecilia = (submit(sample_upload, opening=opening) for _ in range(3))
    move(anna, "reviewing", at=APPLIED + timedelta(days=1), by=recruiter)  # 1 day exactly
    move(anna, "interview", at=APPLIED + timedelta(days=4), by=recruiter)
    move(
        bo,
        "rejected",
        at=APPLIED + timedelta(hours=23, minutes=59),
        by=recruiter,
        reason="Saknar legitimation",
    )
    with time_machine.travel(APPLIED + timedelta(days=10), tick=False):
        record_hiring_decision(opening=opening, hired=[anna.public_id], decided_by=recruiter)
    return opening


def test_each_step_is_counted_as_it_happens(recruitment):
    assert counts() == {
        (Figure.FURTHEST, "new", 0): 2,  # Bo and Cecilia got no further
        (Figure.FURTHEST, "hired", 0): 1,
        # Anna after a day (bucket 1), Bo a minute short of one (0), Cecilia at the
        # decision after ten days (bucket 8: 8 to 14 days).
        (Figure.FIRST_ANSWER, "", 0): 1,
        (Figure.FIRST_ANSWER, "", 1): 1,
        (Figure.FIRST_ANSWER, "", 8): 1,
        (Figure.IN_STAGE, "new", 0): 1,
        (Figure.IN_STAGE, "new", 1): 1,
        (Figure.IN_STAGE, "new", 8): 1,
        (Figure.IN_STAGE, "reviewing", 3): 1,  # three days
        (Figure.IN_STAGE, "interview", 5): 1,  # six days
        (Figure.OUTCOME, "hired", 0): 1,
        (Figure.OUTCOME, "rejected", 0): 2,
        (Figure.TO_DECISION, "hired", 8): 1,
        (Figure.TO_DECISION, "rejected", 8): 2,
        (Figure.REJECTION_REASON, "Saknar legitimation", 0): 1,
        (Figure.REJECTION_REASON, "", 0): 1,  # the decision's
    }
    assert {
        (row.opening_key, row.day, row.source, row.applications)
        for row in ArrivalCount.objects.all()
    } == {(recruitment.pk, MARCH, "linkedin", 3)}


def test_the_purge_adds_the_deletions_and_changes_nothing_else(recruitment):
    before = counts()

    with time_machine.travel(APPLIED + timedelta(days=10 + 2 * 366)):
        purge_due()

    assert not Application.objects.exists()
    assert counts() == {**before, (Figure.DELETED, "retention_expired", 0): 3}
    assert ArrivalCount.objects.get().applications == 3
    kept = {field.name for field in ReportCount._meta.get_fields()}
    # Numbers per opening, month and source: no name, address, date or id of a person.
    assert kept == {
        "id",
        "opening_key",
        "month",
        "source",
        "figure",
        "value",
        "days",
        "applications",
    }


def test_at_the_purges_boundary_the_counts_change_only_by_the_deletions(recruitment):
    due = Application.objects.order_by("delete_after").first().delete_after
    before = counts()

    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        purge_due()
    kept_a_second_before = counts()
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        purge_due()

    assert Application.objects.count() == 0  # all three share the decision's date
    assert kept_a_second_before == before
    assert counts() == {**before, (Figure.DELETED, "retention_expired", 0): 3}


def test_an_erasure_before_the_decision_is_how_it_ended(notice, sample_upload, cv_files):
    opening = OpeningFactory()
    submission = submit(sample_upload, opening=opening)
    with time_machine.travel(APPLIED + timedelta(days=2)):
        request_erasure(application=Application.objects.get(public_id=submission.public_id))
        purge_due()

    assert counts() == {
        (Figure.FURTHEST, "new", 0): 1,
        (Figure.DELETED, "erasure_requested", 0): 1,
        (Figure.OUTCOME, "erased", 0): 1,
    }


def test_a_spontaneous_application_deleted_as_it_arrives_is_counted(
    notice, sample_upload, cv_files
):
    submit(sample_upload, opening=None, consent=False)
    submit(sample_upload, opening=None, consent=True)

    assert counts() == {
        (Figure.FURTHEST, "new", 0): 2,
        (Figure.DELETED, "consent_absent", 0): 1,
        (Figure.OUTCOME, "expired", 0): 1,
    }
    assert ArrivalCount.objects.get().applications == 2
    assert ArrivalCount.objects.get().opening_key == 0


def test_the_migration_counts_live_applications_as_the_services_do(recruitment):
    kept = counts()
    arrivals = list(
        ArrivalCount.objects.values_list("opening_key", "day", "source", "applications")
    )
    ReportCount.objects.all().delete()
    ArrivalCount.objects.all().delete()

    state = MigrationExecutor(connection).loader.project_state(("ats", "0045_report_counts"))
    import_module("ats.migrations.0045_report_counts").replay_live(state.apps, None)

    assert counts() == kept
    assert list(
        ArrivalCount.objects.values_list("opening_key", "day", "source", "applications")
    ) == (arrivals)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_applying_while_a_move_holds_the_counts_waits_and_neither_deadlocks(
    notice, sample_upload, cv_files
):
    """A move takes the reports' counts, then (its update) the stage counts; applying
    to the same opening must take them in the same order, or each waits for the other
    and PostgreSQL kills one of them (a candidate's application lost to a deadlock)."""
    opening = OpeningFactory()
    moved = submit(sample_upload, opening=opening, at=timezone.now())
    outcome = {}

    def move(held):  # a second connection: a move, its counts taken, its update not yet made
        try:
            with transaction.atomic():
                rows = Application.objects.filter(public_id=moved.public_id)
                count_moves(applications=rows, to_stage="reviewing", at=timezone.now())
                held()
                rows.update(stage="reviewing")
        except DatabaseError as error:
            outcome["move"] = type(error).__name__

    def apply():  # a third: a candidate applies to the same opening meanwhile
        try:
            submit(sample_upload, opening=opening, at=timezone.now())
            outcome["applied"] = True
        except Exception as error:  # a deadlock: OutcomeUnknown, as any lost commit
            outcome["apply"] = type(error).__name__

    while_one_holds(move, apply)  # applying reaches the counts the move holds, and waits

    assert outcome == {"applied": True}
    assert Application.objects.filter(opening=opening).count() == 2
    assert (
        ReportCount.objects.filter(figure=Figure.FURTHEST).aggregate(n=Sum("applications"))["n"]
        == 2
    )
