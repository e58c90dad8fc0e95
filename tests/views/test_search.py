"""/recruit/search/ and /recruit/people/<key>/ as a recruiter uses them: the term never
in a URL, a result leading to the application and to the person."""

from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from ats.models import AccessEvent
from ats.person_keys import person_key
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory
from tests.helpers import NURSE_CV, logged_in, on_team, team_client, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening():
    return OpeningFactory(title="Sjuksköterska, avdelning 12")


def test_a_link_with_q_moves_the_term_into_the_session_and_out_of_the_url(opening, nurse):
    client = team_client(opening)

    response = client.get("/recruit/search/?q=sjuksköterska+Karlstad", follow=True)

    assert [url for url, _ in response.redirect_chain] == ["/recruit/search/"]
    assert response.request["QUERY_STRING"] == ""
    assert "Karin Nyström" in text(response)
    assert "sjuksköterska" not in "".join(url for url, _ in response.redirect_chain)


def test_the_form_posts_the_term_and_the_page_shows_where_it_matched(opening, nurse):
    client = team_client(opening)

    response = client.post("/recruit/search/", {"q": "karlstad"}, follow=True)

    page = response.content.decode()
    assert response.redirect_chain == [("/recruit/search/", 302)]
    assert f'href="/recruit/applications/{nurse.public_id}/"' in page
    assert f'href="/recruit/people/{person_key(nurse.email)}/"' in page
    assert "<mark>Karlstad</mark>" in page
    assert "Sjuksköterska, avdelning 12" in text(response) and "Interview" in text(response)
    assert 'action="/recruit/search/"' in page and 'method="post"' in page


def test_clearing_the_search_shows_an_empty_form(opening, nurse):
    client = team_client(opening)
    client.post("/recruit/search/", {"q": "karlstad"})

    response = client.post("/recruit/search/", {"q": ""}, follow=True)

    assert "Karin Nyström" not in text(response)


def test_an_interviewer_finds_no_one_by_email_on_the_page(opening, nurse):
    client = team_client(opening, role="interviewer")

    response = client.post("/recruit/search/", {"q": nurse.email}, follow=True)

    assert "Karin Nyström" not in text(response)
    assert "No application you may see matches." in text(response)


def test_the_menu_leads_to_search(opening):
    page = team_client(opening).get("/recruit/").content.decode()

    assert 'href="/recruit/search/"' in page


def test_anonymous_users_are_sent_to_log_in_and_non_staff_find_nothing(nurse):
    for path in ("/recruit/search/", f"/recruit/people/{person_key(nurse.email)}/"):
        response = Client().get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
        not_staff = logged_in(UserFactory(is_staff=False))
        assert not_staff.get(path).status_code == 404


def test_the_profile_lists_the_persons_applications_the_user_sees(opening, nurse):
    other = ApplicationFactory(
        opening=OpeningFactory(title="Undersköterska"), email=nurse.email.upper()
    )
    client = team_client(opening)

    response = client.get(f"/recruit/people/{person_key(nurse.email)}/")

    assert response.status_code == 200
    assert f'href="/recruit/applications/{nurse.public_id}/"' in response.content.decode()
    rows = BeautifulSoup(response.content, "html.parser").select("tbody tr")
    cells = [cell.get_text(" ", strip=True) for cell in rows[0].find_all(["th", "td"])]
    assert len(rows) == 1 and cells[:2] == [opening.title, nurse.get_stage_display()]
    applied = nurse.submitted_at.astimezone(ZoneInfo("Europe/Stockholm"))
    assert cells[2].split()[::2] == [str(applied.day), str(applied.year)]  # "5 Dec 2026"
    assert cells[3:] == ["Not given", "2 years after the hiring decision"]  # consent, deletion
    assert str(other.public_id) not in response.content.decode()
    assert "Undersköterska" not in text(response)
    assert nurse.email not in response.content.decode()


def test_the_application_page_links_to_the_profile(opening, nurse):
    response = team_client(opening, role="interviewer").get(
        f"/recruit/applications/{nurse.public_id}/"
    )

    assert f'href="/recruit/people/{person_key(nurse.email)}/"' in response.content.decode()


def test_a_tampered_key_is_not_found(opening, nurse):
    key = person_key(nurse.email)

    middle = len(key) // 2
    changed = key[:middle] + ("A" if key[middle] != "A" else "B") + key[middle + 1 :]

    response = team_client(opening).get(f"/recruit/people/{changed}/")

    assert response.status_code == 404


def test_a_user_who_sees_none_of_the_persons_applications_gets_not_found(nurse):
    client = logged_in(on_team(OpeningFactory(), "elsewhere"))

    assert client.get(f"/recruit/people/{person_key(nurse.email)}/").status_code == 404


def test_every_hit_shown_is_in_the_access_log_and_no_other(opening, nurse):
    elsewhere = ApplicationFactory(cv_text=NURSE_CV)  # in an opening the user is not on
    client = team_client(opening)

    client.post("/recruit/search/", {"q": "karlstad"}, follow=True)

    assert logged_views() == [(nurse.public_id, "view")]
    assert elsewhere.public_id not in {public_id for public_id, _ in logged_views()}


def test_each_application_the_profile_shows_is_in_the_access_log(opening, nurse):
    again = ApplicationFactory(opening=opening, email=nurse.email, stage="new")
    hidden = ApplicationFactory(opening=OpeningFactory(), email=nurse.email)
    client = team_client(opening)

    client.get(f"/recruit/people/{person_key(nurse.email)}/")

    assert sorted(logged_views()) == sorted([(nurse.public_id, "view"), (again.public_id, "view")])
    assert hidden.public_id not in {public_id for public_id, _ in logged_views()}


def logged_views() -> list[tuple]:
    return list(AccessEvent.objects.values_list("public_id", "action"))
