"""Messages between the hiring team and a candidate: written on the application's page
(a template may start it), announced by an email that carries a link and not the
message, read and answered on the candidate's own page, seen by the team on the
timeline; held with the application, in the export, refused where processing is
restricted, and never able to bring back an application that is gone."""

import json

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone

from ats.exports import export_document
from ats.models import (
    AccessEvent,
    Application,
    CandidateEmail,
    DeletionReason,
    EmailTemplate,
    Message,
)
from ats.services import candidate_rights, conversations
from ats.services.locks import BeingDeleted
from ats.services.purge import purge_due
from tests.factories import ApplicationFactory, OpeningFactory, emailed_link, opened, sent_emails
from tests.helpers import ROOT, link_in, logged_in, on_team, team_client, text
from tests.mail import as_read

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((ROOT / "docs" / "export-schema.json").read_text())


@pytest.fixture
def applied():
    opening = OpeningFactory(title="Sjuksköterska")
    recruiter = on_team(opening, "rekryterare")
    astrid = ApplicationFactory(opening=opening, name="Astrid Lindqvist", language="sv")
    return opening, recruiter, astrid


def page_of(application) -> str:
    return f"/recruit/applications/{application.public_id}/"


def test_a_message_reaches_the_candidate_as_a_link_and_her_answer_the_team(applied, smtp_server):
    _, recruiter, astrid = applied
    staff = logged_in(recruiter)
    written = "Hej Astrid! Kan du komma på en intervju nästa vecka?"

    response = staff.post(page_of(astrid) + "messages/", {"message-text": written})

    assert response.status_code == 302
    assert Message.objects.get(application=astrid).text == written
    assert sent_emails("candidate emails") == 1
    [(recipients, raw)] = smtp_server.received
    email = as_read(raw)
    assert recipients == [astrid.email]
    body = email.get_content()
    assert "Hej Astrid," in body and written not in body  # a link, not the message
    browser = Client()
    page = opened(browser, link_in(body))
    assert page.endswith(f"/my-application/{astrid.public_id}/messages/")
    shown = text(browser.get(page))
    assert written in shown and "Sjuksköterska" in shown
    assert Message.objects.get(sender="team").read_at is not None  # she has read it

    browser.post(page, {"text": "Tack, tisdag passar bra."})

    answer = Message.objects.get(sender="candidate")
    assert answer.text == "Tack, tisdag passar bra." and answer.read_at is None
    assert sent_emails("team emails") == 1
    told = as_read(smtp_server.received[-1][1])
    assert told["To"] == recruiter.email
    assert f"/recruit/applications/{astrid.public_id}/#conversation" in told.get_content()
    assert "tisdag" not in told.get_content() and "Astrid" not in told.get_content()
    timeline = text(staff.get(page_of(astrid)))
    assert written in timeline and "Tack, tisdag passar bra." in timeline
    answer.refresh_from_db()
    assert answer.read_at is not None  # who may answer has seen it
    assert AccessEvent.objects.filter(
        public_id=astrid.public_id, action="message", actor="candidate"
    ).exists()


def test_a_template_starts_the_message_and_a_gap_left_unfilled_stops_it(applied):
    _, recruiter, astrid = applied
    staff = logged_in(recruiter)
    template = EmailTemplate.objects.get(key="interview_invitation")
    assert staff.get(page_of(astrid)).context["message_templates"] == []  # none fits "new"
    Application.objects.filter(pk=astrid.pk).update(stage="interview")

    started = staff.get(page_of(astrid), {"start": "interview_invitation"})

    offered = [t.key for t in started.context["message_templates"]]
    assert offered == ["interview_invitation"]  # no "position filled" before a decision
    start = started.context["message_form"].initial["text"]
    assert "Astrid" in start and "Sjuksköterska" in start  # in her language, filled in
    assert "{first_name}" not in start and "/my-application/" not in start  # no signed link
    assert ("{link}" in template.body_sv) == ("{link}" in start)  # a gap: she reads it there

    refused = staff.post(
        page_of(astrid) + "messages/", {"message-text": "Välj en tid: [datum och tid]"}
    )

    assert refused.status_code == 400
    assert "[datum och tid]" in text(refused)  # said, with what was typed kept
    assert refused.context["message_form"]["text"].value() == "Välj en tid: [datum och tid]"
    assert not Message.objects.exists() and not CandidateEmail.objects.exists()


def test_an_interviewer_sees_that_messages_went_but_not_what_they_say(applied):
    opening, recruiter, astrid = applied
    Application.objects.filter(pk=astrid.pk).update(stage="interview")  # theirs to see
    conversations.write_to_candidate(
        application=astrid, text="Lönen är 42 000 kr.", written_by=recruiter
    )
    interviewer = team_client(opening, "intervjuare", role="interviewer")

    page = text(interviewer.get(page_of(astrid)))

    assert "Wrote to the candidate" in page or "Skrev till kandidaten" in page
    assert "42 000" not in page
    assert (
        interviewer.post(page_of(astrid) + "messages/", {"message-text": "Hej"}).status_code == 404
    )
    assert Message.objects.count() == 1


def test_a_restricted_application_takes_no_message_either_way(applied):
    _, recruiter, astrid = applied
    conversations.write_to_candidate(application=astrid, text="Hej!", written_by=recruiter)
    candidate_rights.restrict_processing(application=astrid)
    astrid.refresh_from_db()

    with pytest.raises(conversations.MessageRefused):
        conversations.write_to_candidate(application=astrid, text="Hej igen", written_by=recruiter)
    with pytest.raises(conversations.MessageRefused):
        conversations.reply_from_candidate(application=astrid, text="Svar")
    assert Message.objects.count() == 1
    assert CandidateEmail.objects.filter(sent_at__isnull=True).count() == 1  # the first
    assert sent_emails("candidate emails") == 0  # and even that waits while restricted


def test_a_candidate_cannot_start_a_conversation_nor_answer_after_erasure(applied):
    _, recruiter, astrid = applied
    browser = Client()
    page = opened(browser, emailed_link(astrid))
    assert browser.get(page + "messages/").status_code == 404  # nobody has written
    conversations.write_to_candidate(application=astrid, text="Hej!", written_by=recruiter)
    assert browser.get(page + "messages/").status_code == 200

    candidate_rights.request_erasure(application=astrid)

    assert browser.post(page + "messages/", {"text": "Vänta!"}).status_code == 404
    assert not Message.objects.filter(sender="candidate").exists()
    purge_due()
    assert not Application.objects.filter(pk=astrid.pk).exists()
    assert not Message.objects.exists()  # erased with it, and nothing brought it back


def test_an_answer_to_an_application_past_its_date_is_refused(applied):
    _, recruiter, astrid = applied
    conversations.write_to_candidate(application=astrid, text="Hej!", written_by=recruiter)
    Application.objects.filter(pk=astrid.pk).update(
        delete_after=timezone.now(), deletion_reason=DeletionReason.RETENTION_EXPIRED
    )

    with pytest.raises(BeingDeleted):
        conversations.reply_from_candidate(application=astrid, text="Svar")
    assert Message.objects.filter(sender="candidate").count() == 0


def test_the_conversation_is_in_the_candidates_export(applied):
    _, recruiter, astrid = applied
    conversations.write_to_candidate(application=astrid, text="Hej!", written_by=recruiter)
    conversations.reply_from_candidate(application=astrid, text="Hej själv")

    exported = export_document(Application.objects.get(pk=astrid.pk), now=timezone.now())

    jsonschema.validate(exported, SCHEMA)
    assert [(m["from"], m["text"]) for m in exported["application"]["messages"]] == [
        ("team", "Hej!"),
        ("candidate", "Hej själv"),
    ]


def test_messages_written_before_the_worker_runs_make_one_email(applied):
    _, recruiter, astrid = applied
    for line in ("Hej!", "En sak till."):
        conversations.write_to_candidate(application=astrid, text=line, written_by=recruiter)

    assert CandidateEmail.objects.filter(template="message").count() == 1


def test_answers_are_limited_so_that_nobody_floods_the_teams_inboxes(applied):
    _, recruiter, astrid = applied
    conversations.write_to_candidate(application=astrid, text="Hej!", written_by=recruiter)
    browser = Client()
    page = opened(browser, emailed_link(astrid)) + "messages/"

    answered = [browser.post(page, {"text": f"Svar {n}"}).status_code for n in range(11)]

    assert answered == [302] * 10 + [429]
    assert Message.objects.filter(sender="candidate").count() == 10


def test_a_message_longer_than_a_page_holds_is_refused_whole(applied):
    _, recruiter, astrid = applied

    with pytest.raises(conversations.MessageRefused):
        conversations.write_to_candidate(application=astrid, text="x" * 5001, written_by=recruiter)
    assert not Message.objects.exists()
