"""/recruit/search/results.csv and .xlsx: the current search's matches to take away,
email and phone only where the user decides, each application in the access log."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from ats.models import AccessEvent
from tests.factories import ApplicationFactory, HiringTeamMemberFactory, OpeningFactory
from tests.helpers import (
    csv_rows,
    logged_as_exported,
    logged_in,
    named_in,
    on_team,
    queries_to_download,
    staff_client,
    team_client,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

HEADER = ["Name", "Opening", "Stage", "Applied", "Email", "Phone"]


@pytest.fixture
def opening():
    opening = OpeningFactory(title="Lagerchef")
    ApplicationFactory(
        opening=opening,
        name="Karin Truckförare",
        email="karin@example.se",
        phone="070-111 11 11",
        stage="interview",
        cv_text="Truckkort och lagervana i Karlstad.",
    )
    ApplicationFactory(
        opening=opening,
        name="Begränsad Truckförare",
        stage="interview",
        cv_text="Truckkort, Karlstad.",
        restricted_at=timezone.now(),
    )
    return opening


def searched(client: Client, term: str = "truckkort") -> Client:
    client.post("/recruit/search/", {"q": term})
    return client


def test_a_recruiter_takes_email_and_phone_of_their_openings_matches(opening):
    client = searched(team_client(opening, role="recruiter"))

    rows = csv_rows(client.get("/recruit/search/results.csv"))

    assert "Personal data about applicants" in rows[0][0]
    assert rows[1] == HEADER
    assert len(rows) == 3  # not the restricted
    karin = rows[2]
    assert karin[:3] == ["Karin Truckförare", "Lagerchef", "Interview"]
    assert karin[4:] == ["karin@example.se", "070-111 11 11"]


def test_email_and_phone_only_on_the_rows_of_openings_the_user_decides_on(opening):
    user = on_team(opening, role="interviewer")
    other = OpeningFactory(title="Truckförare")
    HiringTeamMemberFactory(opening=other, user=user, role="recruiter")
    ApplicationFactory(
        opening=other,
        name="Olle Truckförare",
        email="olle@example.se",
        phone="070-333 33 33",
        stage="new",
        cv_text="Truckkort A-D.",
    )
    client = searched(logged_in(user))

    sheet = xlsx_rows(client.get("/recruit/search/results.xlsx"))

    assert sheet[1] == HEADER
    by_name = {row[0]: row for row in sheet[2:]}
    assert set(by_name) == {"Karin Truckförare", "Olle Truckförare"}
    assert by_name["Olle Truckförare"][4:] == ["olle@example.se", "070-333 33 33"]
    assert by_name["Karin Truckförare"][4:] == [None, None]  # interviewer there
    assert "karin@example.se" not in str(sheet)


def test_an_interviewer_takes_no_email_or_phone(opening):
    client = searched(team_client(opening, role="interviewer"))

    rows = csv_rows(client.get("/recruit/search/results.csv"))

    assert [row[0] for row in rows[2:]] == ["Karin Truckförare"]
    assert rows[2][4:] == ["", ""]
    assert "karin@example.se" not in str(rows) and "070-111" not in str(rows)


def test_an_outsider_gets_a_file_of_no_rows_and_nothing_logged(opening):
    client = searched(staff_client("utomstående"))

    rows = csv_rows(client.get("/recruit/search/results.csv"))

    assert rows[1] == HEADER and len(rows) == 2
    assert not AccessEvent.objects.exists()


def test_no_search_in_the_session_gives_a_file_of_no_rows(opening):
    client = team_client(opening, role="recruiter")

    rows = csv_rows(client.get("/recruit/search/results.csv"))
    sheet = xlsx_rows(client.get("/recruit/search/results.xlsx"))

    assert len(rows) == 2 and len(sheet) == 2
    assert not AccessEvent.objects.exists()


def test_the_access_log_holds_one_entry_per_application_exported(opening):
    client = searched(team_client(opening, role="recruiter"))
    user = opening.team_members.get().user

    rows = csv_rows(client.get("/recruit/search/results.csv"))

    logged = logged_as_exported(user)
    assert logged == named_in(rows)
    assert len(logged) == 1


def test_the_file_is_an_attachment_never_stored_and_no_term_in_any_url(opening):
    client = team_client(opening, role="recruiter")

    page = client.post("/recruit/search/", {"q": "truckkort"}, follow=True)
    response = client.get("/recruit/search/results.xlsx")

    html = page.content.decode()
    assert 'href="/recruit/search/results.csv"' in html
    assert 'href="/recruit/search/results.xlsx"' in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and not [href for href in hrefs if "truckkort" in href.lower()]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "search-" in disposition
    assert "truckkort" not in disposition.lower() and "Truckförare" not in disposition
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_anonymous_are_sent_to_log_in(client):
    for kind in ("csv", "xlsx"):
        response = client.get(f"/recruit/search/results.{kind}")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_queries_stay_the_same_for_3_and_30_matches(opening, kind):
    client = searched(team_client(opening, role="recruiter"))
    ApplicationFactory.create_batch(2, opening=opening, cv_text="Truckkort.")
    url = f"/recruit/search/results.{kind}"

    few, _file = queries_to_download(client, url)
    ApplicationFactory.create_batch(27, opening=opening, cv_text="Truckkort.")
    many, _file = queries_to_download(client, url)

    assert few == many
    rows = csv_rows(client.get(url)) if kind == "csv" else xlsx_rows(client.get(url))
    assert len(rows) == 2 + 30  # note, header, every match but the restricted
