"""Writes through the API: the recruiter pages' rules and services, idempotency keys on
creating writes, ETags on reads, a rate limit per key."""

import hashlib
import json
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from ats.models import (
    AccessEvent,
    ApiScope,
    CandidateEmail,
    IdempotentRequest,
    Note,
    Opening,
    StageChange,
    WebhookSubscription,
)
from ats.services.purge import purge_due
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, grant
from tests.helpers import ApiClient, twice_at_once

pytestmark = pytest.mark.django_db

AD = {
    "title": "Undersköterska",
    "description": "Vi söker dig som vill arbeta på **Solgläntan**.",
    "location": "Umeå",
    "salary_min": 27000,
    "salary_max": 31000,
    "salary_period": "month",
    "application_deadline": (date.today() + timedelta(days=30)).isoformat(),
}


def post(api: ApiClient, path: str, body, **headers):
    return api.post(path, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def writer(make_key):
    """A key that writes ads, for a user who may create, edit and publish them."""
    key, secret = make_key(
        ApiScope.OPENINGS_READ,
        ApiScope.OPENINGS_WRITE,
        permissions=["add_opening", "change_opening", "publish_opening"],
        name="Annonsverktyget",
    )
    return key, ApiClient(secret)


def test_an_ad_is_written_published_and_closed_through_the_api(writer):
    key, api = writer
    created = post(api, "/api/v1/openings/", AD)
    assert created.status_code == 201, created.content
    opening = Opening.objects.get(pk=created.json()["id"])
    assert (opening.status, opening.title, opening.salary_max) == ("draft", AD["title"], 31000)
    assert opening.hiring_team.filter(pk=key.user.pk).exists()  # as on the pages

    changed = api.patch(
        f"/api/v1/openings/{opening.pk}", {"location": "Skellefteå"}, "application/json"
    )
    assert changed.json()["location"] == "Skellefteå" and changed.json()["title"] == AD["title"]

    published = post(api, f"/api/v1/openings/{opening.pk}/publish", {})
    assert published.json()["status"] == "published"
    closed = post(api, f"/api/v1/openings/{opening.pk}/close", {})
    assert closed.json()["status"] == "closed"
    again = post(api, f"/api/v1/openings/{opening.pk}/close", {})
    assert again.status_code == 409
    assert again.json()["detail"] == "This opening is already closed."


def test_the_recruiter_forms_rules_refuse_a_bad_ad_and_nothing_is_stored(writer):
    _, api = writer
    refused = post(api, "/api/v1/openings/", {**AD, "salary_min": 40000, "salary_max": 30000})
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["errors"] == [
        {
            "location": ["body", "salary_max"],
            "message": "The pay range must end above where it starts.",
        }
    ]
    as_number = post(api, "/api/v1/openings/", {**AD, "application_deadline": 0})
    assert as_number.status_code == 422  # a date is a date, not a count of seconds
    not_an_object = post(api, "/api/v1/openings/", "AAA")
    assert not_an_object.status_code == 400
    assert not Opening.objects.exists()


def test_an_ads_numbers_are_whole_numbers_however_json_writes_them(writer):
    _, api = writer

    made = post(api, "/api/v1/openings", {**AD, "positions": 2.0, "salary_min": 27000.0})
    refused = [
        post(api, "/api/v1/openings", {**AD, field: value})
        for field, value in (("positions", 1.5), ("positions", True), ("salary_min", "27000"))
    ]

    assert made.status_code == 201, made.content  # 2.0 is an integer to JSON schema
    assert (made.json()["positions"], made.json()["salary_min"]) == (2, 27000)
    assert [answer.status_code for answer in refused] == [422, 422, 422]


def test_publishing_needs_what_the_pages_need(writer, make_key):
    _, api = writer
    opening = post(api, "/api/v1/openings/", {**AD, "application_deadline": None}).json()
    refused = post(api, f"/api/v1/openings/{opening['id']}/publish", {})
    assert refused.status_code == 409 and "a last day to apply" in refused.json()["detail"]

    _, secret = make_key(
        ApiScope.OPENINGS_WRITE,
        permissions=["change_opening"],
        on_team=Opening.objects.get(pk=opening["id"]),
    )
    no_permission = post(ApiClient(secret), f"/api/v1/openings/{opening['id']}/publish", {})
    assert no_permission.status_code == 403
    assert no_permission.json()["detail"] == (
        "The key's user lacks the permission ats.publish_opening."
    )
    assert Opening.objects.get(pk=opening["id"]).status == "draft"


def test_a_repeated_create_with_the_same_idempotency_key_makes_one_opening(writer):
    _, api = writer
    first = post(api, "/api/v1/openings/", AD, **{"Idempotency-Key": "ad-2026-17"})
    second = post(api, "/api/v1/openings/", AD, **{"Idempotency-Key": "ad-2026-17"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Opening.objects.count() == 1

    other = post(
        api, "/api/v1/openings/", {**AD, "title": "Kock"}, **{"Idempotency-Key": "ad-2026-17"}
    )
    assert other.status_code == 422  # the same key for another request: the client's error
    assert Opening.objects.count() == 1
    post(api, "/api/v1/openings/", AD, **{"Idempotency-Key": "ad-2026-18"})
    assert Opening.objects.count() == 2


def test_a_webhook_secret_is_kept_with_its_subscription_not_with_the_idempotency_key(
    make_key, client, settings
):
    """ASVS 13.3.1: the repeat still gets the secret; whoever reads the stored answers
    (the admin's view_idempotentrequest) does not."""
    settings.ATS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    _, secret = make_key(ApiScope.WEBHOOKS_MANAGE)
    hook = {"name": "HR", "url": "https://127.0.0.1/", "events": ["opening.decided"]}
    first = post(ApiClient(secret), "/api/v1/webhooks", hook, **{"Idempotency-Key": "hr-1"})
    again = post(ApiClient(secret), "/api/v1/webhooks", hook, **{"Idempotency-Key": "hr-1"})

    signing = first.json()["secret"]
    assert signing.startswith("whsec_") and again.json() == first.json()
    assert WebhookSubscription.objects.count() == 1
    stored = IdempotentRequest.objects.get()
    assert signing not in json.dumps(stored.answer)
    client.force_login(grant(UserFactory(), "view_idempotentrequest"))
    for page in (
        "/admin/ats/idempotentrequest/",
        f"/admin/ats/idempotentrequest/{stored.pk}/change/",
    ):
        shown = client.get(page)
        assert shown.status_code == 200 and signing not in shown.content.decode()


def test_an_idempotency_key_goes_when_its_time_ends_though_its_api_key_writes_no_more(writer):
    """Its client chose the key, which may say whom the write was about; and its
    fingerprint is keyed, so that no guess of what was written can be checked on it."""
    _, api = writer
    post(api, "/api/v1/openings/", AD, **{"Idempotency-Key": "ad-astrid.lindqvist@example.se"})
    [stored] = IdempotentRequest.objects.all()
    plain = hashlib.sha256(b"POST /api/v1/openings/\n" + json.dumps(AD).encode()).hexdigest()
    assert stored.fingerprint != plain and len(stored.fingerprint) == 64

    purge_due()
    assert IdempotentRequest.objects.exists()  # a repeat may still come
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):  # the default
        purge_due()

    assert not IdempotentRequest.objects.exists()


def test_a_failed_write_leaves_its_idempotency_key_unused(writer):
    _, api = writer
    bad = {**AD, "salary_min": 40000, "salary_max": 30000}
    assert post(api, "/api/v1/openings/", bad, **{"Idempotency-Key": "k"}).status_code == 422
    assert not IdempotentRequest.objects.exists()
    assert post(api, "/api/v1/openings/", AD, **{"Idempotency-Key": "k"}).status_code == 201


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_with_one_idempotency_key_make_one_opening(writer):
    """The second waits on the key's unique index until the first commits, then
    answers what the first answered."""
    _, api = writer
    answers = []

    def send():
        answers.append(post(api, "/api/v1/openings/", AD, **{"Idempotency-Key": "same"}))

    twice_at_once(send)
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Opening.objects.count() == 1


@pytest.fixture
def recruiter(make_key):
    opening = OpeningFactory(status="closed")
    key, secret = make_key(
        ApiScope.APPLICATIONS_READ,
        ApiScope.APPLICATIONS_WRITE,
        ApiScope.DECISIONS_WRITE,
        name="HR-systemet",
        on_team=opening,
    )
    return key, ApiClient(secret), opening


def test_a_stage_change_and_a_note_are_recorded_as_on_the_pages(recruiter):
    key, api, opening = recruiter
    application = ApplicationFactory(opening=opening)
    path = f"/api/v1/applications/{application.public_id}"

    moved = api.put(f"{path}/stage", {"stage": "interview"}, "application/json")
    assert moved.json() == {
        "public_id": str(application.public_id),
        "stage": "interview",
        "pipeline_stage_id": None,  # the first interview stage of its pipeline
    }
    change = StageChange.objects.get(application=application)
    assert (change.from_stage, change.to_stage, change.changed_by) == ("new", "interview", key.user)

    noted = post(api, f"{path}/notes", {"text": "Ring referenserna."}, **{"Idempotency-Key": "n1"})
    post(api, f"{path}/notes", {"text": "Ring referenserna."}, **{"Idempotency-Key": "n1"})
    assert noted.status_code == 201 and "text" not in noted.json()  # no personal data echoed
    assert list(Note.objects.values_list("text", "author")) == [("Ring referenserna.", key.user.pk)]
    assert post(api, f"{path}/notes", {"text": "   "}).status_code == 422
    actions = set(AccessEvent.objects.filter(user=key.user).values_list("action", flat=True))
    assert {"stage_change", "note"} <= actions


def test_an_interviewer_may_read_but_not_move_and_nobody_writes_a_restricted_one(make_key):
    opening = OpeningFactory()
    _, secret = make_key(
        ApiScope.APPLICATIONS_READ, ApiScope.APPLICATIONS_WRITE, on_team=opening, role="interviewer"
    )
    api = ApiClient(secret)
    interviewing = ApplicationFactory(opening=opening, stage="interview")
    path = f"/api/v1/applications/{interviewing.public_id}"
    assert api.get(path).status_code == 200
    assert api.put(f"{path}/stage", {"stage": "offer"}, "application/json").status_code == 404
    restricted = ApplicationFactory(
        opening=opening, stage="interview", restricted_at=timezone.now()
    )
    note = post(api, f"/api/v1/applications/{restricted.public_id}/notes", {"text": "Hej"})
    assert note.status_code == 404
    assert not Note.objects.exists() and not StageChange.objects.exists()


def test_the_hiring_decision_through_the_api_dates_every_deletion(recruiter, settings):
    _key, api, opening = recruiter
    hired, other = ApplicationFactory(opening=opening), ApplicationFactory(opening=opening)
    path = f"/api/v1/openings/{opening.pk}/decision"
    decided = post(api, path, {"hired": [str(hired.public_id)]}, **{"Idempotency-Key": "d"})
    assert decided.status_code == 201, decided.content
    assert decided.json()["applications"] == 2 and decided.json()["hired"] == 1
    assert post(
        api, path, {"hired": [str(hired.public_id)]}, **{"Idempotency-Key": "d"}
    ).json() == (decided.json())
    hired.refresh_from_db(), other.refresh_from_db()
    assert (hired.stage, other.stage) == ("hired", "rejected")
    assert hired.delete_after == other.delete_after is not None
    twice = post(api, path, {"hired": []})
    assert twice.status_code == 409
    assert twice.json()["detail"] == "The hiring decision for this opening is already recorded."


def test_a_backdated_decision_needs_confirming_and_the_permission(recruiter):
    _, api, opening = recruiter
    ApplicationFactory(opening=opening, submitted_at=timezone.now() - timedelta(days=60))
    Opening.objects.filter(pk=opening.pk).update(created_at=timezone.now() - timedelta(days=90))
    long_ago = (timezone.localdate() - timedelta(days=20)).isoformat()
    refused = post(api, f"/api/v1/openings/{opening.pk}/decision", {"decided_on": long_ago})
    assert refused.status_code == 409 and "permission to backdate" in refused.json()["detail"]
    opening.refresh_from_db()
    assert opening.decided_at is None


def test_reads_carry_an_etag_and_answer_304_when_unchanged(recruiter):
    _, api, opening = recruiter
    application = ApplicationFactory(opening=opening)
    path = f"/api/v1/applications/{application.public_id}"
    first = api.get(path)
    assert first["ETag"]
    assert api.get(path, headers={"If-None-Match": first["ETag"]}).status_code == 304
    api.put(f"{path}/stage", {"stage": "reviewing"}, "application/json")
    changed = api.get(path, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed.json()["stage"] == "reviewing"


def test_each_key_has_its_own_rate_limit(writer, make_key, settings):
    settings.ATS_API_REQUESTS_PER_MINUTE = 3
    _, api = writer
    _, other = make_key(ApiScope.OPENINGS_READ)
    mid_minute = timezone.now().replace(second=30)  # counts are per clock minute
    with time_machine.travel(mid_minute, tick=False):
        assert [api.get("/api/v1/openings").status_code for _ in range(4)] == [200, 200, 200, 429]
        limited = api.get("/api/v1/openings")
        assert limited.json()["title"] == "Too Many Requests"
        assert ApiClient(other).get("/api/v1/openings").status_code == 200


# ASVS 2.2.1: one-line fields refuse control characters here as on the pages.
ONE_LINE_BREAKERS = [
    "Lager\r\nBcc: spam@example.se",
    "Lager\tchef",
    "Lager\x00chef",
    "Lager\u2028chef",
]
REFUSAL = re.compile("one line|Null characters are not allowed")  # NUL: Django's words


@pytest.mark.parametrize("value", ONE_LINE_BREAKERS)
def test_a_title_and_a_webhook_name_through_the_api_are_one_line(make_key, settings, value):
    settings.ATS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    _, secret = make_key(
        ApiScope.OPENINGS_WRITE, ApiScope.WEBHOOKS_MANAGE, permissions=["add_opening"]
    )
    api = ApiClient(secret)

    opening = api.post("/api/v1/openings/", {"title": value}, content_type="application/json")
    hook = api.post(
        "/api/v1/webhooks",
        {"name": value, "url": "https://127.0.0.1/", "events": ["opening.decided"]},
        content_type="application/json",
    )

    assert (opening.status_code, hook.status_code) == (422, 422)
    assert REFUSAL.search(opening.content.decode()) and REFUSAL.search(hook.content.decode())
    assert not Opening.objects.exists() and not WebhookSubscription.objects.exists()


def test_an_opening_the_caller_cannot_read_cannot_be_changed_either(make_key, client):
    """ASVS 8.2.2: ats.change_opening edits the ads its user sees, and what it does not
    see answers 404 to every method, as if it did not exist."""
    key, secret = make_key(ApiScope.OPENINGS_READ, ApiScope.OPENINGS_WRITE,
                           permissions=["change_opening"])  # fmt: skip
    elsewhere = OpeningFactory(title="Lagerchef")
    api = ApiClient(secret)

    read = api.get(f"/api/v1/openings/{elsewhere.pk}")
    changed = api.patch(
        f"/api/v1/openings/{elsewhere.pk}", {"title": "Ändrad"}, content_type="application/json"
    )
    client.force_login(key.user)
    page = client.get(f"/recruit/openings/{elsewhere.pk}/edit/")

    assert (read.status_code, changed.status_code, page.status_code) == (404, 404, 404)
    elsewhere.refresh_from_db()
    assert elsewhere.title == "Lagerchef"


def test_a_rejection_through_the_api_needs_a_reason_and_queues_the_email(recruiter):
    _, api, opening = recruiter
    application = ApplicationFactory(opening=opening)
    path = f"/api/v1/applications/{application.public_id}/stage"

    refused = api.put(path, {"stage": "rejected"}, "application/json")
    assert refused.status_code == 422
    assert [e["message"] for e in refused.json()["errors"]] == [
        "A move to “Rejected” needs a reason."
    ]
    application.refresh_from_db()
    assert application.stage == "new" and not CandidateEmail.objects.exists()

    moved = api.put(path, {"stage": "rejected", "reason": "Fel profil"}, "application/json")
    assert moved.json()["stage"] == "rejected"
    application.refresh_from_db()
    assert application.rejection_reason == "Fel profil"
    assert CandidateEmail.objects.get(application=application).template == "rejected"
