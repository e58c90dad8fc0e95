"""Cache-based rate limits keyed by hashes, so no address or IP is stored in clear.

A limit fails open: with the cache (Redis) down, every attempt is allowed, and the
outage is logged once, not per request. A candidate's application matters more than
counting it.
"""

import hashlib
import hmac
import logging

from django.conf import settings
from django.core.cache import cache

from .app_settings import app_settings
from .outage import Outage

cache_outage = Outage(
    logging.getLogger(__name__),
    failing="Rate limits are off: the cache fails",
    answering="Rate limits are on again: the cache answers",
)


def keyed_hash(value: str) -> str:
    """A stable, secret-keyed hash: comparable, not reversible, not guessable offline."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def client_ip(request) -> str:
    """The visitor's address. Behind a proxy, ATS_CLIENT_IP_HEADER names the header it
    appends the address to (e.g. HTTP_X_FORWARDED_FOR); the last entry is the one the
    proxy saw, the only one a visitor cannot forge."""
    header = app_settings.CLIENT_IP_HEADER
    forwarded = header and request.META.get(header, "")
    if forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def allow(*, scope: str, value: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False once `limit` attempts were made within the window.
    True, uncounted, while the cache cannot be reached."""
    key = f"ats:ratelimit:{scope}:{keyed_hash(value)}"
    try:
        allowed = _count(key, limit=limit, window_seconds=window_seconds)
    except Exception as error:  # whatever the cache backend raises when it is down
        cache_outage.failed(error)
        return True
    cache_outage.answered()
    return allowed


def _count(key: str, *, limit: int, window_seconds: int) -> bool:
    if cache.add(key, 1, timeout=window_seconds):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return True
