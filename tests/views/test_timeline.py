"""One timeline per application (stages, emails, notes, scores, the candidate's own
actions, with who and when), and @mentions that email a colleague a bare link."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ats.models import (
    AccessEvent,
    CandidateEmail,
    Criterion,
    Interview,
    InterviewSlot,
    MeritRequest,
    Note,
    StageChange,
)
from ats.services.mentions import mentioned_usernames, tell_mentioned_users
from tests.factories import (
    ApplicationFactory,
    OpeningFactory,
    ScoreFactory,
    UserFactory,
    sent_emails,
)
from tests.helpers import on_team, team_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening():
    return OpeningFactory(title="Lagerchef")


def test_the_timeline_lists_what_happened_with_who_and_when(opening):
    client = team_client(opening, "anna")
    application = ApplicationFactory(opening=opening, name="Astrid Lindqvist")
    url = f"/recruit/applications/{application.public_id}/"
    client.post(f"{url}stage/", {"stage": "reviewing"})
    client.post(f"{url}notes/", {"text": "Ring om referenser"})
    criterion = Criterion.objects.create(opening=opening, name="Ledarskap")
    client.post(f"{url}scores/", {f"score_{criterion.pk}": 3})
    CandidateEmail.objects.create(
        application=application, template="received", send_after=application.submitted_at
    )
    AccessEvent.objects.create(actor="candidate", action="export", public_id=application.public_id)

    entries = client.get(url).context["timeline"]

    described = [(e.who, e.what) for e in entries]
    assert ("anna", "Moved from New to Reviewing") in described
    assert ("anna", "Note") in described
    assert ("anna", "Scored in the stage Reviewing") in described
    assert ("", "Exported") in described  # the candidate's own action
    assert any(e.waiting_email for e in entries)
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert "3" not in [e.what for e in entries]  # who scored, never what


def test_a_mention_emails_a_colleague_who_may_see_it_a_link_and_nothing_of_the_candidate(
    opening, django_capture_on_commit_callbacks
):
    writer = team_client(opening, "anna")
    on_team(opening, "bo.ek", role="hiring_manager")
    UserFactory(username="cecilia", email="cecilia@arbetsgivare.se")  # not on the team
    application = ApplicationFactory(
        opening=opening, name="Astrid Lindqvist", email="astrid@example.se"
    )

    with django_capture_on_commit_callbacks(execute=True):
        writer.post(
            f"/recruit/applications/{application.public_id}/notes/",
            {"text": "@bo.ek och @cecilia: Astrid Lindqvist har bra referenser."},
        )

    sent_emails()  # queued by the task queued on commit (run at once in the tests)
    (message,) = mail.outbox
    assert message.to == ["bo.ek@arbetsgivare.se"]
    assert f"/recruit/applications/{application.public_id}/" in message.body
    assert "anna" in message.body
    for personal in ("Astrid", "Lindqvist", "astrid@example.se", "referenser"):
        assert personal not in message.body + message.subject


def test_mentions_are_user_names_after_an_at_sign_not_email_addresses():
    assert mentioned_usernames("@anna, kolla med @bo.ek. Mejla x@example.se") == ["anna", "bo.ek"]
    # A user name that is an address, as provisioning gives it, at the end of a sentence.
    assert mentioned_usernames("Fråga @anna.berg@region.se.") == ["anna.berg@region.se"]


def test_a_note_without_a_mention_queues_nothing(opening, django_capture_on_commit_callbacks):
    writer = team_client(opening, "anna")
    application = ApplicationFactory(opening=opening)

    with django_capture_on_commit_callbacks(execute=True):
        writer.post(f"/recruit/applications/{application.public_id}/notes/", {"text": "Bra"})

    assert Note.objects.count() == 1 and mail.outbox == []


def test_a_note_deleted_before_the_worker_came_tells_nobody(opening):
    assert tell_mentioned_users(note_id=12345) == 0


def test_the_application_page_costs_the_same_queries_with_one_or_many_of_everything(opening):
    client = team_client(opening, "anna")
    colleague = UserFactory(username="bo")
    application = ApplicationFactory(opening=opening)
    criterion = Criterion.objects.create(opening=opening, name="Ledarskap")

    def add_one_of_each(n: int) -> None:
        Note.objects.create(application=application, text=f"Anteckning {n}", author=colleague)
        StageChange.objects.create(
            application=application, from_stage="new", to_stage="reviewing", changed_by=colleague
        )
        CandidateEmail.objects.create(
            application=application, template="received", send_after=application.submitted_at
        )
        ScoreFactory(
            application=application,
            criterion=criterion,
            stage=["new", "reviewing", "interview", "offer", "hired"][n],
            scored_by=colleague,
        )
        interview = Interview.objects.create(application=application, place=f"Rum {n}")
        interview.interviewers.add(colleague)
        InterviewSlot.objects.create(interview=interview, starts_at=application.submitted_at)
        MeritRequest.objects.create(application=application)
        AccessEvent.objects.create(
            actor="candidate", action="export", public_id=application.public_id
        )

    url = f"/recruit/applications/{application.public_id}/"
    add_one_of_each(0)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(1, 5):
        add_one_of_each(n)
    with CaptureQueriesContext(connection) as five:
        page = client.get(url)
    assert len(one) == len(five)
    assert page.content.decode().count("Anteckning ") == 5
