"""The REST API under /api/v1/ (django-ninja): the OpenAPI document at openapi.json,
browsable docs at docs/. Every endpoint needs an API key (ats/api/auth.py) and answers
errors as RFC 9457 problem details (ats/api/problems.py)."""

from functools import wraps

from django.conf import settings
from django.http import HttpResponseNotAllowed, HttpResponsePermanentRedirect
from django.urls import Resolver404, URLPattern, re_path, resolve
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.parser import Parser

from .applications import router as applications
from .auth import ApiKeyAuth, PerKeyRate
from .decisions import router as decisions
from .deletions import router as deletions
from .document import Document
from .openings import router as openings
from .problems import answer_problems, problem
from .reports import router as reports
from .webhooks import router as webhooks

NO_SUCH_PATH = "no-such-path"


def never_stored(view):
    """The view with the recruiter pages' Cache-Control on every answer, whatever it
    holds (applicants, CVs, problems): no cache on the way keeps a copy (ASVS 14.3.2).
    An ETag still answers 304, to a client that keeps its own copy. A method the path
    does not take (ninja's plain 405) is a problem, as every other error."""

    @wraps(view)  # csrf_exempt as well
    def answer(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed, response = response["Allow"], problem(405)
            response["Allow"] = allowed
        add_never_cache_headers(response)
        return response

    return answer


def head_as_get(view):
    """HEAD answered as GET is, which ninja routes nowhere (RFC 9110 §9.3.2); the
    server leaves the body out, as for Django's own views. A 405 allows HEAD with GET."""

    @wraps(view)  # csrf_exempt as well
    def answer(request, *args, **kwargs):
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            if head:
                request.method = "HEAD"
        if isinstance(response, HttpResponseNotAllowed) and "GET" in response["Allow"]:
            response["Allow"] += ", HEAD"
        return response

    return answer


@csrf_exempt  # as ninja's views: a key, not a cookie, says who asks
def no_such_path(request, path=""):
    """A 404 problem; or, for a path that exists with a slash at its end, the way there
    (as Django's APPEND_SLASH sent it before this caught every path; a 308 keeps the
    method and the body)."""
    if settings.APPEND_SLASH and not request.path_info.endswith("/"):
        try:
            there = resolve(f"{request.path_info}/").url_name != NO_SUCH_PATH
        except Resolver404:
            there = False
        if there:
            return HttpResponsePermanentRedirect(
                request.get_full_path(force_append_slash=True), status=308
            )
    return problem(404)


class Api(NinjaAPI):
    """Every URL of the API answers through never_stored and head_as_get: the
    operations (their key check, throttle and problems included), the OpenAPI document
    and the docs; and a path under it that the API does not have is a 404 problem, not
    the site's page."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None) -> Document:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return Document(self, path_prefix)

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        patterns = [*patterns, re_path(r"^(?P<path>.*)$", no_such_path, name=NO_SUCH_PATH)]
        wrapped = [
            self._wrapped(pattern) if isinstance(pattern, URLPattern) else pattern
            for pattern in patterns
        ]
        return wrapped, app_name, namespace

    @staticmethod
    def _wrapped(pattern: URLPattern) -> URLPattern:
        return URLPattern(
            pattern.pattern,
            never_stored(head_as_get(pattern.callback)),
            pattern.default_args,
            pattern.name,
        )


class JsonObjects(Parser):
    """A body is a JSON object: anything else is refused as unreadable (400)."""

    def parse_body(self, request) -> dict:
        body = super().parse_body(request)
        if not isinstance(body, dict):
            raise ValueError("The body is not a JSON object.")
        return body


api = Api(
    title="ats",
    version="1",
    description=(
        "The applicant tracking API. Authenticate with `Authorization: Bearer <key>`; "
        "a key sees what its user sees on the recruiter pages and does what its "
        "scopes allow. Errors are RFC 9457 problem details."
    ),
    urls_namespace="ats:api",  # within ats/urls.py
    auth=ApiKeyAuth(),
    throttle=[PerKeyRate()],
    parser=JsonObjects(),
    docs_url="/docs/",
    openapi_url="/openapi.json",
    # The paths hold the API's place in the site (its prefix included): they start at
    # the root of the host the document came from.
    servers=[{"url": "/"}],
)
answer_problems(api)
api.add_router("/", openings)
api.add_router("/", applications)
api.add_router("/", decisions)
api.add_router("/", deletions)
api.add_router("/", webhooks)
api.add_router("/", reports)
