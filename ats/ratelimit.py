"""Cache-based rate limits keyed by hashes, so no address or IP is stored in clear.

Each attempt is counted in one atomic step, so that requests at the same moment cannot
all read the same count: Redis's INCR, or, with the database cache (the default without
Redis), one INSERT ... ON CONFLICT DO UPDATE on its table, which PostgreSQL and SQLite
run as one step per row. (The cache API's own incr on the database cache reads, then
writes: 30 requests at once came through a limit of 10; and its write gave the count a
new five-minute life each time, whatever the window.)

A limit fails open: with the cache (Redis) down, every attempt is allowed, and the
outage is logged once, not per request. A candidate's application matters more than
counting it.
"""

import hashlib
import hmac
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone

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
        backend = caches[DEFAULT_CACHE_ALIAS]
        if isinstance(backend, DatabaseCache):
            count = _count_in_table(backend, key, window_seconds=window_seconds)
        else:
            count = _count(key, window_seconds=window_seconds)
    except Exception as error:  # whatever the cache backend raises when it is down
        cache_outage.failed(error)
        return True
    cache_outage.answered()
    return count <= limit


def _count(key: str, *, window_seconds: int) -> int:
    """With Redis (or memcached, or a per-process cache): ADD, then INCR, each atomic;
    an INCR keeps the window's end."""
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return 1


def _count_in_table(backend: DatabaseCache, key: str, *, window_seconds: int) -> int:
    """The attempt counted in the database cache's table in one statement: a new row
    (1, until the window ends), or the row's count plus one, or 1 again once its window
    has ended. The value is the count in plain digits, not the pickle the cache API
    writes: under a key of its own (`ats:count:`), which nothing reads through the API,
    and which the cache's clear() and culling treat as any other row."""
    db = router.db_for_write(backend.cache_model_class)
    connection = connections[db]
    table = connection.ops.quote_name(backend._table)
    now = timezone.now().replace(microsecond=0)  # as the database cache writes times
    until = now + timedelta(seconds=window_seconds)
    adapt = connection.ops.adapt_datetimefield_value
    ended = f"{table}.expires <= %s"
    sql = (
        f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, '1', %s) "
        f"ON CONFLICT (cache_key) DO UPDATE SET "
        f"value = CASE WHEN {ended} THEN '1' "
        f"ELSE CAST(CAST({table}.value AS INTEGER) + 1 AS TEXT) END, "
        f"expires = CASE WHEN {ended} THEN excluded.expires ELSE {table}.expires END "
        f"RETURNING value"
    )
    name = backend.make_and_validate_key(key.replace("ats:ratelimit:", "ats:count:", 1))
    with transaction.atomic(using=db), connection.cursor() as cursor:
        cursor.execute(sql, [name, adapt(until), adapt(now), adapt(now)])
        return int(cursor.fetchone()[0])
