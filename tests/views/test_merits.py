"""The merit request (Discrimination Act 2 ch. 4 §): a candidate not hired asks from
their self-service page; the recruiters are told, review a draft made from the hired
person's scorecard and send it; request and answer stay with the asking application."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from ats.exports import export_document
from ats.models import AccessEvent, Application, CandidateEmail, MeritRequest
from ats.services.decisions import record_hiring_decision
from tests.factories import (
    ApplicationFactory,
    OpeningFactory,
    ScoreFactory,
    emailed_link,
    opened,
    sent_emails,
)
from tests.helpers import logged_in, on_team, team_client, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided():
    opening = OpeningFactory(title="Lagerchef")
    recruiter = on_team(opening, "rekryterare")
    hired = ApplicationFactory(opening=opening, name="Hanna Anställd", stage="offer")
    asking = ApplicationFactory(opening=opening, name="Astrid Lindqvist", language="sv")
    ScoreFactory(application=hired, criterion__name="Ledarskap", value=4, scored_by=recruiter)
    record_hiring_decision(opening=opening, hired=[hired.public_id], decided_by=recruiter)
    sent_emails("candidate emails")  # "position filled"
    mail.outbox.clear()
    return opening, recruiter, hired, asking


def candidate_page(application) -> tuple[Client, str]:
    client = Client()
    return client, opened(client, emailed_link(application))


def test_only_those_not_hired_on_a_decided_opening_may_ask(decided):
    _, _, hired, asking = decided
    undecided = ApplicationFactory(opening=OpeningFactory())

    for application, offered in ((asking, True), (hired, False), (undecided, False)):
        client, page = candidate_page(application)
        assert ("/merits/" in client.get(page).content.decode()) is offered, application.name


def test_the_request_reaches_the_recruiters_and_the_answer_the_candidate(
    decided, django_capture_on_commit_callbacks
):
    opening, recruiter, _, asking = decided
    client, page = candidate_page(asking)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(page + "merits/")

    request = MeritRequest.objects.get(application=asking)
    sent_emails()  # the worker's next run
    (told,) = mail.outbox
    assert told.to == [recruiter.email] and f"/recruit/openings/{opening.pk}/merits/" in told.body
    assert "Astrid" not in told.body
    staff = logged_in(recruiter)
    merits_page = staff.get(f"/recruit/openings/{opening.pk}/merits/")
    (pending,) = merits_page.context["requests"].pending
    assert "- Ledarskap: 4: överträffar kravet" in pending.draft  # in the asker's language
    assert "(diskrimineringslagen 2 kap. 4 §)" in pending.draft
    assert "Hanna" not in pending.draft  # the recruiter adds what the law asks for

    answer = pending.draft.replace("[", "").replace("]", "") + "\nUtbildning: civilekonom."
    staff.post(f"/recruit/openings/{opening.pk}/merits/", {"request": request.pk, "answer": answer})
    mail.outbox.clear()
    assert sent_emails("candidate emails") == 1
    (sent,) = mail.outbox
    assert sent.to == [asking.email] and sent.body == answer.strip()
    assert sent.subject == "Meriter för den som anställdes som Lagerchef"
    request.refresh_from_db()
    assert request.answered_by == recruiter and request.answered_at
    assert AccessEvent.objects.filter(public_id=asking.public_id, action="merit_answer").exists()
    exported = export_document(Application.objects.get(pk=asking.pk), now=timezone.now())
    assert exported["application"]["merit_requests"][0]["answer"] == answer.strip()


def test_an_interviewer_does_not_reach_the_merit_requests(decided):
    opening, *_ = decided
    client = team_client(opening, "intervjuare", role="interviewer")

    assert client.get(f"/recruit/openings/{opening.pk}/merits/").status_code == 404


@pytest.mark.parametrize("language", ["sv", "en"])
def test_an_answer_that_still_holds_a_blank_of_the_draft_is_not_sent(decided, language):
    # UX review problem 8: the draft went out with "[fylls i av rekryteraren]" in it.
    opening, recruiter, _, asking = decided
    Application.objects.filter(pk=asking.pk).update(language=language)
    request = MeritRequest.objects.create(application=asking)
    staff = logged_in(recruiter)
    url = f"/recruit/openings/{opening.pk}/merits/"
    (pending,) = staff.get(url).context["requests"].pending
    half_done = pending.draft.replace("]", "] civilekonom", 1)  # one line written, two not

    blank = (
        "[fylls i av rekryteraren]" if language == "sv" else "[to be filled in by the recruiter]"
    )
    assert pending.draft.count(blank) == 3
    for answer in (pending.draft, half_done):
        page = staff.post(url, {"request": request.pk, "answer": answer}, follow=True)
        assert f"Fill in or remove {blank} before sending." in text(page)

    request.refresh_from_db()
    assert request.answered_at is None
    assert not CandidateEmail.objects.filter(application=asking, template="written").exists()
    assert sent_emails("candidate emails") == 0


def test_a_draft_links_the_person_hired_and_takes_no_word_of_an_answer_to_another(decided):
    # UX review problem 8: the recruiter fills in the merits from the hired person's
    # application, one link away; an answer to one applicant may name them, so the next
    # applicant's draft starts from the scorecard again.
    opening, recruiter, hired, asking = decided
    johan = ApplicationFactory(opening=opening, name="Johan Berg", language="sv")
    first, second = (MeritRequest.objects.create(application=a) for a in (asking, johan))
    staff = logged_in(recruiter)
    url = f"/recruit/openings/{opening.pk}/merits/"
    page = staff.get(url)
    assert f'href="/recruit/applications/{hired.public_id}/">Hanna Anställd</a>' in (
        page.content.decode()
    )
    draft = page.context["requests"].pending[0].draft
    answer = draft.replace("[fylls i av rekryteraren]", "mer än dig, Astrid Lindqvist")
    assert staff.post(url, {"request": first.pk, "answer": answer}).status_code == 302

    (pending,) = staff.get(url).context["requests"].pending
    assert pending.request == second
    assert "Astrid" not in pending.draft and pending.draft.count("[fylls i av rekryteraren]") == 3
