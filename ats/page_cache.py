"""The careers page and the job ads, rendered once per language and kept in the cache
(Redis in production) until an opening changes: an ad that goes viral is answered from
the cache, not the database.

Every kept page is keyed by a generation, a random token in the cache that is replaced
when any opening is saved or deleted (on commit, so that no request renders the state
before it under the new token), and by the Swedish day, since an ad whose last day
has passed leaves the careers page at midnight without a change of its own. Kept
pages also expire after KEPT_FOR, which bounds what a change made while the cache was
down, or a new release's templates, can leave behind.

Only what a visitor without a session sees is kept: a page for a signed-in user (the
messages, the navigation) is rendered for that user alone. With the cache down, the
pages are rendered as if nothing was kept.
"""

import logging
from collections.abc import Callable
from typing import TypeVar
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from .outage import Outage
from .retention import employer_date

cache_outage = Outage(
    logging.getLogger(__name__),
    failing="Pages are rendered uncached: the cache fails",
    answering="Pages are kept again: the cache answers",
)
GENERATION_KEY = "ats:pages:generation"
KEPT_FOR = 600  # seconds
Rendered = TypeVar("Rendered")
_seen = {"generation": ""}  # in this process, the generation read last


def for_anyone(request) -> bool:
    """Whether this request sees what every visitor sees: no session, no messages. The
    cookies it may carry change nothing but the language, which is in the key."""
    return request.COOKIES.keys() <= {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}


def get_or_render(*parts: str, render: Callable[[], Rendered]) -> Rendered:
    """What `render()` returns, as kept for `parts` in the current language and
    generation; rendered and kept now if it was not. While no opening changes, one read
    of the cache: the generation, and the page under the generation this process saw
    last."""
    try:
        guess = _key(_seen["generation"], parts)
        found = cache.get_many([GENERATION_KEY, guess])
        generation = found.get(GENERATION_KEY) or _start_generation()
        key = _key(generation, parts)
        value = found.get(guess) if key == guess else cache.get(key)
    except Exception as error:  # whatever the cache backend raises when it is down
        cache_outage.failed(error)
        return render()
    _seen["generation"] = generation
    if value is None:
        value = render()
        try:
            cache.set(key, value, KEPT_FOR)
        except Exception as error:  # as above, between the two reads and this write
            cache_outage.failed(error)
            return value
    cache_outage.answered()
    return value


def forget_pages() -> None:
    """Every page kept so far is stale: a new generation, once the change is committed."""
    transaction.on_commit(_start_new_generation, robust=True)


def _key(generation: str, parts: tuple[str, ...]) -> str:
    return ":".join(("ats:pages", generation, get_language(), _today(), *parts))


def _start_generation() -> str:
    cache.add(GENERATION_KEY, uuid4().hex, timeout=None)  # another process may be first
    return cache.get(GENERATION_KEY)


def _start_new_generation() -> None:
    # A random token rather than a counter: a counter the cache evicted would start
    # again at a number whose old pages may still be kept.
    cache.set(GENERATION_KEY, uuid4().hex, timeout=None)


def _today() -> str:
    return employer_date(timezone.now()).isoformat()
