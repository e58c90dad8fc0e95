"""The access log: who read or changed which application, and when.

Entries hold a user, an action, a public_id and a time; never names, emails or text.
"""

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from ..models import AccessEvent, Application


def record_access(
    *,
    user: AbstractBaseUser | None,
    action: AccessEvent.Action,
    public_ids: Iterable[UUID],
    actor: AccessEvent.Actor = AccessEvent.Actor.STAFF,
    at: datetime | None = None,
) -> None:
    at = at or timezone.now()
    AccessEvent.objects.bulk_create(
        AccessEvent(actor=actor, user=user, action=action, public_id=public_id, at=at)
        for public_id in public_ids
    )


def record_access_to_all(
    *,
    user: AbstractBaseUser,
    action: AccessEvent.Action,
    applications: QuerySet[Application],
    at: datetime | None = None,
) -> int:
    """One entry per application of `applications`, in one INSERT ... SELECT statement
    however many there are (a decision on an opening with 10,000 applicants)."""
    at = at or timezone.now()
    select_sql, select_params = (
        applications.order_by().values_list("public_id").query.sql_with_params()
    )
    event = AccessEvent._meta
    column = {
        name: event.get_field(name).column
        for name in ("actor", "user", "action", "public_id", "at")
    }
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column[name]) for name in column)
    at_value = AccessEvent._meta.get_field("at").get_db_prep_value(at, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(event.db_table)} ({columns}) "
            f"SELECT %s, %s, %s, chosen.{quote('public_id')}, %s FROM ({select_sql}) chosen",
            [AccessEvent.Actor.STAFF, user.pk, action, at_value, *select_params],
        )
        return cursor.rowcount
