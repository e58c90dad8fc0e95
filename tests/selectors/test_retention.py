"""The retention report (ats_retention_report and the retention dashboard): what waits,
what is due and when, what is held and what was deleted, in a fixed number of queries;
read from the counts the database keeps, with the figures a count of every row gives."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Min
from django.utils import timezone

from ats.models import Application, DeletionReason
from ats.selectors.retention import retention_report
from ats.services import purge
from tests.factories import ApplicationFactory, DeletionRecordFactory, OpeningFactory
from tests.helpers import run

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")  # the site's TIME_ZONE


def test_retention_report_counts_what_waits_is_due_held_and_deleted(django_assert_num_queries):
    now = timezone.now()
    ApplicationFactory.create_batch(2, delete_after=None)  # waiting for a decision
    ApplicationFactory(consented=True, delete_after=now - timedelta(hours=1))  # overdue
    ApplicationFactory(consented=True, delete_after=now - timedelta(hours=2))
    purge._claim_batch(run=purge.Run(), now=now, size=1)  # overdue: claimed, its file still to go
    ApplicationFactory(consented=True, delete_after=now + timedelta(days=8))
    ApplicationFactory(decided=True, delete_after=now + timedelta(days=9))
    ApplicationFactory(consented=True, delete_after=now + timedelta(days=200))
    ApplicationFactory(decided=True, delete_after=now + timedelta(days=800))  # beyond 24 months
    ApplicationFactory(decided=True, delete_after=now - timedelta(days=1), hold_reason="Tvist")
    DeletionRecordFactory(
        reason=DeletionReason.CONSENT_WITHDRAWN, due_at=now, deleted_at=now - timedelta(days=3)
    )
    DeletionRecordFactory(
        kind="opening",
        reason=DeletionReason.RETENTION_EXPIRED,
        due_at=now,
        deleted_at=now - timedelta(days=40),
    )

    with django_assert_num_queries(10):
        report = retention_report(now=now)

    assert report.waiting_for_decision == 2
    assert [row.applications for row in report.waiting_openings] == [1, 1]  # two openings
    assert report.due_next_30_days == 2
    assert report.consents_expiring_30_days == 1
    assert [held.hold_reason for held in report.holds] == ["Tvist"]
    assert report.overdue == 2
    assert report.held == 1
    assert sum(count for _, count in report.due_per_month) == 3
    assert len(report.due_per_month) == 24
    assert report.due_per_month[0][0] == timezone.localdate(now).replace(day=1)
    assert report.deleted_by_reason == {DeletionReason.CONSENT_WITHDRAWN: 1}

    output = run("ats_retention_report")
    assert "Waiting for a hiring decision: 2" in output
    assert "Consent withdrawn (consent_withdrawn): 1" in output


def test_the_waiting_openings_agree_with_a_full_count():
    """From the counts the database keeps, yet what a count of every row gives."""
    now = timezone.now()
    waiting, decided, emptied = OpeningFactory(), OpeningFactory(), OpeningFactory()
    ApplicationFactory.create_batch(3, opening=waiting)
    ApplicationFactory(opening=waiting, stage="interview")
    ApplicationFactory(  # erased: dated, so no longer waiting
        opening=waiting, delete_after=now, deletion_reason="erasure_requested"
    )
    ApplicationFactory(opening=decided, decided=True, delete_after=now + timedelta(days=700))
    ApplicationFactory(opening=decided)  # arrived after the decision: an anomaly
    moved = ApplicationFactory(opening=emptied)
    Application.objects.filter(pk=moved.pk).update(opening=waiting)
    decided.decided_at = now
    decided.save(update_fields=["decided_at"])

    report = retention_report(now=now)

    full = {
        row["opening"]: (row["n"], row["oldest"])
        for row in Application.objects.filter(delete_after__isnull=True)
        .values("opening")
        .annotate(n=Count("pk"), oldest=Min("submitted_at"))
        .order_by()
    }
    shown = report.waiting_openings + report.undated_after_decision
    assert {row.opening.pk: (row.applications, row.waiting_since) for row in shown} == full
    assert [row.opening for row in report.undated_after_decision] == [decided]
    assert full[waiting.pk][0] == 5


def test_the_months_ahead_agree_with_a_full_count_at_every_edge():
    """From hourly counts the database keeps, with the partial hours at the ends read
    from the rows: the same figures as counting every row, at each edge."""
    now = datetime(2026, 12, 1, 14, 37, 12, tzinfo=UTC)  # mid-hour
    january = datetime(2027, 1, 1, tzinfo=STOCKHOLM)  # a month starts: 23:00 UTC the day before
    moments = [
        now + timedelta(seconds=1),  # in the current, partial hour
        now.replace(minute=0, second=0) + timedelta(hours=1),  # the first whole hour
        january - timedelta(microseconds=1),
        january,
        now + timedelta(days=30),  # the last moment of "the next 30 days"
        now + timedelta(days=30, seconds=1),
        now + timedelta(days=30, minutes=-1),
        datetime(2028, 12, 1, tzinfo=STOCKHOLM) - timedelta(seconds=1),  # the last month
        datetime(2028, 12, 1, tzinfo=STOCKHOLM),  # beyond the 24 months
        now - timedelta(minutes=1),  # overdue: not ahead
    ]
    for n, moment in enumerate(moments):
        reason = "consent_expired" if n % 2 else "retention_expired"
        ApplicationFactory(delete_after=moment, deletion_reason=reason)

    report = retention_report(now=now)

    assert report.due_per_month[-1][0] == date(2028, 11, 1)
    horizon = datetime(2028, 12, 1, tzinfo=STOCKHOLM)
    rows = list(Application.objects.values_list("delete_after", "deletion_reason"))
    months: dict = {}
    for moment, _ in rows:
        if now < moment < horizon:
            month = timezone.localdate(moment).replace(day=1)
            months[month] = months.get(month, 0) + 1
    assert dict(report.due_months) == months
    assert months == {date(2026, 12, 1): 6, date(2027, 1, 1): 1, date(2028, 11, 1): 1}
    in_30_days = [r for m, r in rows if now < m <= now + timedelta(days=30)]
    assert report.due_next_30_days == len(in_30_days) == 4
    assert report.consents_expiring_30_days == in_30_days.count("consent_expired")
