"""Applications through the API: what each key's user may see, a page at a time, and
every read of a person's data in the access log with the key's name."""

import re
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from ats.models import AccessEvent, ApiScope
from tests.factories import ApplicationFactory, OpeningFactory
from tests.helpers import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening():
    return OpeningFactory(title="Undersköterska")


@pytest.fixture
def recruiter_key(make_key, opening):
    key, secret = make_key(ApiScope.APPLICATIONS_READ, name="HR-systemet", on_team=opening)
    return key, ApiClient(secret)


def test_an_openings_applicants_come_newest_first_a_page_at_a_time(
    recruiter_key, opening, settings, django_assert_max_num_queries
):
    settings.ATS_API_REQUESTS_PER_MINUTE = None  # the rate count is not counted here
    key, api = recruiter_key
    now = timezone.now()
    applications = [
        ApplicationFactory(opening=opening, submitted_at=now - timedelta(hours=n)) for n in range(5)
    ]
    ApplicationFactory()  # another opening's

    seen, cursor = [], None
    for _ in range(3):
        with django_assert_max_num_queries(8):
            page = api.get(
                f"/api/v1/openings/{opening.pk}/applications",
                {"limit": 2, **({"cursor": cursor} if cursor else {})},
            ).json()
        seen += [item["public_id"] for item in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [str(a.public_id) for a in applications] and cursor is None
    logged = AccessEvent.objects.filter(api_key="HR-systemet", action="view", user=key.user)
    assert sorted(map(str, logged.values_list("public_id", flat=True))) == sorted(seen)


def test_the_applicants_filter_by_stage_and_date(recruiter_key, opening):
    _, api = recruiter_key
    now = timezone.now()
    old = ApplicationFactory(opening=opening, submitted_at=now - timedelta(days=10))
    new = ApplicationFactory(opening=opening, stage="interview", submitted_at=now)
    url = f"/api/v1/openings/{opening.pk}/applications"

    def ids(**query):
        return [item["public_id"] for item in api.get(url, query).json()["items"]]

    assert ids(stage="interview") == [str(new.public_id)]
    assert ids(submitted_before=(now - timedelta(days=1)).isoformat()) == [str(old.public_id)]
    assert ids(submitted_after=(now - timedelta(days=1)).isoformat()) == [str(new.public_id)]
    assert api.get(url, {"cursor": "not-ours"}).status_code == 404


def test_a_restricted_application_says_only_that_it_exists(recruiter_key, opening):
    _, api = recruiter_key
    restricted = ApplicationFactory(opening=opening, restricted_at=timezone.now())

    item = api.get(f"/api/v1/applications/{restricted.public_id}").json()

    assert item["restricted"] is True
    assert [item[f] for f in ("name", "email", "phone", "cover_letter", "cv_filename")] == [
        None
    ] * 5
    assert restricted.email not in str(item) and restricted.name not in str(item)
    assert not AccessEvent.objects.exists()  # nothing of the person was read


def test_one_application_is_read_and_logged(recruiter_key, opening):
    key, api = recruiter_key
    application = ApplicationFactory(opening=opening, email="astrid@example.se")

    item = api.get(f"/api/v1/applications/{application.public_id}").json()

    assert (item["email"], item["opening_id"], item["restricted"]) == (
        "astrid@example.se",
        opening.pk,
        False,
    )
    event = AccessEvent.objects.get()
    assert (event.public_id, event.user, event.api_key) == (
        application.public_id,
        key.user,
        "HR-systemet",
    )


def test_what_the_keys_user_may_not_see_answers_404(make_key, opening):
    _, secret = make_key(ApiScope.APPLICATIONS_READ)  # on no hiring team
    api = ApiClient(secret)
    application = ApplicationFactory(opening=opening)
    spontaneous = ApplicationFactory(consented=True)

    assert api.get(f"/api/v1/openings/{opening.pk}/applications").status_code == 404
    assert api.get(f"/api/v1/applications/{application.public_id}").status_code == 404
    assert api.get(f"/api/v1/applications/{spontaneous.public_id}").status_code == 404
    assert not AccessEvent.objects.exists()


def test_an_interviewer_key_sees_only_the_applicants_in_interview_stages(make_key, opening):
    _, secret = make_key(ApiScope.APPLICATIONS_READ, on_team=opening, role="interviewer")
    ApplicationFactory(opening=opening, stage="new")
    interviewed = ApplicationFactory(opening=opening, stage="interview")

    page = ApiClient(secret).get(f"/api/v1/openings/{opening.pk}/applications").json()

    assert [item["public_id"] for item in page["items"]] == [str(interviewed.public_id)]


def test_an_application_past_its_date_is_gone_from_the_api(recruiter_key, opening):
    _, api = recruiter_key
    due = ApplicationFactory(
        opening=opening, decided=True, delete_after=timezone.now() - timedelta(minutes=1)
    )
    assert api.get(f"/api/v1/applications/{due.public_id}").status_code == 404
    assert api.get(f"/api/v1/openings/{opening.pk}/applications").json()["items"] == []


def test_the_retention_state_says_when_why_and_whether_held(recruiter_key, opening):
    _, api = recruiter_key
    later = timezone.now() + timedelta(days=700)
    dated = ApplicationFactory(opening=opening, decided=True, delete_after=later)
    held = ApplicationFactory(
        opening=opening,
        decided=True,
        delete_after=later,
        hold_reason="Tvist",
        hold_until=later + timedelta(days=30),
    )
    waiting = ApplicationFactory(opening=opening)

    def state(application):
        return api.get(f"/api/v1/applications/{application.public_id}/retention").json()

    assert state(dated)["reason"] == "retention_expired" and state(dated)["held"] is False
    assert state(held)["held"] is True and state(held)["hold_until"] is not None
    assert (state(waiting)["delete_after"], state(waiting)["reason"]) == (None, None)
    assert "Tvist" not in str(state(held))


def test_a_key_without_the_scope_reads_no_application(make_key, opening):
    _, secret = make_key(ApiScope.OPENINGS_READ, on_team=opening)
    application = ApplicationFactory(opening=opening)

    response = ApiClient(secret).get(f"/api/v1/applications/{application.public_id}")

    assert response.status_code == 403
    assert not AccessEvent.objects.exists()


@pytest.fixture
def cv_key(make_key, opening):
    key, secret = make_key(
        ApiScope.APPLICATIONS_READ,
        ApiScope.CV_READ,
        permissions=["download_cv"],
        name="Löner",
        on_team=opening,
    )
    return key, ApiClient(secret)


def test_a_cv_on_s3_is_a_redirect_to_a_link_valid_a_minute(cv_key, opening, s3_cv_files):
    key, api = cv_key
    application = ApplicationFactory(opening=opening)

    response = api.get(f"/api/v1/applications/{application.public_id}/cv")

    assert response.status_code == 302
    link = response["Location"]
    assert re.search(r"X-Amz-Expires=(\d+)", link).group(1) == "60"
    with urllib.request.urlopen(link) as download:  # the local S3 server, over HTTP
        assert download.read() == s3_cv_files.read(application.cv.name)
    event = AccessEvent.objects.get()
    assert (event.action, event.api_key, event.user) == ("download_cv", "Löner", key.user)


def test_a_cv_in_a_folder_is_streamed(cv_key, opening, cv_files):
    _, api = cv_key
    application = ApplicationFactory(opening=opening)

    response = api.get(f"/api/v1/applications/{application.public_id}/cv")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == cv_files.read(application.cv.name)
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("scopes", "permissions"),
    [
        ((ApiScope.APPLICATIONS_READ,), ["download_cv"]),  # no cv:read
        ((ApiScope.CV_READ,), []),  # a user who may not download CVs on the pages either
    ],
)
def test_a_cv_needs_the_scope_and_the_users_permission(make_key, opening, scopes, permissions):
    _, secret = make_key(*scopes, permissions=permissions, on_team=opening)
    application = ApplicationFactory(opening=opening)

    response = ApiClient(secret).get(f"/api/v1/applications/{application.public_id}/cv")

    assert response.status_code in (403, 404)
    assert not AccessEvent.objects.exists()


def test_the_cv_of_a_restricted_application_is_not_sent(cv_key, opening):
    _, api = cv_key
    restricted = ApplicationFactory(opening=opening, restricted_at=timezone.now())
    assert api.get(f"/api/v1/applications/{restricted.public_id}/cv").status_code == 404
    assert not AccessEvent.objects.exists()
