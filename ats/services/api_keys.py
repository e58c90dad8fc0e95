"""API keys: issued once to an integration, then recognised on every request.

The key is `ats_<prefix>_<secret>`: the prefix finds the row (an index), the secret is
compared as a salted SHA-256 in constant time. An unknown, malformed or expired key is
simply not a key: the API answers 401 without saying which.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import ApiKey, ApiScope
from ..selectors.access import may_act_for

# last_used_at is written at most this often per key: a busy integration makes no
# write per request.
LAST_USED_PRECISION = timedelta(minutes=1)


NOT_FOR_ANOTHER = gettext_lazy(
    "It acts for you: only a superuser makes one that acts for another staff user."
)


class ApiKeyError(Exception):
    """A key that cannot be issued as asked; the message is safe to show."""


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}{secret}".encode()).hexdigest()


def check_key_terms(*, scopes: list[str], expires_at: datetime, now: datetime) -> None:
    """Raise ApiKeyError unless a key may be made with these scopes and this expiry."""
    unknown = set(scopes) - set(ApiScope.values)
    if unknown:
        raise ApiKeyError(_("Unknown scopes: %(scopes)s") % {"scopes": ", ".join(sorted(unknown))})
    if not scopes:
        raise ApiKeyError(_("Give the key at least one scope."))
    if expires_at <= now:
        raise ApiKeyError(_("A key must expire in the future."))


@transaction.atomic
def issue_api_key(
    *,
    name: str,
    user: AbstractBaseUser,
    created_by: AbstractBaseUser,
    scopes: list[str],
    expires_at: datetime,
    now: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Store a new key, made by `created_by` to act for `user`, and return it with its
    secret form, which is never stored and cannot be shown again."""
    now = now or timezone.now()
    check_key_terms(scopes=scopes, expires_at=expires_at, now=now)
    if not may_act_for(created_by, user):
        raise ApiKeyError(str(NOT_FOR_ANOTHER))
    prefix, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_hex(16)
    key = ApiKey.objects.create(
        name=name.strip(),
        user=user,
        created_by=created_by,
        prefix=prefix,
        salt=salt,
        secret_sha256=_digest(salt, secret),
        scopes=sorted(scopes),
        expires_at=expires_at,
        created_at=now,
    )
    return key, f"ats_{prefix}_{secret}"


def key_presented(presented: str, *, now: datetime | None = None) -> ApiKey | None:
    """The live key the string is, or None. One query, and one UPDATE a minute at most."""
    now = now or timezone.now()
    scheme, _, rest = presented.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != "ats" or not prefix or not secret:
        return None
    key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.secret_sha256, _digest(key.salt, secret)):
        return None
    # Staff status is what every recruiter page asks: a key stops with it.
    if key.expires_at <= now or not (key.user.is_active and key.user.is_staff):
        return None
    if key.last_used_at is None or key.last_used_at <= now - LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
