"""Screening questions: asked on the form, stored with the application, flagged (never
decided) for the recruiters, exported, deleted with it; and the channel it came from."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from ats.models import Application, ApplicationStatistic, ScreeningAnswer, ScreeningQuestion
from ats.services.purge import purge_due
from tests.factories import OpeningFactory, UserFactory, grant, sent_emails
from tests.helpers import form_data, link_in, open_link, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening():
    opening = OpeningFactory(title="Truckförare")
    ScreeningQuestion.objects.create(
        opening=opening, text="Har du truckkort?", kind="yes_no", unmet_answer="no", position=0
    )
    ScreeningQuestion.objects.create(
        opening=opening, text="Vilket skift?", kind="choice", choices="Dag\nKväll", position=1
    )
    ScreeningQuestion.objects.create(
        opening=opening, text="När kan du börja?", kind="text", position=2
    )
    return opening


def answers(opening, *values) -> dict:
    return {f"question_{q.pk}": v for q, v in zip(opening.questions.all(), values, strict=True)}


def test_answers_are_stored_and_a_missed_requirement_only_flags(
    client, notice, sample_upload, opening
):
    page = client.get(f"/jobs/{opening.slug}/?utm_source=linkedin")
    assert "Har du truckkort?" in text(page) and 'value="linkedin"' in page.content.decode()

    client.post(
        f"/jobs/{opening.slug}/",
        {
            **form_data(sample_upload()),
            **answers(opening, "no", "Kväll", "1 mars"),
            "source": "linkedin",
        },
    )

    application = Application.objects.get()
    assert (application.stage, application.source) == ("new", "linkedin")  # nothing decided
    assert [
        (a.question_text, a.answer, a.misses_requirement) for a in application.answers.all()
    ] == [
        ("Har du truckkort?", "no", True),
        ("Vilket skift?", "Kväll", False),
        ("När kan du börja?", "1 mars", False),
    ]
    recruiter = grant(UserFactory(username="r"), "view_all_applications")
    staff = Client()
    staff.force_login(recruiter)
    listing = text(staff.get(f"/recruit/openings/{opening.pk}/"))
    detail = text(staff.get(f"/recruit/applications/{application.public_id}/"))
    assert "Requirement not met" in listing
    assert "Nothing is rejected automatically (GDPR art. 22)" in detail


def test_an_unanswered_question_stores_nothing(client, notice, sample_upload, opening):
    response = client.post(
        f"/jobs/{opening.slug}/", {**form_data(sample_upload()), **answers(opening, "yes", "", "")}
    )

    assert response.status_code == 200 and "This field is required" in text(response)
    assert not Application.objects.exists() and not ScreeningAnswer.objects.exists()


def test_a_source_that_is_not_on_the_list_is_no_source(client, notice, sample_upload, opening):
    client.post(
        f"/jobs/{opening.slug}/",
        {
            **form_data(sample_upload()),
            **answers(opening, "yes", "Dag", "nu"),
            "source": "<b>x</b>",
        },
    )

    assert Application.objects.get().source == ""


def test_answers_are_in_the_export_and_go_with_the_application(
    client, notice, sample_upload, opening
):
    client.post(
        f"/jobs/{opening.slug}/",
        {**form_data(sample_upload()), **answers(opening, "yes", "Dag", "nu"), "source": "indeed"},
    )
    sent_emails("receipts")
    page = open_link(client, link_in(mail.outbox[-1]))
    archive = zipfile.ZipFile(io.BytesIO(client.post(page + "export/").getvalue()))
    exported = json.loads(archive.read("application.json"))["application"]
    assert exported["screening_answers"][0] == {
        "question": "Har du truckkort?",
        "answer": "yes",
        "misses_requirement": False,
    }
    assert exported["source"] == "indeed"

    client.post(page + "erase/")
    with time_machine.travel(timezone.now() + timedelta(seconds=1)):
        purge_due()
    assert not Application.objects.exists() and not ScreeningAnswer.objects.exists()
    assert ApplicationStatistic.objects.get().source == "indeed"  # counted, nobody named


def test_the_recruiter_puts_questions_on_the_form(client, opening):
    client.force_login(grant(UserFactory(username="hr"), "change_opening", "view_all_applications"))
    edit = f"/recruit/openings/{opening.pk}/edit/"

    bad = client.post(
        edit, {"action": "add_question", "text": "Språk?", "kind": "choice", "choices": "Svenska"}
    )
    client.post(
        edit,
        {"action": "add_question", "text": "B-körkort?", "kind": "yes_no", "unmet_answer": "no"},
    )

    assert "Give at least two choices" in text(bad)
    added = opening.questions.last()
    assert (added.text, added.unmet_answer, added.position) == ("B-körkort?", "no", 3)
    client.post(edit, {"action": "remove_question", "question": added.pk})
    assert opening.questions.count() == 3
