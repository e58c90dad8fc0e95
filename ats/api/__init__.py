"""The REST API under /api/v1/ (django-ninja): the OpenAPI document at openapi.json,
browsable docs at docs/. Every endpoint needs an API key (ats/api/auth.py) and answers
errors as RFC 9457 problem details (ats/api/problems.py)."""

from ninja import NinjaAPI
from ninja.parser import Parser

from .applications import router as applications
from .auth import ApiKeyAuth, PerKeyRate
from .decisions import router as decisions
from .deletions import router as deletions
from .openings import router as openings
from .problems import answer_problems
from .webhooks import router as webhooks


class JsonObjects(Parser):
    """A body is a JSON object: anything else is refused as unreadable (400)."""

    def parse_body(self, request) -> dict:
        body = super().parse_body(request)
        if not isinstance(body, dict):
            raise ValueError("The body is not a JSON object.")
        return body


api = NinjaAPI(
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
api.add_router("/openings/", openings)
api.add_router("/", applications)
api.add_router("/", decisions)
api.add_router("/", deletions)
api.add_router("/", webhooks)
