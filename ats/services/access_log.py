"""The access log: who read or changed which application, and when.

Entries hold a user, an action, a public_id and a time; never names, emails or text.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import DateTimeField, F, IntegerField, QuerySet, Value
from django.utils import timezone

from ..bulk import insert_from_select
from ..models import AccessEvent, ApiKey, Application


def record_access(
    *,
    user: AbstractBaseUser | None,
    action: AccessEvent.Action,
    public_ids: Iterable[UUID],
    actor: AccessEvent.Actor = AccessEvent.Actor.STAFF,
    api_key: ApiKey | None = None,
) -> None:
    """`api_key`: the key an integration used; the log names it and who made it beside
    the user it acts for."""
    at = timezone.now()
    AccessEvent.objects.bulk_create(
        AccessEvent(
            actor=actor,
            user=user,
            action=action,
            public_id=public_id,
            at=at,
            api_key=api_key.name if api_key else "",
            api_key_made_by_id=api_key.created_by_id if api_key else None,
        )
        for public_id in public_ids
    )


def record_access_once(
    *,
    user: AbstractBaseUser,
    action: AccessEvent.Action,
    public_id: UUID,
    within: timedelta,
) -> None:
    """One entry, unless the log holds the same user's same action on the same
    application from the last `within`: the parts of one page (a PDF's page images)
    count as the one view of the page that shows them, while a part fetched on its own
    is still logged."""
    recent = AccessEvent.objects.filter(
        user=user, action=action, public_id=public_id, at__gte=timezone.now() - within
    )
    if not recent.exists():
        record_access(user=user, action=action, public_ids=[public_id])


def record_access_to_all(
    *,
    user: AbstractBaseUser,
    action: AccessEvent.Action,
    applications: QuerySet[Application],
    at: datetime | None = None,
) -> int:
    """One entry per application of `applications`, in one statement however many."""
    return insert_from_select(
        into=AccessEvent,
        rows=applications,
        actor=Value(AccessEvent.Actor.STAFF),
        user=Value(user.pk, output_field=IntegerField()),
        action=Value(action),
        public_id=F("public_id"),
        at=Value(at or timezone.now(), output_field=DateTimeField()),
    )
