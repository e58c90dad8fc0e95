"""No API answer is kept by a cache on the way, a browser's or a proxy's (ASVS 14.3.2):
each carries the recruiter pages' Cache-Control, and ETags still answer 304 (issue 30,
point 8, N14)."""

import json

import pytest
from ninja import Router

from ats.api.reads import conditional_get
from ats.models import ApiScope
from tests.factories import ApplicationFactory
from tests.helpers import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(make_key, opening):
    _, secret = make_key(
        ApiScope.APPLICATIONS_READ,
        ApiScope.APPLICATIONS_WRITE,
        ApiScope.CV_READ,
        ApiScope.OPENINGS_READ,
        permissions=["download_cv"],
        on_team=opening,
    )
    return ApiClient(secret)


def never_stored(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "no-cache", "must-revalidate", "private"} <= directives


def test_every_answer_about_an_applicant_is_never_stored(api, opening, cv_files):
    application = ApplicationFactory(opening=opening)
    path = f"/api/v1/applications/{application.public_id}"

    answers = {
        "application": api.get(path),
        "applicants": api.get(f"/api/v1/openings/{opening.pk}/applications"),
        "cv": api.get(f"{path}/cv"),
        "retention": api.get(f"{path}/retention"),
        "note": api.post(f"{path}/notes", json.dumps({"text": "Hej"}), "application/json"),
        "opening": api.get(f"/api/v1/openings/{opening.pk}"),
        "deletions": api.get("/api/v1/deletions"),
        "not found": api.get("/api/v1/applications/00000000-0000-0000-0000-000000000000"),
        "invalid": api.post(f"{path}/notes", json.dumps({"text": ""}), "application/json"),
        "no key": ApiClient("ats_x_y").get(path),
    }

    assert {name: answer.status_code for name, answer in answers.items()} == {
        "application": 200,
        "applicants": 200,
        "cv": 200,
        "retention": 200,
        "note": 201,
        "opening": 200,
        "deletions": 200,
        "not found": 404,
        "invalid": 422,
        "no key": 401,
    }
    assert [name for name, answer in answers.items() if not never_stored(answer)] == []


def test_an_etag_still_answers_304_and_never_stored_too(api, opening):
    application = ApplicationFactory(opening=opening)
    path = f"/api/v1/applications/{application.public_id}"

    first = api.get(path)
    again = api.get(path, headers={"If-None-Match": first["ETag"]})

    assert first["ETag"] and again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert never_stored(first) and never_stored(again)


@pytest.mark.parametrize("path", ["/api/v1/openings", "/api/v1/openings/"])
def test_the_openings_answer_304_under_the_path_they_had_before_too(api, path):
    first = api.get(path)
    again = api.get(path, headers={"If-None-Match": first["ETag"]})

    assert first.status_code == 200 and first.json()
    assert again.status_code == 304 and never_stored(again)


def test_a_read_registered_first_under_another_path_is_refused_not_left_unconditional():
    router = Router()

    def read(request):
        return {}

    with pytest.raises(TypeError, match="above conditional_get"):
        conditional_get(router, "/now")(router.get("/before")(read))
