"""Reads for the retention dashboard and report: counts, in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DateField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..app_settings import app_settings
from ..models import (
    Application,
    DeletionReason,
    DeletionRecord,
    DueCount,
    Opening,
    PurgeClaim,
    StageCount,
)


@dataclass(frozen=True)
class WaitingOpening:
    opening: Opening
    applications: int
    waiting_since: datetime  # the oldest application still waiting
    # Days since it stopped taking applications, once ATS_DECISION_REMINDER_DAYS or
    # more: forgotten, its applicants kept until someone decides.
    forgotten_days: int | None = None


@dataclass(frozen=True)
class RetentionReport:
    waiting_openings: list[WaitingOpening]
    # An anomaly: applications of a decided opening without a deletion date. The
    # opening's lock prevents them and a scheduled task dates any that appear.
    undated_after_decision: list[WaitingOpening]
    overdue: int  # due now, not held: the next purge deletes them
    due_per_month: list[tuple[date, int]]  # the coming months, this one first (its 1st day)
    due_next_30_days: int
    consents_expiring_30_days: int
    holds: list[Application]  # only public_id, opening, hold fields and delete_after loaded
    deleted_by_reason: dict[str, int]  # in the last 30 days

    @property
    def waiting_for_decision(self) -> int:
        return sum(row.applications for row in self.waiting_openings)

    @property
    def deleted_by_reason_labelled(self) -> list[tuple[str, int]]:
        """As a recruiter reads them: the reasons' labels, not their codes."""
        return [
            (DeletionReason(reason).label, count)
            for reason, count in sorted(self.deleted_by_reason.items())
        ]

    @property
    def due_months(self) -> list[tuple[date, int]]:
        """The months in which something is due, as the dashboard lists them."""
        return [(month, count) for month, count in self.due_per_month if count]

    @property
    def forgotten(self) -> int:
        return sum(1 for row in self.waiting_openings if row.forgotten_days)

    @property
    def held(self) -> int:
        return len(self.holds)


# Two years ahead: an application is kept at most that long after a hiring decision
# (ATS_RETENTION_AFTER_DECISION), so a decision's deletions show from its day on.
REPORT_MONTHS = 24


def month_starts(first: date, months: int) -> list[date]:
    """The first days of `months` months from `first`'s month on."""
    index = first.year * 12 + first.month - 1
    return [date((index + n) // 12, (index + n) % 12 + 1, 1) for n in range(months)]


def forgotten_days(opening: Opening, *, now: datetime) -> int | None:
    """Days since an undecided opening stopped taking applications, if that is
    ATS_DECISION_REMINDER_DAYS or more; None otherwise."""
    stopped = opening.decided_at is None and opening.stopped_taking_applications()
    if not stopped:
        return None
    days = (now - stopped).days
    return days if days >= app_settings.DECISION_REMINDER_DAYS else None


def forgotten_openings(*, now: datetime | None = None) -> list[WaitingOpening]:
    return [row for row in retention_report(now=now).waiting_openings if row.forgotten_days]


def _undated_openings(*, now: datetime) -> list[WaitingOpening]:
    """The openings with applications still without a deletion date, forgotten first:
    from the counts the database keeps (StageCount.undated), then the oldest waiting
    application of each, by the index on (opening, submitted_at). Two queries whatever
    the number of applications."""
    counts: dict[int, int] = {}
    for key, undated in (
        StageCount.objects.filter(undated__gt=0)
        .exclude(opening_key=StageCount.POOL)
        .values_list("opening_key", "undated")
    ):
        counts[key] = counts.get(key, 0) + undated
    waiting = Application.objects.undated()
    openings = Opening.objects.filter(pk__in=[k for k, n in counts.items() if n > 0]).annotate(
        waiting_since=Subquery(
            waiting.filter(opening=OuterRef("pk"))
            .order_by("submitted_at")
            .values("submitted_at")[:1]
        )
    )
    rows = [
        WaitingOpening(
            opening, counts[opening.pk], opening.waiting_since, forgotten_days(opening, now=now)
        )
        for opening in openings.order_by("waiting_since")
    ]
    # The forgotten first, longest forgotten first; then the oldest waiting.
    return sorted(rows, key=lambda row: (row.forgotten_days is None, -(row.forgotten_days or 0)))


def _due_between(*, start: datetime, end: datetime) -> list[tuple[date, str, int]]:
    """(month, reason, how many) of the applications due after `start`, up to and
    including `end`: whole hours from the counts the database keeps (DueCount), the
    two partial hours at the ends from the rows themselves, each summed by month (in
    the employer's time zone) in the database. Two indexed queries, and a few rows,
    whatever the number of applications (by hour, a million applications gave the
    report 2,700 rows to add up)."""
    whole_hour = {"minute": 0, "second": 0, "microsecond": 0}
    first_whole = min(start.replace(**whole_hour) + timedelta(hours=1), end)
    last_whole = max(end.replace(**whole_hour), first_whole)
    edges = Application.objects.filter(
        Q(delete_after__gt=start, delete_after__lt=first_whole)
        | Q(delete_after__gte=last_whole, delete_after__lte=end)
    )
    counted = DueCount.objects.filter(
        hour__gte=first_whole, hour__lt=last_whole, applications__gt=0
    )
    return [
        *_by_month(edges, moment="delete_after", reason="deletion_reason", count=Count("pk")),
        *_by_month(counted, moment="hour", reason="reason", count=Sum("applications")),
    ]


def _by_month(rows, *, moment: str, reason: str, count) -> list[tuple[date, str, int]]:
    month = TruncMonth(moment, output_field=DateField(), tzinfo=timezone.get_current_timezone())
    return list(
        rows.annotate(month=month)
        .values_list("month", reason)
        .annotate(count=count)
        .order_by()
        .values_list("month", reason, "count")
    )


def retention_report(*, now: datetime | None = None) -> RetentionReport:
    """Ten queries whatever the number of applications, each an indexed range or a
    read of the counts the database keeps."""
    now = now or timezone.now()
    *months, after_the_last = month_starts(timezone.localdate(now), REPORT_MONTHS + 1)
    horizon = timezone.make_aware(datetime.combine(after_the_last, time.min))
    in_30_days = now + timedelta(days=30)
    applications = Application.objects.all()
    undated = _undated_openings(now=now)
    # Cut at the 30th day, so that each piece counts whole hours from the counters.
    within_30_days = _due_between(start=now, end=in_30_days)
    coming = {
        "due": sum(count for _, _, count in within_30_days),
        "consents": sum(
            count for _, reason, count in within_30_days if reason == DeletionReason.CONSENT_EXPIRED
        ),
    }
    per_month = dict.fromkeys(months, 0)
    # `horizon` begins the month after the last: what falls on it is in no month here.
    for month, _, count in [*within_30_days, *_due_between(start=in_30_days, end=horizon)]:
        if month in per_month:
            per_month[month] += count
    return RetentionReport(
        waiting_openings=[row for row in undated if row.opening.decided_at is None],
        undated_after_decision=[row for row in undated if row.opening.decided_at is not None],
        # A claim outlives its run only when the run was killed or its file refused.
        overdue=applications.due(now=now).count() + PurgeClaim.objects.count(),
        due_per_month=list(per_month.items()),
        due_next_30_days=coming["due"],
        consents_expiring_30_days=coming["consents"],
        holds=list(
            applications.held(now=now)
            .select_related("opening")
            .only("public_id", "opening__title", "hold_reason", "hold_until", "delete_after")
            .order_by("hold_set_at")
        ),
        deleted_by_reason=dict(
            DeletionRecord.objects.filter(deleted_at__gte=now - timedelta(days=30))
            .values_list("reason")
            .annotate(count=Count("pk"))
            .order_by()
        ),
    )
