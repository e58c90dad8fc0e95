"""The emailed link is exchanged for a short session and then stops working (ASVS
7.2, 8.3.1): it is a bearer credential in a URL, kept out of history and logs."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from ats.services.receipts import answer_link_requests
from ats.services.self_service import CANDIDATE_SESSION_MAX_IDLE, LINK_REUSE_GRACE
from tests.views.test_selfservice import apply, link_in, open_link  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def emailed_link(apply):  # noqa: F811
    apply()
    return link_in(mail.outbox[0])


def test_the_link_is_exchanged_for_a_session_and_a_url_without_it(client, emailed_link):
    page = open_link(client, emailed_link)

    assert client.get(page).status_code == 200
    assert client.post(page + "restrict/").status_code == 302  # the session does it all
    assert Client().get(page).status_code == 404  # the public id alone opens nothing


def test_a_used_link_opens_for_a_few_minutes_only(client, emailed_link):
    page = open_link(client, emailed_link)  # the first use (a mail scanner, say)
    assert Client().get(emailed_link).status_code == 302  # a second click still works

    with time_machine.travel(timezone.now() + LINK_REUSE_GRACE + timedelta(minutes=1)):
        assert Client().get(emailed_link).status_code == 404
        assert client.get(page).status_code == 200  # the session it started lives on


def test_the_session_ends_after_half_an_hour_idle(client, emailed_link):
    page = open_link(client, emailed_link)

    with time_machine.travel(timezone.now() + CANDIDATE_SESSION_MAX_IDLE + timedelta(minutes=1)):
        assert client.get(page).status_code == 404


def test_new_links_revoke_the_old_ones(client, emailed_link):
    mail.outbox.clear()
    client.post("/my-data/", {"email": "astrid@example.se"})
    answer_link_requests()
    [message] = mail.outbox

    assert Client().get(emailed_link).status_code == 404  # never used, still revoked
    assert Client().get(link_in(message)).status_code == 302
