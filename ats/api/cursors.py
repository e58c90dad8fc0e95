"""Cursors for the API's lists: the position after the last row sent, as (time, id),
opaque to the client. Stable while rows come and go, unlike a page number."""

import base64
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

PAGE_SIZE, MAX_PAGE_SIZE = 50, 200


def encode(moment: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode()


def decode(cursor: str) -> tuple[datetime, int]:
    try:
        moment, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(moment), int(pk)
    except ValueError as error:  # also a UnicodeDecodeError, or binascii.Error
        raise Http404 from error  # a cursor this API never gave


def page(rows: QuerySet, *, by: str, newest_first: bool, cursor: str | None, limit: int) -> dict:
    """One page of `rows` in the order of the time field `by` (then the id), after the
    cursor's position: its items and the cursor of the next page (none on the last).
    One query."""
    if cursor:
        moment, pk = decode(cursor)
        after = "lt" if newest_first else "gt"
        rows = rows.filter(Q(**{f"{by}__{after}": moment}) | Q(**{by: moment, f"pk__{after}": pk}))
    size = min(max(limit, 1), MAX_PAGE_SIZE)
    sign = "-" if newest_first else ""
    found = list(rows.order_by(f"{sign}{by}", f"{sign}pk")[: size + 1])
    items, last = found[:size], found[size - 1] if len(found) > size else None
    return {"items": items, "next_cursor": last and encode(getattr(last, by), last.pk)}
