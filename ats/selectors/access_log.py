"""The access log as the privacy officer reads it in /recruit/access-log/: newest first,
a page at a time, narrowed to one application, one colleague, one action or the days up
to a date. Continued by keyset (`before`: the last event's id, placed by its time and
id), never by an offset or a count, so that a page costs the same at a million events as
at ten."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

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


@dataclass(frozen=True)
class AccessLogPage:
    events: list[AccessEvent]
    older: int | None  # `before` for the next page; None on the last
    # Of the applications named on the page, those the reader may open: the rest are
    # deleted, or out of the reader's reach, and named by their id only.
    openable: frozenset[UUID]


def access_log_page(
    *, reader: AbstractBaseUser, filters: AccessLogFilters, before: int | None = None
) -> AccessLogPage:
    """Two queries (three on a later page): the events with who did them, one more than
    a page to know if there are older, and which of their applications the reader may
    open."""
    # Newest first; events recorded together (a bulk action) share a time, the id
    # orders them.
    events = AccessEvent.objects.select_related("user", "api_key_made_by").order_by("-at", "-pk")
    if filters.application:
        events = events.filter(public_id=filters.application)
    if filters.user_id:
        events = events.filter(user_id=filters.user_id)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.until:
        events = events.filter(at__lt=end_of_day(filters.until))
    if before:
        last = AccessEvent.objects.filter(pk=before).values_list("at", flat=True).first()
        if last is not None:
            events = events.filter(Q(at__lt=last) | Q(at=last, pk__lt=before))
    page = list(events[: PAGE_SIZE + 1])
    older = page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None
    page = page[:PAGE_SIZE]
    named = {event.public_id for event in page}
    openable = (
        frozenset(
            visible_applications(reader)
            .filter(public_id__in=named)
            .values_list("public_id", flat=True)
        )
        if named
        else frozenset()
    )
    return AccessLogPage(events=page, older=older, openable=openable)
