"""Need-to-know through the API: every endpoint, with a key for each role, sees and does
what that role may on the recruiter pages (404 for the rest), and with a key that lacks
the endpoint's scope gets 403 whatever its user may do."""

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ats.models import ApiScope
from tests.factories import ApplicationFactory, DeletionRecordFactory, OpeningFactory
from tests.helpers import ApiClient

pytestmark = pytest.mark.django_db

ROLES = ("recruiter", "hiring_manager", "interviewer", "outsider", "all_openings", "pool")
TEAM = {"recruiter", "hiring_manager", "interviewer"}
DECIDING = {"recruiter", "hiring_manager", "all_openings"}
# Every role may download CVs and publish ads: what differs is their reach.
PERMISSIONS = ["download_cv", "publish_opening"]
EXTRA = {"all_openings": ["view_all_applications"], "pool": ["view_spontaneous_applications"]}


@pytest.fixture
def world():
    opening = OpeningFactory(
        status="published", application_deadline=date.today() + timedelta(days=20)
    )
    return {
        "opening": opening,
        "new": ApplicationFactory(opening=opening),
        "interviewing": ApplicationFactory(opening=opening, stage="interview"),
        "spontaneous": ApplicationFactory(
            consented=True, delete_after=timezone.now() + timedelta(days=300)
        ),
    }


@pytest.fixture
def key_for(make_key, world):
    """An API client with a key for a new user in `role`, with every scope unless told."""

    def make(role: str, scopes=tuple(ApiScope.values)) -> ApiClient:
        key, secret = make_key(
            *scopes,
            permissions=[*PERMISSIONS, *EXTRA.get(role, [])],
            on_team=world["opening"] if role in TEAM else None,
            role=role,
        )
        api = ApiClient(secret)
        api.user = key.user  # to log in on the pages as the same person
        return api

    return make


def call(api: ApiClient, method: str, path: str, body: dict | None):
    send = getattr(api, method)
    if body is None:
        return send(path)
    return send(path, json.dumps(body), content_type="application/json")


# (method, path with {placeholders} from the world, body, scope, the roles it succeeds for)
ENDPOINTS = [
    ("get", "/openings/{opening}", None, ApiScope.OPENINGS_READ, TEAM | {"all_openings"}),
    ("get", "/openings/{opening}/applications", None, ApiScope.APPLICATIONS_READ,
     TEAM | {"all_openings"}),
    ("get", "/applications/{new}", None, ApiScope.APPLICATIONS_READ, DECIDING),
    ("get", "/applications/{interviewing}", None, ApiScope.APPLICATIONS_READ,
     DECIDING | {"interviewer"}),
    ("get", "/applications/{spontaneous}", None, ApiScope.APPLICATIONS_READ, {"pool"}),
    ("get", "/applications/{new}/retention", None, ApiScope.APPLICATIONS_READ, DECIDING),
    ("get", "/applications/{spontaneous}/retention", None, ApiScope.APPLICATIONS_READ, {"pool"}),
    ("get", "/applications/{new}/cv", None, ApiScope.CV_READ, DECIDING),
    ("get", "/applications/{interviewing}/cv", None, ApiScope.CV_READ, DECIDING | {"interviewer"}),
    ("get", "/applications/{spontaneous}/cv", None, ApiScope.CV_READ, {"pool"}),
    ("put", "/applications/{new}/stage", {"stage": "reviewing"}, ApiScope.APPLICATIONS_WRITE,
     DECIDING),
    ("put", "/applications/{interviewing}/stage", {"stage": "offer"},
     ApiScope.APPLICATIONS_WRITE, DECIDING),
    ("put", "/applications/{spontaneous}/stage", {"stage": "reviewing"},
     ApiScope.APPLICATIONS_WRITE, {"pool"}),
    ("post", "/applications/{new}/notes", {"text": "Bra svar."}, ApiScope.APPLICATIONS_WRITE,
     DECIDING),
    ("post", "/applications/{interviewing}/notes", {"text": "Bra svar."},
     ApiScope.APPLICATIONS_WRITE, DECIDING | {"interviewer"}),
    ("post", "/openings/{opening}/decision", {"hired": []}, ApiScope.DECISIONS_WRITE, DECIDING),
    ("post", "/openings/{opening}/close", {}, ApiScope.OPENINGS_WRITE, set()),  # not a draft
]  # fmt: skip


def _path(template: str, world: dict) -> str:
    ids = {
        name: value.pk if name == "opening" else value.public_id for name, value in world.items()
    }
    return "/api/v1" + template.format(**ids)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "template", "body", "scope", "allowed"),
    ENDPOINTS,
    ids=[f"{method} {template}" for method, template, *_ in ENDPOINTS],
)
def test_each_role_reaches_what_the_recruiter_pages_let_it(
    world, key_for, cv_files, role, method, template, body, scope, allowed
):
    response = call(key_for(role), method, _path(template, world), body)
    if role in allowed:
        assert response.status_code in (200, 201, 302), response.content
    else:
        assert response.status_code == 404, response.content  # as if it did not exist


@pytest.mark.parametrize(
    ("method", "template", "body", "scope"),
    [endpoint[:4] for endpoint in ENDPOINTS],
    ids=[f"{method} {template}" for method, template, *_ in ENDPOINTS],
)
def test_without_its_scope_every_endpoint_answers_403(
    world, key_for, method, template, body, scope
):
    others = [s for s in ApiScope.values if s != scope]
    response = call(key_for("all_openings", scopes=others), method, _path(template, world), body)
    assert response.status_code == 403
    assert response.json()["detail"] == f"This key lacks the scope {scope}."


@pytest.mark.parametrize("role", ROLES)
def test_the_applicant_list_and_the_tombstones_hold_only_what_the_role_may_see(
    world, key_for, role
):
    opening = world["opening"]
    DeletionRecordFactory(opening=opening, kind="opening", reason="retention_expired")
    DeletionRecordFactory(reason="consent_withdrawn")
    api = key_for(role)
    listed = api.get(f"/api/v1/openings/{opening.pk}/applications")
    if role in TEAM | {"all_openings"}:
        seen = {item["public_id"] for item in listed.json()["items"]}
        expected = {world["interviewing"].public_id}
        if role in DECIDING:
            expected.add(world["new"].public_id)
        assert seen == {str(p) for p in expected}
    else:
        assert listed.status_code == 404
    kinds = sorted(t["kind"] for t in api.get("/api/v1/deletions").json()["items"])
    assert (
        kinds
        == {
            "recruiter": ["opening"],
            "hiring_manager": ["opening"],
            "interviewer": [],  # it never decides on the opening's applicants
            "outsider": [],
            "all_openings": ["opening"],
            "pool": ["spontaneous"],
        }[role]
    )


def test_a_key_manages_only_its_own_users_subscriptions(key_for, settings):
    settings.ATS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]  # the HR system is on this host
    mine, theirs = key_for("recruiter"), key_for("recruiter")
    made = call(
        mine,
        "post",
        "/api/v1/webhooks",
        {"name": "HR", "url": "https://127.0.0.1/hooks", "events": ["application.deleted"]},
    )
    assert made.status_code == 201 and made.json()["secret"].startswith("whsec_")
    subscription = made.json()["id"]
    assert "secret" not in mine.get(f"/api/v1/webhooks/{subscription}").json()
    assert theirs.get("/api/v1/webhooks").json() == []
    assert theirs.get(f"/api/v1/webhooks/{subscription}").status_code == 404
    assert theirs.delete(f"/api/v1/webhooks/{subscription}").status_code == 404
    assert mine.get(f"/api/v1/webhooks/{subscription}/deliveries").json()["items"] == []
    assert mine.delete(f"/api/v1/webhooks/{subscription}").status_code == 204
    assert mine.get("/api/v1/webhooks").json() == []


def test_a_key_cannot_subscribe_an_address_inside_the_workers_network(key_for):
    refused = call(
        key_for("recruiter"),
        "post",
        "/api/v1/webhooks",
        {
            "name": "HR",
            "url": "https://169.254.169.254/latest/meta-data/",
            "events": ["application.deleted"],
        },
    )
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert "only to addresses on the internet" in error["message"]


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "interviewer"])
def test_one_field_policy_per_role_on_the_pages_in_the_api_and_in_search(world, key_for, role):
    """ASVS 8.2.3: an interviewer gets what the interview needs, not how to reach the
    person nor the letter, whichever way they ask; those who decide get it all."""
    opening, interviewing = world["opening"], world["interviewing"]
    type(interviewing).objects.filter(pk=interviewing.pk).update(
        email="astrid.lindqvist@example.se", phone="070-123 45 67", cover_letter="Jag söker..."
    )
    api = key_for(role)
    page = Client()
    page.force_login(api.user)
    contact = {"email": "astrid.lindqvist@example.se", "phone": "070-123 45 67"}
    shown = {**contact, "cover_letter": "Jag söker..."} if role in DECIDING else {}

    one = api.get(f"/api/v1/applications/{interviewing.public_id}").json()
    [listed] = [
        item
        for item in api.get(f"/api/v1/openings/{opening.pk}/applications").json()["items"]
        if item["public_id"] == str(interviewing.public_id)
    ]
    for read in (one, listed):
        assert {f: read[f] for f in ("email", "phone", "cover_letter") if read[f]} == shown
    profile = page.get(f"/recruit/applications/{interviewing.public_id}/").content.decode()
    listing = page.get(f"/recruit/openings/{opening.pk}/").content.decode()
    for value in (*contact.values(), "Jag söker..."):
        assert (value in profile) == (role in DECIDING)
    assert (contact["email"] in listing) == (role in DECIDING)

    page.post(f"/recruit/openings/{opening.pk}/", {"q": "astrid.lindqvist@example"})
    found = page.get(f"/recruit/openings/{opening.pk}/").context["applicants"].page.object_list
    assert [a.public_id for a in found] == ([interviewing.public_id] if role in DECIDING else [])
