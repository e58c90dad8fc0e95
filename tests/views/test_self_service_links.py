"""The emailed link is exchanged for a short session at each use (ASVS 7.2, 8.3.1): a
bearer credential in a URL, kept out of history and logs. It works for as long as its
email is for; one that no longer works says so and sends a fresh one."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from ats.app_settings import app_settings
from ats.emails import decision_link_end, self_service_url, without_own_links
from ats.models import Application, LinkRequest
from ats.services.purge import purge_due
from ats.services.self_service import CANDIDATE_SESSION_MAX_IDLE
from tests.factories import ApplicationFactory, sent_emails
from tests.helpers import link_in, open_link, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def emailed_link(apply):
    apply()
    return link_in(mail.outbox[0])


def test_the_link_is_exchanged_for_a_session_and_a_url_without_it(client, emailed_link):
    page = open_link(client, emailed_link)

    assert client.get(page).status_code == 200
    assert client.post(page + "restrict/").status_code == 302  # the session does it all
    assert Client().get(page).status_code == 403  # the public id alone opens nothing


def test_a_session_id_planted_before_the_link_is_opened_opens_nothing(emailed_link):
    """Session fixation (ASVS 7.2.4): the planter's copy of the session id is worth
    nothing once the link is opened, and the candidate keeps what their session held."""
    planter = Client()
    planter.get("/my-data/")  # any page that starts a session, or a cookie set by hand
    session = planter.session
    session["kept"] = "what the session held"
    session.save()
    victim = Client()
    victim.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

    page = open_link(victim, emailed_link)

    assert planter.get(page).status_code == 403
    assert victim.cookies[settings.SESSION_COOKIE_NAME].value != session.session_key
    assert victim.get(page).status_code == 200
    assert victim.session["kept"] == "what the session held"


def test_the_receipts_link_opened_on_monday_still_works_on_thursday(emailed_link):
    open_link(Client(), emailed_link)  # Monday: the candidate (or a mail scanner) opens it

    with time_machine.travel(timezone.now() + timedelta(days=3)):
        later = Client()
        assert later.get(open_link(later, emailed_link)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=700)):  # as long as it is kept
        later = Client()
        assert later.get(open_link(later, emailed_link)).status_code == 200


def test_the_session_ends_after_half_an_hour_idle(client, emailed_link):
    page = open_link(client, emailed_link)

    with time_machine.travel(timezone.now() + CANDIDATE_SESSION_MAX_IDLE + timedelta(minutes=1)):
        closed = client.get(page)
        assert closed.status_code == 403 and "This page has closed" in text(closed)


def test_a_link_that_no_longer_works_says_so_and_emails_a_fresh_one(client, emailed_link):
    client.post("/my-data/", {"email": "astrid@example.se"})
    sent_emails()  # new links: the receipt's stops working
    mail.outbox.clear()

    candidate = Client()
    spent = candidate.get(emailed_link, follow=True)

    page = text(spent)
    assert spent.redirect_chain[-1][0] == "/my-data/new-link/"  # the token is out of the URL
    assert "This link no longer works" in page
    assert "delete" not in page.lower()  # nothing suggests the application is gone
    assert "astrid@example.se" not in page  # nor shows the address it is sent to
    sent = candidate.post("/my-data/new-link/")
    assert "a new link to it is on its way" in text(sent)
    assert LinkRequest.objects.count() == 1
    assert sent_emails("link requests") == 1
    [message] = mail.outbox
    assert message.to == ["astrid@example.se"]
    assert candidate.get(open_link(candidate, link_in(message))).status_code == 200


def test_a_spent_link_of_an_application_no_longer_held_sends_nothing(client, emailed_link):
    purge_due(now=timezone.now() + timedelta(days=3 * 365))  # its consent has run out
    assert not Application.objects.exists()

    candidate = Client()
    page = text(candidate.get(emailed_link, follow=True))
    answer = text(candidate.post("/my-data/new-link/"))

    assert "This link no longer works" in page and "delete" not in page.lower()
    assert "a new link to it is on its way" in answer  # the same answer, nothing sent
    assert not LinkRequest.objects.exists()


def test_an_invitations_link_works_until_its_interview_and_a_decisions_decision_link_end():
    applicant = ApplicationFactory()
    interview_day = timezone.now() + timedelta(days=10)
    invitation = urlsplit(self_service_url(applicant, "interview", until=interview_day)).path
    decision = urlsplit(self_service_url(applicant, until=decision_link_end())).path
    weeks = app_settings.LINK_MAX_AGE

    with time_machine.travel(interview_day - timedelta(hours=1)):
        assert Client().get(invitation).url.endswith("/interview/")
    with time_machine.travel(interview_day + timedelta(hours=1)):
        assert Client().get(invitation).url == "/my-data/new-link/"
    with time_machine.travel(timezone.now() + weeks - timedelta(days=1)):
        assert Client().get(decision).url == f"/my-application/{applicant.public_id}/"
    with time_machine.travel(timezone.now() + weeks + timedelta(days=1)):
        assert Client().get(decision).url == "/my-data/new-link/"


def test_new_links_revoke_the_old_ones_once_they_have_gone(client, emailed_link):
    mail.outbox.clear()
    client.post("/my-data/", {"email": "astrid@example.se"})
    sent_emails("link requests")
    [message] = mail.outbox

    assert Client().get(emailed_link).url == "/my-data/new-link/"  # revoked
    assert Client().get(link_in(message)).status_code == 302


def test_a_link_cut_short_by_a_mail_program_says_so_and_never_suggests_deletion(emailed_link):
    cut = emailed_link[:40] + "/"

    response = Client().get(cut)

    assert response.status_code == 404
    page = text(response)
    assert "This link no longer works" in page and "delete" not in page.lower()
    assert "/my-data/" in response.content.decode()


def test_an_old_link_cannot_have_a_candidate_emailed_again_and_again(client, emailed_link):
    client.post("/my-data/", {"email": "astrid@example.se"})
    sent_emails()

    answers = []
    for n in range(5):  # from as many addresses
        holder = Client(REMOTE_ADDR=f"192.0.2.{n}")
        holder.get(emailed_link)
        answers.append(holder.post("/my-data/new-link/").status_code)

    assert answers == [200, 200, 200, 429, 429]
    assert LinkRequest.objects.count() == 3


def test_what_is_kept_of_an_email_leaves_out_every_own_link_and_nothing_around_it():
    application = ApplicationFactory()
    links = [self_service_url(application), self_service_url(application, "interview")]
    text = f"Välj en tid ({links[1]}).\nDin ansökan: <{links[0]}>\nOm oss: https://exempel.se/jobb/"

    kept = without_own_links(text, language="sv")

    assert kept == (
        "Välj en tid ([personlig länk]).\nDin ansökan: <[personlig länk]>\n"
        "Om oss: https://exempel.se/jobb/"
    )
