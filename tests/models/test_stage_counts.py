"""The per-stage counts the recruiter's pages show come from counts the database keeps
with triggers (migration 0003): they must match a fresh count after every kind of write,
on SQLite and on PostgreSQL, and leave out what no page may show."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.utils import timezone

from ats import selectors
from ats.models import Application, DueCount, StageCount
from ats.services.decisions import record_hiring_decision
from ats.services.erasure import delete_opening, erase_applications
from ats.services.pipeline import move_application
from ats.services.purge import purge_due
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory


def kept() -> dict[tuple[int, str], int]:
    rows = StageCount.objects.exclude(applications=0)
    counts = {}
    for r in rows:  # each of the kind's stages of the pipeline
        counts[r.opening_key, r.stage] = counts.get((r.opening_key, r.stage), 0) + r.applications
    return counts


def recounted() -> dict[tuple[int, str], int]:
    rows = (
        Application.objects.order_by()
        .values_list(Coalesce("opening_id", StageCount.POOL), "stage")
        .annotate(n=Count("pk"))
    )
    return {(key, stage): n for key, stage, n in rows}


def undated_kept() -> dict[tuple[int, str], int]:
    rows = StageCount.objects.exclude(undated=0)
    return {(r.opening_key, r.stage): r.undated for r in rows}


def undated_recounted() -> dict[tuple[int, str], int]:
    rows = (
        Application.objects.filter(delete_after__isnull=True)
        .order_by()
        .values_list(Coalesce("opening_id", StageCount.POOL), "stage")
        .annotate(n=Count("pk"))
    )
    return {(key, stage): n for key, stage, n in rows}


@pytest.mark.django_db
def test_kept_counts_follow_every_kind_of_write():
    recruiter = UserFactory()
    a, b = OpeningFactory(), OpeningFactory()
    first, second, third = ApplicationFactory.create_batch(3, opening=a)
    ApplicationFactory.create_batch(2, consented=True, delete_after=timezone.now() + timedelta(9))
    assert kept() == recounted() == {(a.pk, "new"): 3, (StageCount.POOL, "new"): 2}
    assert undated_kept() == undated_recounted() == {(a.pk, "new"): 3}

    move_application(application=first, stage=Application.Stage.INTERVIEW, moved_by=recruiter)
    assert (
        kept()
        == recounted()
        == {
            (a.pk, "new"): 2,
            (a.pk, "interview"): 1,
            (StageCount.POOL, "new"): 2,
        }
    )

    assert undated_kept() == undated_recounted() == {(a.pk, "new"): 2, (a.pk, "interview"): 1}

    # One statement over every applicant: the hired one to hired, the rest to rejected.
    record_hiring_decision(opening=a, hired=[first.public_id], decided_by=recruiter)
    assert undated_kept() == undated_recounted() == {}  # every one dated by the decision
    late = ApplicationFactory(opening=b)  # waiting for b's decision
    assert undated_kept() == undated_recounted() == {(b.pk, "new"): 1}
    erase_applications(applications=Application.objects.filter(pk=late.pk))  # dated: now
    assert undated_kept() == undated_recounted() == {}
    Application.objects.filter(pk=late.pk).update(delete_after=None, deletion_reason="")
    assert undated_kept() == undated_recounted() == {(b.pk, "new"): 1}
    Application.objects.filter(pk=late.pk).delete_with_dependents()
    assert undated_kept() == undated_recounted() == {}
    assert (
        kept()
        == recounted()
        == {
            (a.pk, "hired"): 1,
            (a.pk, "rejected"): 2,
            (StageCount.POOL, "new"): 2,
        }
    )

    Application.objects.filter(pk=third.pk).update(opening=b)  # moved, as the admin could
    erase_applications(applications=Application.objects.filter(pk=second.pk))
    purge_due()  # the set-based delete
    assert (
        kept()
        == recounted()
        == {
            (a.pk, "hired"): 1,
            (b.pk, "rejected"): 1,
            (StageCount.POOL, "new"): 2,
        }
    )

    delete_opening(opening=b, deleted_by=recruiter)
    assert kept() == recounted() == {(a.pk, "hired"): 1, (StageCount.POOL, "new"): 2}


@pytest.mark.django_db
def test_a_statement_that_changes_no_stage_writes_no_count():
    application = ApplicationFactory()
    before = StageCount.objects.get(opening_key=application.opening_id)
    Application.objects.filter(pk=application.pk).update(restricted_at=timezone.now())
    Application.objects.filter(pk=application.pk).update(stage="new", name="Ny Person")
    assert StageCount.objects.get(pk=before.pk).applications == before.applications == 1
    assert StageCount.objects.get(pk=before.pk).undated == 1


@pytest.mark.django_db
def test_pages_count_only_what_they_may_show():
    opening = OpeningFactory()
    now = timezone.now()
    ApplicationFactory.create_batch(2, opening=opening, stage="interview")
    past = {"delete_after": now - timedelta(minutes=1), "deletion_reason": "erasure_requested"}
    ApplicationFactory(opening=opening, stage="interview", **past)  # waiting for the purge
    ApplicationFactory(opening=opening, stage="interview", hold_reason="Tvist", **past)  # held
    ApplicationFactory(consented=True, delete_after=now + timedelta(days=1))
    ApplicationFactory(consented=True, delete_after=now)  # its last moment has passed

    counts = selectors.pipeline.stage_counts(opening_keys=[opening.pk, StageCount.POOL], now=now)

    assert counts[opening.pk].counts == {
        **dict.fromkeys(Application.Stage.values, 0),
        "interview": 2,
    }
    assert counts[StageCount.POOL].total == 1
    assert kept()[(opening.pk, "interview")] == 4  # the kept counts include them all


@pytest.mark.slow  # the schema migrated back to 0002, and forward again
@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_applications_already_there():
    opening = OpeningFactory()
    ApplicationFactory.create_batch(2, opening=opening, cv="cv/shared.pdf")
    ApplicationFactory(opening=opening, stage="offer", cv="cv/shared.pdf")
    call_command("migrate", "ats", "0002", verbosity=0)  # no table, no triggers
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ats_application SET stage = 'interview' WHERE stage = 'new'")
    call_command("migrate", "ats", verbosity=0)
    assert kept() == recounted() == {(opening.pk, "interview"): 2, (opening.pk, "offer"): 1}
    assert undated_kept() == undated_recounted() == kept()


def due_kept() -> dict[tuple, int]:
    rows = DueCount.objects.exclude(applications=0)
    return {(r.hour, r.reason): r.applications for r in rows}


def due_recounted() -> dict[tuple, int]:
    counts: dict[tuple, int] = {}
    for due, reason in Application.objects.filter(delete_after__isnull=False).values_list(
        "delete_after", "deletion_reason"
    ):
        hour = due.replace(minute=0, second=0, microsecond=0)
        counts[(hour, reason)] = counts.get((hour, reason), 0) + 1
    return counts


@pytest.mark.django_db
def test_due_counts_per_hour_follow_every_kind_of_write():
    recruiter = UserFactory()
    opening = OpeningFactory()
    later = timezone.now() + timedelta(days=3)
    ApplicationFactory.create_batch(2, consented=True, delete_after=later)
    waiting = ApplicationFactory.create_batch(3, opening=opening)
    assert due_kept() == due_recounted() and sum(due_kept().values()) == 2

    record_hiring_decision(opening=opening, hired=[], decided_by=recruiter)  # dates all three
    assert due_kept() == due_recounted() and sum(due_kept().values()) == 5
    erase_applications(applications=Application.objects.filter(pk=waiting[0].pk))  # due now
    Application.objects.filter(pk=waiting[1].pk).update(hold_reason="Tvist")  # no date change
    assert due_kept() == due_recounted()
    purge_due()  # the set-based delete of the erased one
    Application.objects.filter(pk=waiting[2].pk).update(delete_after=None, deletion_reason="")
    assert due_kept() == due_recounted() and sum(due_kept().values()) == 3
