"""What a client can send that the API must refuse with a problem, never a 500: cursors
it never gave, and text with NUL or other control characters (issue 30, point 8, N12)."""

import base64

import pytest

from ats.models import ApiScope, HiringTeamMember
from tests.api.conftest import ApiClient
from tests.factories import ApplicationFactory, OpeningFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def opening():
    return OpeningFactory()


@pytest.fixture
def api(make_key, opening):
    key, secret = make_key(
        ApiScope.APPLICATIONS_READ, ApiScope.APPLICATIONS_WRITE, permissions=["ats.add_note"]
    )
    HiringTeamMember.objects.create(opening=opening, user=key.user, role="recruiter")
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
