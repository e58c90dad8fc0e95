"""Reads used by pages, each a bounded number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import (
    Application,
    ApplicationStatistic,
    DeletionReason,
    DeletionRecord,
    Note,
    Opening,
    PrivacyNotice,
    PrivacyRequest,
    StageChange,
    StageCount,
    is_not_live,
)
from .services import ledger

APPLICANTS_PER_PAGE = 50


def published_openings() -> QuerySet[Opening]:
    return Opening.objects.published().only("title", "slug", "created_at")


def published_opening(*, slug: str) -> Opening | None:
    return Opening.objects.published().filter(slug=slug).first()


def current_privacy_notice() -> PrivacyNotice | None:
    return PrivacyNotice.objects.current()


# Need to know: who may see what.


def can_see_all_openings(user: AbstractBaseUser) -> bool:
    return user.has_perm("ats.view_all_applications")


def can_see_spontaneous(user: AbstractBaseUser) -> bool:
    return user.has_perm("ats.view_spontaneous_applications")


def visible_openings(user: AbstractBaseUser) -> QuerySet[Opening]:
    openings = Opening.objects.all()
    return openings if can_see_all_openings(user) else openings.filter(hiring_team=user)


def visible_applications(
    user: AbstractBaseUser, *, now: datetime | None = None
) -> QuerySet[Application]:
    """Live applications of openings the user recruits for (or all, with the permission),
    and the spontaneous pool with its own permission."""
    allowed = (
        Q(opening__isnull=False) if can_see_all_openings(user) else Q(opening__hiring_team=user)
    )
    if can_see_spontaneous(user):
        allowed |= Q(opening__isnull=True)
    return Application.objects.live(now=now).filter(allowed)


# The recruiter's pages.


@dataclass(frozen=True)
class StageCounts:
    counts: dict[str, int]  # per Application.Stage value, every stage present

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def labelled(self) -> list[tuple[str, str, int]]:
        return [(stage.value, stage.label, self.counts[stage.value]) for stage in Application.Stage]


@dataclass(frozen=True)
class RecruiterHome:
    openings: list[tuple[Opening, StageCounts]]
    spontaneous: StageCounts | None  # None: the user may not see the pool


def recruiter_home(*, user: AbstractBaseUser, now: datetime | None = None) -> RecruiterHome:
    """Three queries (the openings, then their counts), whatever the number of applicants."""
    openings = list(visible_openings(user).order_by("status", "-created_at"))
    pool = can_see_spontaneous(user)
    counts = stage_counts(
        opening_keys=[o.pk for o in openings] + ([StageCount.POOL] if pool else []),
        now=now or timezone.now(),
    )
    return RecruiterHome(
        openings=[(opening, counts[opening.pk]) for opening in openings],
        spontaneous=counts[StageCount.POOL] if pool else None,
    )


def stage_counts(*, opening_keys: list[int], now: datetime) -> dict[int, StageCounts]:
    """Live applications per stage of each opening (`StageCount.POOL`: the spontaneous
    pool). Two queries whatever the number of applicants: the counts the database keeps,
    less the rows past their date or being purged, which are few (the purge takes them)."""
    counts = {key: dict.fromkeys(Application.Stage.values, 0) for key in opening_keys}
    kept = StageCount.objects.filter(opening_key__in=opening_keys)
    for key, stage, applications in kept.values_list("opening_key", "stage", "applications"):
        counts[key][stage] += applications
    of_openings = Q(opening_id__in=[key for key in opening_keys if key != StageCount.POOL])
    if StageCount.POOL in opening_keys:
        of_openings |= Q(opening__isnull=True)
    hidden = (
        Application.objects.filter(of_openings, is_not_live(now))
        .order_by()
        .values_list("opening_id", "stage")
        .annotate(n=Count("pk"))
    )
    for opening_id, stage, n in hidden:
        counts[opening_id or StageCount.POOL][stage] -= n
    return {key: StageCounts(per_stage) for key, per_stage in counts.items()}


def opening_for_recruiter(*, user: AbstractBaseUser, opening_id: int) -> Opening:
    """The opening if the user may see its applicants; 404 otherwise, as if it did not exist."""
    return get_object_or_404(visible_openings(user), pk=opening_id)


@dataclass(frozen=True)
class ApplicantList:
    page: Page
    stages: StageCounts


def applicant_list(
    *,
    user: AbstractBaseUser,
    opening: Opening | None,
    stage: str = "",
    search: str = "",
    page_number: int | str = 1,
) -> ApplicantList:
    """One page of an opening's applicants (or the spontaneous pool, opening None), which
    the user may see (`opening_for_recruiter`).

    Three queries whatever the number of applicants: the stage counts (two, and they give
    the total), and the page; a search adds a count.
    """
    now = timezone.now()
    applications = visible_applications(user, now=now).filter(
        Q(opening__isnull=True) if opening is None else Q(opening=opening)
    )
    key = StageCount.POOL if opening is None else opening.pk
    stages = stage_counts(opening_keys=[key], now=now)[key]
    if stage:
        applications = applications.filter(stage=stage)
    if search:  # a restricted application is not processed, not even found by name
        applications = applications.filter(restricted_at__isnull=True).filter(
            Q(name__icontains=search) | Q(email__icontains=search)
        )
    applications = applications.only(
        "public_id",
        "name",
        "email",
        "stage",
        "submitted_at",
        "delete_after",
        "opening_id",
        "restricted_at",
    ).order_by("-submitted_at", "-pk")
    paginator = TwoEndedPaginator(applications, APPLICANTS_PER_PAGE)
    if not search:  # the stage counts already hold the total: no second count
        paginator.count = stages.counts[stage] if stage else stages.total
    return ApplicantList(page=paginator.get_page(page_number), stages=stages)


class TwoEndedPaginator(Paginator):
    """Reads a page past the middle from the other end, in reverse order, so that the
    last page of 100,000 applicants costs what the first does: no large OFFSET."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom <= self.count // 2:
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
        rows.reverse()
        return self._get_page(rows, number, self)


def application_for_review(
    *, user: AbstractBaseUser, public_id: UUID, restricted: bool = False
) -> Application:
    """One application with its history and notes, if the user may see it; 404 otherwise.
    A restricted one (the candidate's choice) only with `restricted`, to say it exists."""
    applications = visible_applications(user)
    if not restricted:
        applications = applications.filter(restricted_at__isnull=True)
    return get_object_or_404(
        applications.select_related("opening", "privacy_notice", "hold_set_by").prefetch_related(
            Prefetch("stage_changes", queryset=StageChange.objects.select_related("changed_by")),
            Prefetch("notes", queryset=Note.objects.select_related("author")),
        ),
        public_id=public_id,
    )


def waiting_for_decision(*, opening: Opening) -> QuerySet[Application]:
    """The applications the opening's hiring decision will date."""
    return opening.applications.live().filter(delete_after__isnull=True)


def shortlist(*, opening: Opening) -> QuerySet[Application]:
    """Who the decision page offers to mark as hired: those who reached an interview."""
    return (
        waiting_for_decision(opening=opening)
        .filter(
            stage__in=[
                Application.Stage.INTERVIEW,
                Application.Stage.OFFER,
                Application.Stage.HIRED,
            ],
        )
        .only("public_id", "name", "stage")
        .order_by("name")
    )


# Retention: counts and ids, never anyone's name.


@dataclass(frozen=True)
class WaitingOpening:
    opening: Opening
    applications: int
    waiting_since: datetime  # the oldest application still waiting


@dataclass(frozen=True)
class RetentionReport:
    waiting_openings: list[WaitingOpening]
    # An anomaly: applications of a decided opening without a deletion date. The
    # opening's lock prevents them and a scheduled task dates any that appear.
    undated_after_decision: list[WaitingOpening]
    overdue: int  # due now, not held: the next purge deletes them
    due_per_week: list[tuple[date, int]]  # the coming weeks, Monday first
    due_next_30_days: int
    consents_expiring_30_days: int
    holds: list[Application]  # only public_id, opening, hold fields and delete_after loaded
    deleted_by_reason: dict[str, int]  # in the last 30 days

    @property
    def waiting_for_decision(self) -> int:
        return sum(row.applications for row in self.waiting_openings)

    @property
    def held(self) -> int:
        return len(self.holds)


REPORT_WEEKS = 8


def retention_report(*, now: datetime | None = None) -> RetentionReport:
    """Six queries whatever the number of applications."""
    now = now or timezone.now()
    this_monday = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    weeks = [this_monday + timedelta(weeks=n) for n in range(REPORT_WEEKS)]
    horizon = timezone.make_aware(datetime.combine(weeks[-1] + timedelta(weeks=1), time.min))
    in_30_days = now + timedelta(days=30)
    applications = Application.objects.all()

    waiting = Q(applications__delete_after__isnull=True) & Q(applications__purge_run__isnull=True)
    undated = [
        WaitingOpening(opening, opening.waiting, opening.waiting_since)
        for opening in Opening.objects.annotate(
            waiting=Count("applications", filter=waiting),
            waiting_since=Min("applications__submitted_at", filter=waiting),
        )
        .filter(waiting__gt=0)
        .order_by("waiting_since")
    ]
    per_week = {
        (week.date() if isinstance(week, datetime) else week): count
        for week, count in applications.filter(delete_after__gt=now, delete_after__lt=horizon)
        .annotate(week=TruncWeek("delete_after"))
        .values_list("week")
        .annotate(count=Count("pk"))
        .order_by()
    }
    coming = applications.filter(delete_after__gt=now, delete_after__lte=in_30_days).aggregate(
        due=Count("pk"),
        consents=Count("pk", filter=Q(deletion_reason=DeletionReason.CONSENT_EXPIRED)),
    )
    return RetentionReport(
        waiting_openings=[row for row in undated if row.opening.decided_at is None],
        undated_after_decision=[row for row in undated if row.opening.decided_at is not None],
        overdue=applications.due(now=now).count(),
        due_per_week=[(week, per_week.get(week, 0)) for week in weeks],
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


def application_for_candidate(*, public_id: UUID) -> Application:
    """The candidate's own application, while it lives; 404 once it is due or gone."""
    return get_object_or_404(
        Application.objects.live()
        .select_related("opening", "privacy_notice")
        .prefetch_related("stage_changes", "notes"),
        public_id=public_id,
    )


def applications_of_person(*, email: str) -> list[Application]:
    """Every live application under an email address, restricted ones included."""
    return list(
        Application.objects.live()
        .filter(email__iexact=email.strip())
        .select_related("opening", "privacy_notice")
        .prefetch_related("stage_changes", "notes")
        .order_by("submitted_at")
    )


def recent_privacy_requests(*, limit: int = 50) -> list[PrivacyRequest]:
    return list(PrivacyRequest.objects.select_related("handled_by")[:limit])


@dataclass(frozen=True)
class DeletionCertificate:
    record: DeletionRecord
    ledger_entry: dict | None
    ledger_sha256: str | None


def deletion_certificate(*, public_id: UUID) -> DeletionCertificate:
    """What was deleted, when, by which rule, and the ledger entry that proves it."""
    record = get_object_or_404(
        DeletionRecord.objects.select_related("opening"), public_id=public_id
    )
    found = record.ledger_object and ledger.find(sequence=record.ledger_object, public_id=public_id)
    entry, digest = found or (None, None)
    return DeletionCertificate(record=record, ledger_entry=entry, ledger_sha256=digest)


@dataclass(frozen=True)
class KeptStatistic:
    opening: str  # its title, or "" for spontaneous applications
    month: date
    counts: StageCounts


def kept_statistics() -> list[KeptStatistic]:
    """The counts kept from deleted applications, per opening and month: one query."""
    groups: dict[tuple[str, date], dict[str, int]] = {}
    for title, month, stage, applications in (
        ApplicationStatistic.objects.values("opening__title", "month", "stage")
        .annotate(total=Sum("applications"))
        .values_list("opening__title", "month", "stage", "total")
        .order_by("-month", "opening__title")
    ):
        counts = groups.setdefault((title or "", month), dict.fromkeys(Application.Stage.values, 0))
        counts[stage] += applications
    return [
        KeptStatistic(title, month, StageCounts(counts))
        for (title, month), counts in groups.items()
    ]
