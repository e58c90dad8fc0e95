"""The reports through the API: `reports:read`, the key's user's openings only, and no
number below the threshold."""

from datetime import UTC, datetime, timedelta

import pytest

from ats.models import ApiScope
from tests.factories import OpeningFactory
from tests.helpers import ApiClient, received

pytestmark = pytest.mark.django_db

APPLIED = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def test_a_key_reads_the_reports_of_its_users_openings(make_key, notice, english):
    opening = OpeningFactory(created_at=APPLIED - timedelta(days=14))
    other = OpeningFactory(created_at=APPLIED - timedelta(days=14))
    for _ in range(6):
        received(opening, at=APPLIED, source="linkedin")
    received(opening, at=APPLIED, source="indeed")
    for _ in range(5):
        received(opening, at=APPLIED, source="jobs")
    for _ in range(9):
        received(other, at=APPLIED, source="platsbanken")
    _, secret = make_key(ApiScope.REPORTS_READ, on_team=opening)
    _, without = make_key(ApiScope.APPLICATIONS_READ, on_team=opening)

    answer = ApiClient(secret).get("/api/v1/reports", {"start": "2025-01", "end": "2025-06"})
    refused = ApiClient(without).get("/api/v1/reports")

    assert answer.status_code == 200 and refused.status_code == 403
    body = answer.json()
    assert (body["start"], body["end"], body["threshold"]) == ("2025-01", "2025-06", 5)
    sources = next(report for report in body["reports"] if report["slug"] == "sources")
    assert [(row["label"], row["cells"][0]) for row in sources["rows"]] == [
        ("linkedin", {"count": 6, "shown": "6"}),
        # The smallest beside the one, hidden too: else 12 applied less 6 less 5 gives it.
        ("jobs", {"count": None, "shown": "\N{EN DASH}"}),
        ("indeed", {"count": None, "shown": "fewer than 5"}),  # one: not sent as a number
    ]
    assert "platsbanken" not in answer.content.decode()  # not the key's user's opening
