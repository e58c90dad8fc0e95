"""Errors as RFC 9457 problem details (application/problem+json): a type, a title, the
status and, where it helps, a detail. Never a stack trace, never personal data."""

import json

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from .auth import MissingScope

CONTENT_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str = "", **extra) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, **extra}
    if detail:
        body["detail"] = detail
    return HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)


def answer_problems(api: NinjaAPI) -> None:
    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        response = problem(401, "Unauthorized", "Send a valid API key as a Bearer token.")
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(MissingScope)
    def forbidden(request: HttpRequest, error: MissingScope) -> HttpResponse:
        return problem(403, "Forbidden", f"This key lacks the scope {error.scope}.")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        # Also what a key may not see: it cannot tell that from what does not exist.
        return problem(404, "Not Found")

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
        errors = [
            {"location": list(item.get("loc", [])), "message": item.get("msg", "")}
            for item in error.errors
        ]
        return problem(422, "Unprocessable Content", "The request is not valid.", errors=errors)
