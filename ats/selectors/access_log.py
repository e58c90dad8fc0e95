"""The access log as the privacy officer reads it in /recruit/access-log/: newest first,
a page at a time, narrowed to one application, one colleague, one action or the days up
to a date. Continued by the cursor the API's lists use (cursors.py: after the last
event's time and id), never by an offset or a count, so that a page costs the same at a
million events as at ten."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, F, Value, When

from .. import cursors
from ..models import AccessEvent
from ..retention import end_of_day
from .access import visible_applications

PAGE_SIZE = 50


@dataclass(frozen=True)
class AccessLogFilters:
    application: UUID | None = None
    user_id: int | None = None
    action: str = ""
    until: date | None = None  # events on this day (where the employer is) and before

    def query(self) -> dict[str, str]:
        """As a query string takes them: what a next page keeps (only what fitted)."""
        given = {
            "application": self.application,
            "user": self.user_id,
            "action": self.action,
            "until": self.until,
        }
        return {name: str(value) for name, value in given.items() if value}


@dataclass(frozen=True)
class LoggedEvent:
    event: AccessEvent
    # Whether the reader may open the application: not when it is deleted, or out of
    # their reach. Named as its page would name it to them, else by its id.
    openable: bool
    shown_as: str


@dataclass(frozen=True)
class AccessLogPage:
    events: list[LoggedEvent]
    older: str | None  # the cursor of the next page; None on the last


def access_log_page(
    *, reader: AbstractBaseUser, filters: AccessLogFilters, cursor: str | None = None
) -> AccessLogPage:
    """Two queries: the events with who did them, and which of their applications the
    reader may open. A cursor this page never gave is a 404."""
    events = AccessEvent.objects.select_related("user", "api_key_made_by")
    if filters.application:
        events = events.filter(public_id=filters.application)
    if filters.user_id:
        events = events.filter(user_id=filters.user_id)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.until:
        events = events.filter(at__lt=end_of_day(filters.until))
    # Events recorded together (a bulk action) share a time: the id orders them.
    page = cursors.page(events, by="at", newest_first=True, cursor=cursor, limit=PAGE_SIZE)
    named = {event.public_id for event in page["items"]}
    # A name only where the reader would see it: not where processing is restricted.
    names = dict(
        visible_applications(reader)
        .filter(public_id__in=named)
        .annotate(shown=Case(When(restricted_at__isnull=True, then=F("name")), default=Value("")))
        .values_list("public_id", "shown")
        if named
        else ()
    )
    return AccessLogPage(
        events=[
            LoggedEvent(
                event=event,
                openable=event.public_id in names,
                shown_as=names.get(event.public_id) or str(event.public_id),
            )
            for event in page["items"]
        ],
        older=page["next_cursor"],
    )
