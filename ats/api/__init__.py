"""The REST API under /api/v1/ (django-ninja): the OpenAPI document at openapi.json,
browsable docs at docs/. Every endpoint needs an API key (ats/api/auth.py) and answers
errors as RFC 9457 problem details (ats/api/problems.py)."""

from functools import wraps

from django.urls import URLPattern
from django.utils.cache import add_never_cache_headers
from ninja import NinjaAPI
from ninja.parser import Parser

from .applications import router as applications
from .auth import ApiKeyAuth, PerKeyRate
from .decisions import router as decisions
from .deletions import router as deletions
from .openings import router as openings
from .problems import answer_problems
from .webhooks import router as webhooks


def never_stored(view):
    """The view with the recruiter pages' Cache-Control on every answer, whatever it
    holds (applicants, CVs, problems): no cache on the way keeps a copy (ASVS 14.3.2).
    An ETag still answers 304, to a client that keeps its own copy."""

    @wraps(view)  # csrf_exempt as well
    def answer(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return answer


class Api(NinjaAPI):
    """Every URL of the API answers through never_stored: the operations (their key
    check, throttle and problems included), the OpenAPI document and the docs."""

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        wrapped = [
            self._wrapped(pattern) if isinstance(pattern, URLPattern) else pattern
            for pattern in patterns
        ]
        return wrapped, app_name, namespace

    @staticmethod
    def _wrapped(pattern: URLPattern) -> URLPattern:
        return URLPattern(
            pattern.pattern, never_stored(pattern.callback), pattern.default_args, pattern.name
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
)
answer_problems(api)
api.add_decorator(never_stored, mode="view")
api.add_router("/openings/", openings)
api.add_router("/", applications)
api.add_router("/", decisions)
api.add_router("/", deletions)
api.add_router("/", webhooks)
