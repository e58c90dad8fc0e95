"""A new version of the privacy notice, announced to every candidate whose application
is kept (GDPR art. 13(3), 14(4)): one email per address and version."""

from datetime import datetime

from django.db import transaction
from django.db.models import F, IntegerField, Min, Value
from django.db.models.functions import Lower
from django.utils import timezone

from ..bulk import insert_from_select
from ..models import Application, NoticeChangeEmail, PrivacyNotice


@transaction.atomic
def announce_notice_changes(*, now: datetime | None = None) -> int:
    """Queue an email to every candidate whose application is kept about each new version
    of the privacy notice that has come into force, once per version and address; return
    how many were queued (the worker sends them: services/outbox.py). The consents given
    before keep citing their own version."""
    now = now or timezone.now()
    queued = 0
    for notice in PrivacyNotice.objects.in_force(now=now).filter(announced_at__isnull=True):
        # One row per address (its first application's language), set-based.
        queued += insert_from_select(
            into=NoticeChangeEmail,
            rows=Application.objects.live(now=now)
            .annotate(address=Lower("email"))
            .values("address")
            .annotate(first_language=Min("language")),
            notice=Value(notice.pk, output_field=IntegerField()),
            email=F("address"),
            language=F("first_language"),
        )
        notice.announced_at = now
        notice.save(update_fields=["announced_at"])
    return queued
