"""What a client can send that the API must refuse with a problem, never a 500: cursors
it never gave, and text with NUL or other control characters (issue 30, point 8, N12)."""

import base64
import importlib
import json

import pytest
from django.core import mail

from ats.api.idempotency import HEADER
from ats.models import (
    ApiScope,
    IdempotentRequest,
    Note,
    Opening,
    WebhookSubscription,
)
from tests.factories import ApplicationFactory
from tests.helpers import ApiClient

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def api(make_key, opening):
    _, secret = make_key(
        ApiScope.APPLICATIONS_READ,
        ApiScope.APPLICATIONS_WRITE,
        permissions=["ats.add_note"],
        on_team=opening,
    )
    client = ApiClient(secret)
    client.raise_request_exception = False  # a 500 is what these tests look for
    return client


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "given",
    [
        cursor("0001-01-01T00:00:00-23:59|1"),
        cursor("9999-12-31T23:59:59+23:59|1"),
        cursor("0001-01-01T00:00:00+23:59|1"),  # before the year 1 in UTC
        cursor("9999-12-31T23:59:59-23:59|1"),  # after 9999 in UTC
        cursor("2026-12-01T09:00:00|1"),  # no offset: never one of ours
        cursor("2026-12-01T09:00:00+00:00|99999999999999999999999"),
        cursor("2026-12-01T09:00:00+00:00|-1"),
        cursor("2026-12-01T09:00:00+00:00\x00|1"),
        "not-ours",
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/openings/{opening}/applications", "/api/v1/deletions"])
def test_a_cursor_this_api_never_gave_is_a_problem_not_a_500(api, opening, path, given):
    ApplicationFactory(opening=opening)

    response = api.get(path.format(opening=opening.pk), {"cursor": given})

    assert response.status_code == 404  # as any cursor the API never gave
    assert response["Content-Type"] == PROBLEM


def note(api, application, text: str):
    path = f"/api/v1/applications/{application.public_id}/notes"
    return api.post(path, json.dumps({"text": text}), content_type="application/json")


@pytest.mark.parametrize("text", ["a\x00b", "\x00", "Ring\u0000 referenserna"])
def test_a_note_with_a_nul_is_refused_as_invalid_and_nothing_is_stored(api, opening, text):
    application = ApplicationFactory(opening=opening)

    response = note(api, application, text)

    assert response.status_code == 422, response.content  # PostgreSQL's DataError: a 500
    assert response["Content-Type"] == PROBLEM
    [error] = response.json()["errors"]
    assert error["location"] == ["body", "note", "text"] and "NUL" in error["message"]
    assert not Note.objects.exists()


def test_an_idempotency_key_with_a_nul_or_only_blanks_is_refused_as_invalid(api, opening):
    application = ApplicationFactory(opening=opening)
    path = f"/api/v1/applications/{application.public_id}/notes"

    answers = [
        api.post(path, json.dumps({"text": "Hej"}), "application/json", headers={HEADER: key})
        for key in ("a\x00b", " \t ", "x" * 256)
    ]

    assert [answer.status_code for answer in answers] == [422, 422, 422], answers[0].content
    assert {answer["Content-Type"] for answer in answers} == {PROBLEM}
    assert not Note.objects.exists() and not IdempotentRequest.objects.exists()


def test_a_bearer_token_with_a_nul_is_no_key():
    client = ApiClient("ats_a\x00b_secret")
    client.raise_request_exception = False  # PostgreSQL refused the lookup: a 500

    refused = client.get("/api/v1/openings")

    assert (refused.status_code, refused["Content-Type"]) == (401, PROBLEM)


def test_a_note_keeps_its_lines_and_tabs(api, opening):
    application = ApplicationFactory(opening=opening)

    assert note(api, application, "Ring referenserna.\r\n\tAnna: 070-123 45 67").status_code == 201
    assert Note.objects.get().text == "Ring referenserna.\r\n\tAnna: 070-123 45 67"


def test_an_error_nobody_foresaw_is_a_problem_without_its_message(
    api, opening, monkeypatch, settings
):
    settings.ADMINS = [("Drift", "drift@example.se")]
    application = ApplicationFactory(opening=opening, name="Astrid Lindqvist")

    def broken(**kwargs):
        raise RuntimeError(application.name)  # a message with personal data

    monkeypatch.setattr(importlib.import_module("ats.api.applications"), "add_note", broken)
    response = note(api, application, "Hej")

    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
    }
    [report] = mail.outbox  # reported as any 500 is, without the message
    assert "RuntimeError" in report.body and "Astrid" not in report.subject + report.body


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "Löner\x00"),
        ("name", "Löner\x1b[2J"),
        ("url", "https://127.0.0.1/\x00"),
        ("url", "https://127.0.0.1/a\x7fb"),
    ],
)
def test_a_webhook_with_a_control_character_is_refused(make_key, settings, field, value):
    settings.ATS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    _, secret = make_key(ApiScope.WEBHOOKS_MANAGE)
    body = {"name": "Löner", "url": "https://127.0.0.1/", "events": ["opening.decided"]}

    response = ApiClient(secret).post(
        "/api/v1/webhooks", json.dumps({**body, field: value}), content_type="application/json"
    )

    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["location"] == ["body", "subscription", field]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("description", "Vi söker\x00"),
        ("location", "Umeå\x00"),
        ("department", "Vård\nBcc: x@example.se"),
        ("contact_name", "Anna\x00"),
        ("salary_currency", "SE\x00"),
    ],
)
def test_an_ad_with_a_nul_or_a_line_break_where_one_line_is_meant_is_refused(
    make_key, field, value
):
    _, secret = make_key(ApiScope.OPENINGS_WRITE, permissions=["add_opening"])

    response = ApiClient(secret).post(
        "/api/v1/openings/",
        json.dumps({"title": "Undersköterska", field: value}),
        content_type="application/json",
    )

    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    assert not Opening.objects.exists()


def test_while_the_database_is_down_the_api_answers_a_problem_to_retry(
    database_down,
):
    response = ApiClient("ats_prefix_secret").get("/api/v1/openings/")

    assert response.status_code == 503
    assert response["Content-Type"] == PROBLEM
    assert response["Retry-After"] == "30"


def test_a_path_or_method_the_api_does_not_have_is_a_problem_too():
    client = ApiClient("ats_x_y")

    missing = client.get("/api/v1/no-such-thing")
    not_allowed = client.delete("/api/v1/deletions")

    assert (missing.status_code, missing["Content-Type"]) == (404, PROBLEM)
    assert (not_allowed.status_code, not_allowed["Content-Type"]) == (405, PROBLEM)
    assert not_allowed["Allow"] == "GET, HEAD"
    assert not_allowed.json()["title"] == "Method Not Allowed"
    slashless = client.get("/api/v1/docs", {"page": "2"})  # as APPEND_SLASH did
    assert (slashless.status_code, slashless["Location"]) == (308, "/api/v1/docs/?page=2")
