"""Self-service links: a signed, expiring token that names one application.

Candidates have no accounts; holding a link sent to their email address is the proof.
The token carries the application's public_id, the application's current link key (so
that sending new links revokes the old ones) and a timestamp; nothing personal.
"""

from typing import NamedTuple
from uuid import UUID

from django.core import signing

from .app_settings import app_settings

SALT = "ats.self-service-link"


class Link(NamedTuple):
    public_id: UUID
    key: str


def make_token(*, public_id: UUID, key: str) -> str:
    return signing.dumps([public_id.hex, key], salt=SALT)


def read_token(token: str) -> Link | None:
    """What a valid, unexpired token names; None for anything else."""
    try:
        public_id, key = signing.loads(token, salt=SALT, max_age=app_settings.LINK_MAX_AGE)
        return Link(UUID(hex=public_id), str(key))
    except (signing.BadSignature, TypeError, ValueError):
        return None
