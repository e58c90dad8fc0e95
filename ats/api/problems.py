"""Errors as RFC 9457 problem details (application/problem+json): a type, a title, the
status and, where it helps, a detail. Never a stack trace, never personal data."""

import json
import logging
from http import HTTPStatus

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.log import log_response
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from ..middleware import RETRY_AFTER_SECONDS, database_outage, unreachable
from ..services.decisions import BackdatingUnconfirmed, DecisionError
from ..services.locks import BeingDeleted
from ..services.openings import OpeningError
from .auth import MissingPermission, MissingScope
from .idempotency import IdempotencyKeyInvalid, IdempotencyKeyReused

CONTENT_TYPE = "application/problem+json"
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class InvalidParameter(Schema):
    location: list[str | int]
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[InvalidParameter] | None = None  # with 422: each invalid parameter


class InvalidBody(Exception):
    """A body the app's own rules refuse (the recruiter pages' form, a service's
    check): the same rules, one place."""

    def __init__(self, errors: list[dict]):
        super().__init__()
        self.errors = errors

    @classmethod
    def of_form(cls, form: Form) -> "InvalidBody":
        return cls(
            [
                {"location": ["body", field], "message": str(message)}
                for field, messages in form.errors.items()
                for message in messages
            ]
        )

    @classmethod
    def saying(cls, message: str) -> "InvalidBody":
        return cls([{"location": ["body"], "message": message}])


def problem(status: int, detail: str = "", **extra) -> HttpResponse:
    title = TITLES.get(status) or HTTPStatus(status).phrase
    body = {"type": "about:blank", "title": title, "status": status, **extra}
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
    @api.exception_handler(MissingPermission)
    def forbidden(request: HttpRequest, error: Exception) -> HttpResponse:
        return problem(403, str(error))  # the scope or the permission it lacks

    @api.exception_handler(HttpError)
    def refused(request: HttpRequest, error: HttpError) -> HttpResponse:
        return problem(error.status_code, str(error))  # ninja's: a body it cannot parse

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, error: Throttled) -> HttpResponse:
        response = problem(429, "This key has made too many requests; wait and retry.")
        response["Retry-After"] = str(error.wait)  # the seconds left of the window
        return response

    @api.exception_handler(BeingDeleted)
    def being_deleted(request: HttpRequest, error: BeingDeleted) -> HttpResponse:
        return problem(404)  # it is going, and will be gone before any retry

    @api.exception_handler(BackdatingUnconfirmed)
    def unconfirmed(request: HttpRequest, error: BackdatingUnconfirmed) -> HttpResponse:
        return problem(
            409,
            "The decision is dated back: send it again with confirm_backdating true to "
            "record it with these deletion dates.",
            delete_after=error.delete_after.isoformat(),
            deleted_at_once=error.deleted_at_once,
        )

    @api.exception_handler(OpeningError)
    @api.exception_handler(DecisionError)
    def conflict(request: HttpRequest, error: Exception) -> HttpResponse:
        return problem(409, str(error))  # the services' messages are safe to show

    @api.exception_handler(IdempotencyKeyReused)
    @api.exception_handler(IdempotencyKeyInvalid)
    def key_refused(request: HttpRequest, error: Exception) -> HttpResponse:
        return problem(422, str(error))

    @api.exception_handler(InvalidBody)
    def invalid_body(request: HttpRequest, error: InvalidBody) -> HttpResponse:
        return problem(422, "The request is not valid.", errors=error.errors)

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

    # What Django itself would answer, as problems: a 403, and a 400 for a request it
    # finds suspicious (logged as Django logs it, to django.security).
    @api.exception_handler(PermissionDenied)
    def denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
        return problem(403)

    @api.exception_handler(BadRequest)
    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, error: Exception) -> HttpResponse:
        response = problem(400)
        if isinstance(error, SuspiciousOperation):
            log_response(
                str(error),
                exception=error,
                request=request,
                response=response,
                level="error",
                logger=logging.getLogger(f"django.security.{type(error).__name__}"),
            )
        return response

    @api.exception_handler(Exception)
    def unforeseen(request: HttpRequest, error: Exception) -> HttpResponse:
        """Any other error: a problem, not the site's HTML page (nor, with DEBUG, ninja's
        traceback), reported as Django reports a 500 (ats/error_reports.py: without its
        message); a database that does not answer, a 503 to retry, as on the pages."""
        if unreachable(error):
            database_outage.failed(error)
            response = problem(503, "The service is briefly unavailable: retry in a moment.")
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        got_request_exception.send(sender=None, request=request)  # as Django's handler does
        response = problem(500)
        log_response(
            "%s: %s",
            response.reason_phrase,
            request.path,
            response=response,
            request=request,
            exception=error,
        )
        return response
