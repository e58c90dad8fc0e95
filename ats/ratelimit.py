"""Cache-based rate limits keyed by hashes, so no address or IP is stored in clear.

Windows are fixed on the clock: an hour's runs from one full hour to the next, and each
window counts under a key of its own (its number since the epoch), so that no write of
a cache can carry a count into the next window, and a refusal can say how long is left
(Retry-After). A window begun at a key's first attempt refused clients that had waited
as long as they were told.

Each attempt is counted in one atomic step, so that requests at the same moment cannot
all read the same count: Redis's INCR (a per-process cache's incr holds its lock), or,
with the database cache (the default without Redis), one INSERT ... ON CONFLICT DO
UPDATE on its table, which PostgreSQL and SQLite run as one step per row. (The cache
API's own incr on the database cache reads, then writes: 30 requests at once came
through a limit of 10; and its write gave the count a new five-minute life each time.)

A limit fails open: with the cache (Redis) down, every attempt is allowed, and the
outage is logged once, not per request. A candidate's application matters more than
counting it.
"""

import hashlib
import hmac
import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction

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


@dataclass(frozen=True)
class Verdict:
    """One attempt, counted. True when allowed, so that `allow(...) and allow(...)` is
    the first refusal, or else the last verdict."""

    allowed: bool
    retry_after: int  # seconds until the window ends and the count starts again

    def __bool__(self) -> bool:
        return self.allowed


def allow(*, scope: str, value: str, limit: int, window_seconds: int) -> Verdict:
    """Count one attempt; refused once `limit` attempts were made in this window.
    Allowed, uncounted, while the cache cannot be reached."""
    now = time.time()
    window = int(now // window_seconds)
    ends = (window + 1) * window_seconds
    # Kept a window longer than it counts: a worker whose clock is behind still finds it.
    kept_until = ends + window_seconds
    key = f"ats:ratelimit:{scope}:{keyed_hash(value)}:{window}"
    retry_after = math.ceil(ends - now)
    try:
        backend = caches[DEFAULT_CACHE_ALIAS]
        if isinstance(backend, DatabaseCache):
            count = _count_in_table(backend, key, kept_until=kept_until)
        else:
            count = _count(backend, key, timeout=math.ceil(kept_until - now))
    except Exception as error:  # whatever the cache backend raises when it is down
        cache_outage.failed(error)
        return Verdict(allowed=True, retry_after=retry_after)
    cache_outage.answered()
    return Verdict(allowed=count <= limit, retry_after=retry_after)


def _count(backend: BaseCache, key: str, *, timeout: int) -> int:
    """With Redis (or memcached, or a per-process cache): ADD, then INCR, each atomic."""
    if backend.add(key, 1, timeout=timeout):
        return 1
    try:
        return backend.incr(key)
    except ValueError:  # evicted between add and incr
        backend.add(key, 1, timeout=timeout)
        return 1


def _count_in_table(backend: DatabaseCache, key: str, *, kept_until: int) -> int:
    """The attempt counted in the database cache's table in one statement: a new row
    (1), or the row's count plus one. The value is the count in plain digits, not the
    pickle the cache API writes: under a key of its own (`ats:count:`), which nothing
    reads through the API, and which the cache's clear() and culling treat as any
    other row (its expiry says when culling may take it)."""
    db = router.db_for_write(backend.cache_model_class)
    connection = connections[db]
    table = connection.ops.quote_name(backend._table)
    sql = (
        f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, '1', %s) "
        f"ON CONFLICT (cache_key) DO UPDATE "
        f"SET value = CAST(CAST({table}.value AS INTEGER) + 1 AS TEXT) "
        f"RETURNING value"
    )
    name = backend.make_and_validate_key(key.replace("ats:ratelimit:", "ats:count:", 1))
    with transaction.atomic(using=db), connection.cursor() as cursor:
        cursor.execute(sql, [name, _as_expiry(kept_until, connection)])
        return int(cursor.fetchone()[0])


def forget_ended_counts() -> None:
    """Delete the database cache's rows past their expiry, counts of this module's
    among them (their keys hold a keyed hash of an address): the table keeps an expired
    row until it culls itself, which counting in it never makes it do. Redis and
    per-process caches forget by themselves."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, DatabaseCache):
        return
    connection = connections[router.db_for_write(backend.cache_model_class)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(backend._table)} WHERE expires < %s",
            [_as_expiry(time.time(), connection)],
        )


def _as_expiry(timestamp: float, connection):
    """As the database cache writes its expiry times: whole seconds, naive without
    USE_TZ."""
    moment = datetime.fromtimestamp(int(timestamp), tz=UTC if settings.USE_TZ else None)
    return connection.ops.adapt_datetimefield_value(moment)
