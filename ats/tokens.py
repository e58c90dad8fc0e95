"""Self-service links: a signed, expiring token that names one application.

Candidates have no accounts; holding a link sent to their email address is the proof.
The token carries only the application's public_id and a timestamp.
"""

from uuid import UUID

from django.core import signing

from .app_settings import app_settings

SALT = "ats.self-service-link"


def make_token(public_id: UUID) -> str:
    return signing.dumps(public_id.hex, salt=SALT)


def read_token(token: str) -> UUID | None:
    """The public_id a valid, unexpired token names; None for anything else."""
    try:
        value = signing.loads(token, salt=SALT, max_age=app_settings.LINK_MAX_AGE)
        return UUID(hex=value)
    except (signing.BadSignature, TypeError, ValueError):
        return None
