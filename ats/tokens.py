"""Self-service links: a signed token that names one application.

Candidates have no accounts; holding a link sent to their email address is the proof.
The token carries the application's public_id, the application's current link key (so
that sending new links revokes the old ones) and until when it works (None: as long as
the application lives); nothing personal. Each email decides its link's life by what it
is for (emails.py): a receipt's for the application's, an invitation's until the
interview, a decision's for ATS_LINK_MAX_AGE.
"""

from datetime import UTC, datetime
from typing import NamedTuple
from uuid import UUID

from django.core import signing

from .app_settings import app_settings

SALT = "ats.self-service-link"


class Link(NamedTuple):
    public_id: UUID
    key: str
    until: datetime | None

    def expired(self, *, now: datetime) -> bool:
        return self.until is not None and self.until <= now


def make_token(*, public_id: UUID, key: str, until: datetime | None = None) -> str:
    return signing.dumps([public_id.hex, key, until and int(until.timestamp())], salt=SALT)


def read_token(token: str) -> Link | None:
    """What a genuine token names, expired or not; None for anything forged or garbled."""
    try:
        public_id, key, *until = signing.loads(token, salt=SALT)
        if not until:  # sent before links had a life of their own: ATS_LINK_MAX_AGE
            return Link(UUID(hex=public_id), str(key), _legacy_end(token))
        ends = until[0]
        return Link(
            UUID(hex=public_id),
            str(key),
            None if ends is None else datetime.fromtimestamp(ends, UTC),
        )
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _legacy_end(token: str) -> datetime | None:
    try:
        signing.loads(token, salt=SALT, max_age=app_settings.LINK_MAX_AGE)
    except signing.SignatureExpired:
        return LONG_AGO
    return None  # works today; it will expire on a later day, as it always did


LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
