"""A page that cannot reach the database answers 503 "try again in a moment", with
Retry-After, instead of a 500.

A PostgreSQL restart or failover takes seconds: a candidate who opens the form then is
told to reload, not that something broke (and a form page that fails gives her no CSRF
cookie for the send that follows). Put it early in MIDDLEWARE, right after
SecurityMiddleware: it answers for the view and for every middleware after it.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

from .outage import Outage

logger = logging.getLogger(__name__)

# What a database that does not answer raises: refused, dropped, shutting down. SQLite
# raises OperationalError for a missing table too: see unreachable().
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30  # a restart's worth
DOWN = "ats_database_down"  # set on a request whose database failed outside the view

database_outage = Outage(
    logger,
    failing="The database is unreachable: pages answer 503",
    answering="The database answers again",
)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, DOWN, False):
            return database_unavailable(request)  # a middleware's failure, after this one
        if response.status_code != 503:
            database_outage.answered()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if unreachable(exception):
            database_outage.failed(exception)
            return database_unavailable(request)
        return None


def note_database_down(*, request: HttpRequest | None = None, **kwargs) -> None:
    """Django turns an exception raised in a middleware into a 500 before the middleware
    around it sees it; it tells this signal first, while the exception is handled."""
    error = sys.exc_info()[1]
    if request is not None and error is not None and unreachable(error):
        database_outage.failed(error)
        setattr(request, DOWN, True)


got_request_exception.connect(note_database_down, dispatch_uid="ats-database-down")


def unreachable(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached: a connection that failed
    has none left, or one that no longer answers. A statement the database refused on a
    working connection (a missing table, a bug) stays a 500, reported as one."""
    return isinstance(error, DATABASE_DOWN) and any(
        database.connection is None or not database.is_usable()
        for database in connections.all(initialized_only=True)
        if database.errors_occurred
    )


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 page, in the request's language, rendered without the database: no
    messages, no user. If the site's own layout asks the database, a plain page."""
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    with translation.override(language):
        try:
            content = render_to_string("ats/database_unavailable.html", request=request)
            content_type = "text/html; charset=utf-8"
        except DatabaseError:
            content = "\n\n".join(
                [
                    gettext("Please try again in a moment"),
                    gettext(
                        "The service is briefly unavailable, so this page cannot be shown "
                        "right now. Wait a moment and reload the page."
                    ),
                ]
            )
            content_type = "text/plain; charset=utf-8"
    response = HttpResponse(content, status=503, content_type=content_type)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    add_never_cache_headers(response)
    return response
