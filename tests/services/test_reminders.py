"""An opening closed without a hiring decision keeps its applicants: its team is
reminded weekly after ATS_DECISION_REMINDER_DAYS, and the dashboard lists it first."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ats.services.reminders import remind_of_forgotten_openings
from ats.services.schedules import REMINDER_SCHEDULE, SCHEDULES
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, grant, sent_emails
from tests.helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def forgotten():
    opening = OpeningFactory(
        title="Lagerchef", status="closed", closed_at=timezone.now() - timedelta(days=40)
    )
    opening.hiring_team.add(UserFactory(username="chef", email="chef@example.se"))
    ApplicationFactory.create_batch(2, opening=opening, name="Astrid Lindqvist")
    return opening


def test_the_team_of_a_forgotten_opening_is_reminded_without_candidate_data(forgotten):
    recent = OpeningFactory(status="closed", closed_at=timezone.now() - timedelta(days=10))
    recent.hiring_team.add(UserFactory(username="ny", email="ny@example.se"))
    ApplicationFactory(opening=recent)
    past_deadline = OpeningFactory(  # the queue has not closed it: the deadline counts
        application_deadline=timezone.localdate() - timedelta(days=35)
    )
    past_deadline.hiring_team.add(UserFactory(username="annan", email="annan@example.se"))
    ApplicationFactory(opening=past_deadline)

    assert remind_of_forgotten_openings() == 2
    assert sent_emails("team emails") == 2

    team = {"chef@example.se", "annan@example.se", "ny@example.se"}
    by_address = {message.to[0]: message for message in mail.outbox if message.to[0] in team}
    assert set(by_address) == {"chef@example.se", "annan@example.se"}
    reminder = by_address["chef@example.se"]
    assert "Lagerchef" in reminder.subject
    assert "40 days ago" in reminder.body and "2 applications are kept" in reminder.body
    assert f"/recruit/openings/{forgotten.pk}/decision/" in reminder.body
    assert "Astrid" not in reminder.body
    assert REMINDER_SCHEDULE in SCHEDULES


def test_a_decided_opening_is_not_forgotten(forgotten):
    forgotten.decided_at = timezone.now()
    forgotten.save()

    assert remind_of_forgotten_openings() == 0


def test_the_dashboard_lists_the_forgotten_first_and_the_report_counts_them(forgotten, capsys):
    ApplicationFactory(opening=OpeningFactory(title="Pågående"))  # waiting, not forgotten
    client = Client()
    client.force_login(grant(UserFactory(username="dpo"), "view_retention"))

    page = text(client.get("/recruit/retention/"))
    call_command("ats_retention_report")

    assert page.index("Lagerchef closed 40 days ago without a decision") < page.index("Pågående")
    assert "Logged in as dpo" in page
    assert "long ago without a decision: 1" in capsys.readouterr().out
