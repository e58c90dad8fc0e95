"""Errors as RFC 9457 problem details (application/problem+json): a type, a title, the
status and, where it helps, a detail. Never a stack trace, never personal data."""

import json

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError

from .auth import MissingScope

CONTENT_TYPE = "application/problem+json"
TITLES = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 422: "Unprocessable Content"}


class InvalidParameter(Schema):
    location: list[str | int]
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[InvalidParameter] | None = None  # with 422: each invalid parameter


def documented_problems(extra: dict | None = None) -> dict:
    """The operation's error answers for its OpenAPI document (openapi_extra), with
    `extra` merged in: problem details under their own content type."""
    content = {CONTENT_TYPE: {"schema": Problem.model_json_schema()}}
    responses = {
        status: {"description": title, "content": content} for status, title in TITLES.items()
    }
    for status, response in (extra or {}).get("responses", {}).items():
        responses[status] = response
    return {**(extra or {}), "responses": responses}


def problem(status: int, detail: str = "", **extra) -> HttpResponse:
    body = {"type": "about:blank", "title": TITLES[status], "status": status, **extra}
    if detail:
        body["detail"] = detail
    return HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)


def answer_problems(api: NinjaAPI) -> None:
    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        response = problem(401, "Send a valid API key as a Bearer token.")
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(MissingScope)
    def forbidden(request: HttpRequest, error: MissingScope) -> HttpResponse:
        return problem(403, f"This key lacks the scope {error.scope}.")

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        # Also what a key may not see: it cannot tell that from what does not exist.
        return problem(404)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
        errors = [
            {"location": list(item.get("loc", [])), "message": item.get("msg", "")}
            for item in error.errors
        ]
        return problem(422, "The request is not valid.", errors=errors)
