"""Cursors for the API's lists: the position after the last row sent, as (time, id),
opaque to the client. Stable while rows come and go, unlike a page number."""

import base64
from datetime import datetime

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


def page_size(limit: int) -> int:
    return min(max(limit, 1), MAX_PAGE_SIZE)
