"""Rejection in bulk with a reason and the employer's template, sent after a day (and
taken back until then); what was sent is kept, exported, and deleted with the
application. One POST, a fixed number of statements whatever the selection."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ats.exports import export_document
from ats.models import Application, CandidateEmail, EmailTemplate, RejectionReason, StageChange
from ats.services.candidate_emails import cancel_waiting_emails
from ats.services.purge import purge_due
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, grant, sent_emails
from tests.helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(client):
    opening = OpeningFactory(title="Lagerchef")
    member = UserFactory(username="chef")
    opening.hiring_team.add(member)
    client.force_login(member)
    return opening


def reject(client, opening, applications, **extra):
    reason = RejectionReason.objects.first().label
    return client.post(
        f"/recruit/openings/{opening.pk}/",
        {
            "action": "reject",
            "selected": [str(a.public_id) for a in applications],
            "reason": reason,
            "email": "on",
            **extra,
        },
    )


def test_a_bulk_rejection_moves_records_and_queues_the_email_for_a_day_later(client, team):
    chosen = ApplicationFactory.create_batch(3, opening=team, name="Astrid Lindqvist")
    other = ApplicationFactory(name="Bertil Ek")  # another opening: not this team's
    restricted = ApplicationFactory(opening=team, restricted_at=timezone.now())

    reject(client, team, [*chosen, other, restricted])

    rejected = Application.objects.filter(stage="rejected")
    assert set(rejected) == set(chosen)
    assert {a.rejection_reason for a in rejected} == {RejectionReason.objects.first().label}
    assert StageChange.objects.filter(to_stage="rejected").count() == 3
    waiting = CandidateEmail.objects.filter(sent_at__isnull=True)
    assert waiting.count() == 3
    assert all(
        timedelta(hours=23) < e.send_after - timezone.now() <= timedelta(hours=24) for e in waiting
    )

    assert sent_emails("candidate emails") == 0  # not the same day
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert sent_emails("candidate emails") == 3
    message = mail.outbox[0]
    assert message.subject == "Din ansökan till Lagerchef"
    assert message.body.startswith("Hej Astrid!")
    assert "/my-application/" in message.body
    sent = CandidateEmail.objects.filter(application=chosen[0]).get()
    assert sent.sent_at and sent.subject == message.subject
    exported = export_document(Application.objects.get(pk=chosen[0].pk), now=timezone.now())
    assert exported["application"]["emails"][0]["subject"] == message.subject


def test_the_rejection_email_can_be_taken_back_within_its_day(client, team):
    application = ApplicationFactory(opening=team)
    reject(client, team, [application])

    assert cancel_waiting_emails(application=application) == 1
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert sent_emails("candidate emails") == 0
    assert mail.outbox == []


def test_a_bulk_rejection_costs_the_same_statements_for_3_and_30(client, team):
    few = ApplicationFactory.create_batch(3, opening=team)
    many = ApplicationFactory.create_batch(30, opening=team)

    with CaptureQueriesContext(connection) as for_few:
        reject(client, team, few)
    with CaptureQueriesContext(connection) as for_many:
        reject(client, team, many)

    assert len(for_few) == len(for_many)
    assert Application.objects.filter(stage="rejected").count() == 33


def test_emails_go_with_the_application(client, team):
    application = ApplicationFactory(opening=team)
    reject(client, team, [application])
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        sent_emails("candidate emails")
    Application.objects.filter(pk=application.pk).update(
        delete_after=timezone.now(), deletion_reason="erasure_requested"
    )

    with time_machine.travel(timezone.now() + timedelta(seconds=1)):
        purge_due()

    assert not Application.objects.exists() and not CandidateEmail.objects.exists()


def test_templates_are_edited_by_those_allowed(client):
    client.force_login(
        grant(UserFactory(username="hr"), "change_emailtemplate", "view_emailtemplate")
    )
    page = client.get("/admin/ats/emailtemplate/")
    assert page.status_code == 200 and "Not going further" in page.content.decode()


def test_the_application_page_shows_the_waiting_email_and_takes_it_back(client, team):
    application = ApplicationFactory(opening=team)
    reject(client, team, [application])
    page = f"/recruit/applications/{application.public_id}/"

    assert "Email waiting to be sent: Not going further" in client.get(page).content.decode()
    client.post(page + "emails/cancel/")

    assert not CandidateEmail.objects.exists()


def test_at_the_decision_everyone_not_hired_and_not_told_gets_position_filled(client, team):
    hired, waiting, told = ApplicationFactory.create_batch(3, opening=team, stage="interview")
    restricted = ApplicationFactory(opening=team, restricted_at=timezone.now())
    reject(client, team, [told])  # already told, by the rejection

    client.post(
        f"/recruit/openings/{team.pk}/decision/",
        {"hired": [str(hired.public_id)], "confirmed": "yes"},
    )
    sent_emails("candidate emails")

    filled = CandidateEmail.objects.filter(template="position_filled")
    assert [e.application_id for e in filled] == [waiting.pk]
    [message] = [m for m in mail.outbox if "tillsatt" in m.subject]
    deletion = Application.objects.get(pk=waiting.pk).delete_after
    assert f"{timezone.localdate(deletion).day} " in message.body  # its deletion date
    assert StageChange.objects.filter(application=hired, to_stage="hired").exists()
    assert StageChange.objects.filter(application=waiting, to_stage="rejected").exists()
    assert not CandidateEmail.objects.filter(application=restricted).exists()


def test_one_application_moved_to_rejected_on_its_page_needs_a_reason_and_gets_the_email(
    client, team
):
    application = ApplicationFactory(opening=team)
    stage = f"/recruit/applications/{application.public_id}/stage/"

    refused = client.post(stage, {"stage": "rejected"}, follow=True)
    assert "needs a reason" in refused.content.decode()
    application.refresh_from_db()
    assert application.stage == "new" and not CandidateEmail.objects.exists()

    reason = RejectionReason.objects.first().label
    client.post(stage, {"stage": "rejected", "reason": reason, "email": "on"})
    application.refresh_from_db()
    assert (application.stage, application.rejection_reason) == ("rejected", reason)
    assert CandidateEmail.objects.get(application=application).template == "rejected"


def test_a_bulk_rejection_without_a_reason_says_that_the_reason_is_missing(client, team):
    application = ApplicationFactory(opening=team)
    page = client.post(
        f"/recruit/openings/{team.pk}/",
        {"action": "reject", "selected": [str(application.public_id)]},
        follow=True,
    ).content.decode()

    assert "Reason (for your team; the candidate is not told it): Choose one" in page
    assert Application.objects.get().stage == "new"


def test_a_reason_is_read_in_each_readers_language(client, team):
    """UX review problem 21: the shipped reasons read "Svenska / English" in both UIs."""
    swedish, english = (
        ApplicationFactory(opening=team, name="Astrid Lindqvist", language="sv"),
        ApplicationFactory(opening=team, name="John Smith", language="en"),
    )
    EmailTemplate.objects.filter(key="rejected").update(
        body_sv="Skäl: {reason}", body_en="Reason: {reason}"
    )
    listing = f"/recruit/openings/{team.pk}/"
    shipped = "Uppfyller inte kraven / Does not meet the requirements"

    in_swedish = client.get(listing, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    in_english = client.get(listing, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(
        listing,
        {"action": "reject", "selected": [str(swedish.public_id), str(english.public_id)],
         "reason": shipped, "email": "on"},
    )  # fmt: skip

    assert f'<option value="{shipped}">Uppfyller inte kraven</option>' in in_swedish
    assert f'<option value="{shipped}">Does not meet the requirements</option>' in in_english
    assert Application.objects.get(pk=swedish.pk).rejection_reason == shipped  # kept by its name
    page = f"/recruit/applications/{swedish.public_id}/"
    on_its_page = {
        language: text(client.get(page, HTTP_ACCEPT_LANGUAGE=language)) for language in ("sv", "en")
    }
    assert "Uppfyller inte kraven" in on_its_page["sv"] and "Does not" not in on_its_page["sv"]
    assert "Does not meet the requirements" in on_its_page["en"]
    assert "Uppfyller" not in on_its_page["en"]
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        sent_emails("candidate emails")
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert bodies[swedish.email].startswith("Skäl: Uppfyller inte kraven")
    assert bodies[english.email].startswith("Reason: Does not meet the requirements")
