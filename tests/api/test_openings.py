"""The API's keys and its openings: who gets in, what each key sees, how errors read."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from ats.models import ApiKey, ApiScope
from ats.services.api_keys import key_presented
from tests.factories import OpeningFactory, UserFactory, grant
from tests.helpers import ApiClient

pytestmark = pytest.mark.django_db


def test_a_key_is_stored_only_as_a_salted_hash_and_recognised_in_full(make_key):
    key, secret = make_key(ApiScope.OPENINGS_READ)
    stored = ApiKey.objects.get(pk=key.pk)
    prefix, body = secret.removeprefix("ats_").split("_", 1)

    assert stored.prefix == prefix and body not in str(stored.__dict__)
    assert stored.secret_sha256 == hashlib.sha256(f"{stored.salt}{body}".encode()).hexdigest()
    assert key_presented(secret) == stored
    assert key_presented(secret[:-1]) is None  # one character short
    assert key_presented(f"ats_{prefix}_{body}x") is None
    assert key_presented(f"ats_{'0' * 12}_{body}") is None  # another prefix
    assert key_presented(body) is None


def test_an_expired_key_or_one_of_a_deactivated_user_is_refused(make_key):
    key, secret = make_key(ApiScope.OPENINGS_READ)
    assert key_presented(secret, now=key.expires_at) is None
    key.user.is_active = False
    key.user.save()
    assert key_presented(secret) is None


def test_the_last_use_is_kept_to_the_minute(make_key):
    key, secret = make_key(ApiScope.OPENINGS_READ)
    now = timezone.now()
    key_presented(secret, now=now)
    key_presented(secret, now=now + timedelta(seconds=30))  # no write for this one
    assert ApiKey.objects.get(pk=key.pk).last_used_at == now
    key_presented(secret, now=now + timedelta(minutes=2))
    assert ApiKey.objects.get(pk=key.pk).last_used_at == now + timedelta(minutes=2)


@pytest.mark.parametrize("authorization", [None, "Bearer ats_000000000000_nothing", "Basic eDp5"])
def test_without_a_valid_key_the_answer_is_a_401_problem(client, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.get("/api/v1/openings/", **headers)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["status"] == 401 and response.json()["title"] == "Unauthorized"


def test_a_key_without_the_scope_gets_a_403_problem(make_key):
    _, secret = make_key(ApiScope.APPLICATIONS_READ, permissions=["view_all_applications"])
    OpeningFactory()
    response = ApiClient(secret).get("/api/v1/openings/")

    assert response.status_code == 403
    assert response.json()["detail"] == "This key lacks the scope openings:read."


def test_a_key_sees_the_openings_its_user_sees_and_no_other(
    make_key, settings, django_assert_num_queries
):
    settings.ATS_API_REQUESTS_PER_MINUTE = None  # the rate count is not counted here
    mine, theirs = OpeningFactory(title="Sjuksköterska"), OpeningFactory(title="Ekonom")
    _, secret = make_key(ApiScope.OPENINGS_READ, on_team=mine)
    api = ApiClient(secret)

    # The key, its last use, the user's permissions (two, as on the pages), the openings.
    with django_assert_num_queries(5):
        listed = api.get("/api/v1/openings/").json()

    assert [opening["title"] for opening in listed] == ["Sjuksköterska"]
    assert listed[0]["ad_url"] == mine.get_absolute_url()
    assert api.get(f"/api/v1/openings/{mine.pk}").json()["slug"] == mine.slug
    hidden = api.get(f"/api/v1/openings/{theirs.pk}")
    assert hidden.status_code == 404  # the same as an opening that does not exist
    assert hidden.json() == api.get("/api/v1/openings/999999").json()


def test_with_the_permission_a_key_sees_every_opening_filtered_by_status(make_key):
    OpeningFactory(status="draft"), OpeningFactory(status="published")
    _, secret = make_key(ApiScope.OPENINGS_READ, permissions=["view_all_applications"])
    api = ApiClient(secret)

    assert len(api.get("/api/v1/openings/").json()) == 2
    assert [o["status"] for o in api.get("/api/v1/openings/?status=draft").json()] == ["draft"]
    invalid = api.get("/api/v1/openings/?status=lost")
    assert invalid.status_code == 422 and invalid["Content-Type"] == "application/problem+json"
    assert invalid.json()["errors"][0]["location"] == ["query", "status"]


def test_the_openapi_document_and_the_docs_are_served_from_this_site(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/openings", "/api/v1/openings/{opening_id}"} <= set(document["paths"])
    [scheme] = document["components"]["securitySchemes"].values()
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")

    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui-bundle.js" in docs
    assert not re.search(r"https?://(cdn|unpkg)", docs)  # nothing from another site


def test_an_administrator_makes_a_key_that_is_shown_once(client):
    client.force_login(UserFactory(username="admin", is_superuser=True))
    integration = grant(UserFactory(), "view_all_applications")
    OpeningFactory()
    expires = (timezone.localtime() + timedelta(days=90)).replace(microsecond=0)

    response = client.post(
        "/admin/ats/apikey/add/",
        {
            "name": "Lönesystemet",
            "user": integration.pk,
            "scopes": [ApiScope.OPENINGS_READ, ApiScope.CV_READ],
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
        follow=True,
    )

    [message] = [str(m) for m in response.context["messages"] if "shown this once" in str(m)]
    secret = re.search(r"ats_\S+", message).group(0)
    key = ApiKey.objects.get()
    assert (key.name, key.user, key.scopes) == (
        "Lönesystemet",
        integration,
        ["cv:read", "openings:read"],
    )
    assert len(ApiClient(secret).get("/api/v1/openings/").json()) == 1
    change_page = client.get(f"/admin/ats/apikey/{key.pk}/change/").content.decode()
    assert secret.split("_", 2)[2] not in change_page  # never shown again


def test_an_administrator_cannot_make_a_key_that_has_expired(client):
    client.force_login(UserFactory(username="admin", is_superuser=True))
    yesterday = timezone.localtime() - timedelta(days=1)
    response = client.post(
        "/admin/ats/apikey/add/",
        {
            "name": "Gammal",
            "user": UserFactory().pk,
            "scopes": [ApiScope.OPENINGS_READ],
            "expires_at_0": yesterday.strftime("%Y-%m-%d"),
            "expires_at_1": "12:00:00",
        },
    )
    assert "A key must expire in the future." in response.content.decode()
    assert not ApiKey.objects.exists()
