"""Screening questions: asked on the form, stored with the application, flagged (never
decided) for the recruiters, exported, deleted with it; and the channel it came from."""

import io
import json
import zipfile
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from ats.models import (
    Application,
    ArrivalCount,
    ReportCount,
    ScreeningAnswer,
    ScreeningQuestion,
)
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
        HTTP_ACCEPT_LANGUAGE="sv",  # applied in Swedish
    )
    sent_emails("receipts")
    page = open_link(client, link_in(mail.outbox[-1]))
    archive = zipfile.ZipFile(io.BytesIO(client.post(page + "export/").getvalue()))
    exported = json.loads(archive.read("application.json"))["application"]
    assert exported["screening_answers"][:2] == [
        {
            "question": "Har du truckkort?",
            "answer": "yes",
            "answer_text": "Ja",  # as the candidate chose it, in Swedish (problem 3)
            "misses_requirement": False,
        },
        {"question": "Vilket skift?", "answer": "Dag", "answer_text": "Dag",
         "misses_requirement": False},
    ]  # fmt: skip
    assert exported["source"] == "indeed"
    # The same in words, in her language (problem 30): a page that opens from the ZIP.
    summary = archive.read("summary.html").decode()
    assert '<html lang="sv">' in summary and "Dina uppgifter" in summary
    assert "<dt>Har du truckkort?</dt><dd>Ja</dd>" in summary
    assert f'href="cv/{quote(exported["cv"]["file_name"])}"' in summary
    assert exported["submitted_at"][:10] not in summary  # dates in words, never ISO

    client.post(page + "erase/")
    with time_machine.travel(timezone.now() + timedelta(seconds=1)):
        purge_due()
    assert not Application.objects.exists() and not ScreeningAnswer.objects.exists()
    # Counted, nobody named.
    assert ArrivalCount.objects.get().source == "indeed"
    assert ReportCount.objects.get(figure=ReportCount.Figure.DELETED).source == "indeed"


def test_the_recruiter_puts_questions_on_the_form(client, opening):
    client.force_login(grant(UserFactory(username="hr"), "change_opening", "view_all_applications"))
    edit = f"/recruit/openings/{opening.pk}/edit/"

    bad = client.post(
        edit, {"action": "add_question", "text": "Språk?", "kind": "choice", "choices": "Svenska"}
    )
    typed = client.post(
        edit,
        {"action": "add_question", "text": "B-körkort?", "kind": "yes_no", "unmet_answer": "nej"},
    )
    misplaced = client.post(
        edit,
        {
            "action": "add_question",
            "text": "Skift?",
            "kind": "choice",
            "choices": "Dag\nNatt",
            "unmet_yes_no": "no",
        },
    )
    added = client.post(
        edit,
        {"action": "add_question", "text": "B-körkort?", "kind": "yes_no", "unmet_yes_no": "no"},
    )

    assert "Give at least two choices" in text(bad)
    assert "For a yes or no question, choose the answer to flag above." in text(typed)
    assert "Only a yes or no question has this answer to flag." in text(misplaced)
    assert added.url == edit + "#questions"
    question = opening.questions.last()
    assert (question.text, question.unmet_answer, question.position) == ("B-körkort?", "no", 3)
    client.post(edit, {"action": "remove_question", "question": question.pk})
    assert opening.questions.count() == 3


def test_a_refused_question_leaves_the_ad_as_it_is_saved(client, opening):
    """UX review problem 2: the ad's form showed empty, "required" on every field."""
    client.force_login(grant(UserFactory(username="hr"), "change_opening", "view_all_applications"))

    page = client.post(
        f"/recruit/openings/{opening.pk}/edit/",
        {"action": "add_question", "text": "Språk?", "kind": "choice", "choices": "Svenska"},
    )

    form = page.context["form"]
    assert not form.is_bound and form.initial["title"] == "Truckförare"
    assert 'value="Truckförare"' in page.content.decode()
    assert "This field is required" not in text(page)
    assert page.context["question_form"].errors == {
        "choices": ["Give at least two choices, one a line."]
    }
    assert 'action="#questions"' in page.content.decode()  # back in sight after the POST


def test_yes_and_no_are_chosen_and_read_in_the_readers_language(
    client, notice, sample_upload, opening
):
    """UX review problem 3: typed as English "yes"/"no", and shown so to everyone."""
    client.post(
        f"/jobs/{opening.slug}/",
        {**form_data(sample_upload()), **answers(opening, "no", "Dag", "nu")},
    )
    application = Application.objects.get()
    staff = Client()
    staff.force_login(grant(UserFactory(username="hr"), "change_opening", "view_all_applications"))
    edit = f"/recruit/openings/{opening.pk}/edit/"
    detail = f"/recruit/applications/{application.public_id}/"

    swedish_edit = staff.get(edit, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    english_edit = staff.get(edit, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="no">Nej</option>' in swedish_edit
    assert '<option value="no">No</option>' in english_edit
    assert "flaggas: Nej" in swedish_edit and "flagged: No" in english_edit
    assert "Har du truckkort? Nej" in text(staff.get(detail, HTTP_ACCEPT_LANGUAGE="sv"))
    assert "Har du truckkort? No" in text(staff.get(detail, HTTP_ACCEPT_LANGUAGE="en"))
    # Stored as the code, whatever the language; and read as yes or no once its question is gone.
    assert application.answers.first().answer == "no"
    opening.questions.filter(kind="yes_no").delete()
    assert "Har du truckkort? Nej" in text(staff.get(detail, HTTP_ACCEPT_LANGUAGE="sv"))
