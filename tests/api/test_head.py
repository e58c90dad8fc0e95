"""HEAD answers as GET does on every read the document lists (RFC 9110 §9.3.2), where
ninja answered 405: the same status and headers; the server leaves the body out."""

import pytest

from ats.models import ApiScope, WebhookSubscription
from tests.factories import ApplicationFactory, OpeningFactory
from tests.helpers import ApiClient

pytestmark = pytest.mark.django_db

COMPARED = ("Content-Type", "Content-Length", "ETag", "Cache-Control", "Location")


@pytest.fixture
def api(make_key):
    opening = OpeningFactory()
    key, secret = make_key(*ApiScope.values, permissions=["download_cv"], on_team=opening)
    application = ApplicationFactory(opening=opening)
    subscription = WebhookSubscription.objects.create(
        name="HR", url="https://hr.example.se/ats", events=["opening.decided"], user=key.user
    )
    found = {
        "opening_id": opening.pk,
        "public_id": application.public_id,
        "subscription_id": subscription.pk,
    }
    return ApiClient(secret), found


def reads(client) -> list[str]:
    document = client.get("/api/v1/openapi.json").json()
    return [path for path, operations in document["paths"].items() if "get" in operations]


def test_head_answers_as_get_on_every_read(api, client, cv_files):
    api, found = api
    paths = [path.format(**found) for path in reads(client)]

    answers = {path: (api.get(path), api.head(path)) for path in paths}

    assert len(paths) == 12
    assert [path for path, (get, _) in answers.items() if not get.has_header("ETag")] == [
        f"/api/v1/applications/{found['public_id']}/cv"  # a file has none
    ]
    assert {path: get.status_code for path, (get, _) in answers.items()} == dict.fromkeys(
        paths, 200
    )
    assert {
        path: [head.status_code, *(head.get(name) for name in COMPARED)]
        for path, (_, head) in answers.items()
    } == {
        path: [get.status_code, *(get.get(name) for name in COMPARED)]
        for path, (get, _) in answers.items()
    }


def test_head_with_the_etag_answers_304_and_a_missing_one_a_404(api):
    api, found = api
    path = f"/api/v1/applications/{found['public_id']}"

    tag = api.get(path)["ETag"]

    assert api.head(path, headers={"If-None-Match": tag}).status_code == 304
    assert api.head("/api/v1/applications/00000000-0000-0000-0000-000000000000").status_code == 404


def test_head_is_refused_where_get_is(api):
    api, _ = api

    refused = api.head("/api/v1/applications/00000000-0000-0000-0000-000000000000/notes")

    assert refused.status_code == 405 and refused["Allow"] == "POST"
