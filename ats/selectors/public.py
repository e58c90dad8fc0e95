"""Reads for the candidates' public pages: openings and the privacy notice."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from ..models import (
    Opening,
    PrivacyNotice,
)

# What the careers page shows of each opening.
LISTED_FIELDS = (
    "title", "slug", "location", "workplace_type", "employment_type", "extent",
    "salary_min", "salary_max", "salary_currency", "salary_period", "application_deadline",
    "department", "language", "published_at", "created_at",
)  # fmt: skip


@dataclass(frozen=True)
class CareersPage:
    openings: list[Opening]
    places: list[str]
    departments: list[str]


def careers_page(
    *, place: str = "", employment_type: str = "", department: str = ""
) -> CareersPage:
    """The published openings, filtered; and the places and departments to filter by,
    from every published opening. Two queries."""
    published = Opening.objects.published()
    chosen = published
    if place:
        remote = place == Opening.WorkplaceType.REMOTE
        chosen = chosen.filter(Q(workplace_type=place) if remote else Q(location=place))
    if employment_type:
        chosen = chosen.filter(employment_type=employment_type)
    if department:
        chosen = chosen.filter(department=department)
    facets = set(published.values_list("location", "department"))
    return CareersPage(
        openings=list(chosen.only(*LISTED_FIELDS).order_by("application_deadline", "title")),
        places=sorted({location for location, _ in facets if location}),
        departments=sorted({department for _, department in facets if department}),
    )


def published_openings() -> QuerySet[Opening]:
    return Opening.objects.published().only(*LISTED_FIELDS)


def published_opening(*, slug: str) -> Opening | None:
    return Opening.objects.published().filter(slug=slug).first()


def opening_gone(*, slug: str) -> bool:
    """An opening that takes no applications for good: closed, archived, or past its
    last day (before the queue closes it). A draft or a scheduled ad is not there yet."""
    Status = Opening.Status
    return (
        Opening.objects.filter(
            slug=slug, status__in=(Status.PUBLISHED, Status.CLOSED, Status.ARCHIVED)
        )
        .exclude(pk__in=Opening.objects.published().values("pk"))
        .exists()
    )


def current_privacy_notice() -> PrivacyNotice | None:
    return PrivacyNotice.objects.current()


def privacy_notices() -> list[PrivacyNotice]:
    """Every version in force so far, newest first, without their texts."""
    return list(PrivacyNotice.objects.in_force().only("version", "published_at"))


def privacy_notice(*, version: int) -> PrivacyNotice | None:
    return PrivacyNotice.objects.in_force().filter(version=version).first()
