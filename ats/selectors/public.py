"""Reads for the candidates' public pages: openings and the privacy notice."""

from django.db.models import QuerySet

from ..models import (
    Opening,
    PrivacyNotice,
)


def published_openings() -> QuerySet[Opening]:
    return Opening.objects.published().only("title", "slug", "created_at")


def published_opening(*, slug: str) -> Opening | None:
    return Opening.objects.published().filter(slug=slug).first()


def current_privacy_notice() -> PrivacyNotice | None:
    return PrivacyNotice.objects.current()
