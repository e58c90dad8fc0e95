"""Reads used by pages, each a bounded number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from .models import Application, DeletionRecord, Opening, PrivacyNotice


def published_openings() -> QuerySet[Opening]:
    return Opening.objects.published().only("title", "slug", "created_at")


def published_opening(*, slug: str) -> Opening | None:
    return Opening.objects.published().filter(slug=slug).first()


def current_privacy_notice() -> PrivacyNotice | None:
    return PrivacyNotice.objects.current()


@dataclass(frozen=True)
class RetentionReport:
    waiting_for_decision: int
    overdue: int  # due now, not held: the next purge deletes them
    due_per_week: list[tuple[date, int]]  # the coming weeks, Monday first
    held: int
    deleted_by_reason: dict[str, int]  # in the last 30 days


REPORT_WEEKS = 8


def retention_report(*, now: datetime | None = None) -> RetentionReport:
    """Counts only (no one's data): five queries whatever the number of applications."""
    now = now or timezone.now()
    this_monday = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    weeks = [this_monday + timedelta(weeks=n) for n in range(REPORT_WEEKS)]
    horizon = timezone.make_aware(datetime.combine(weeks[-1] + timedelta(weeks=1), time.min))
    applications = Application.objects.all()
    per_week = dict(
        applications.filter(delete_after__gt=now, delete_after__lt=horizon)
        .annotate(week=TruncWeek("delete_after"))
        .values_list("week")
        .annotate(count=Count("pk"))
        .order_by()
    )
    per_week = {
        week.date() if isinstance(week, datetime) else week: n for week, n in per_week.items()
    }
    return RetentionReport(
        waiting_for_decision=applications.filter(
            opening__isnull=False, delete_after__isnull=True
        ).count(),
        overdue=applications.due(now=now).count(),
        due_per_week=[(week, per_week.get(week, 0)) for week in weeks],
        held=applications.held(now=now).count(),
        deleted_by_reason=dict(
            DeletionRecord.objects.filter(deleted_at__gte=now - timedelta(days=30))
            .values_list("reason")
            .annotate(count=Count("pk"))
            .order_by()
        ),
    )
