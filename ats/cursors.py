"""Cursors for the lists read a page at a time (the API's, and the access log page):
the position after the last row sent, as (time, id), opaque to the reader. Stable while
rows come and go, unlike a page number."""

import base64
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404

PAGE_SIZE, MAX_PAGE_SIZE = 50, 200
MAX_ID = 2**63 - 1  # a bigint's largest


def encode(moment: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(_position(moment.astimezone(UTC), pk).encode()).decode()


def _position(moment: datetime, pk: int) -> str:
    return f"{moment.isoformat()}|{pk}"


def decode(cursor: str) -> tuple[datetime, int]:
    """The position in a cursor as `encode` writes it: a time in UTC and a row's id.
    Anything else is a 404, as a page that does not exist, before it reaches a query:
    another offset (PostgreSQL takes offsets up to 15:59 only), no offset, a time
    spelled otherwise, an id no row can have."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        moment, pk = text.split("|")
        moment, pk = datetime.fromisoformat(moment), int(pk)
    except ValueError as error:  # also a UnicodeDecodeError, or binascii.Error
        raise Http404 from error  # a cursor never given
    if moment.utcoffset() != timedelta(0) or not 0 < pk <= MAX_ID or _position(moment, pk) != text:
        raise Http404
    return moment, pk


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
