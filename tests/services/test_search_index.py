"""What search reads of an application is stored as it arrives and kept in step by
every write that changes a searched thing; it goes with the application."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile

from ats import cv_checks
from ats.models import Application, ApplicationText
from ats.services.applications import submit_application
from ats.services.candidate_rights import correct_application
from ats.services.notes import add_note
from ats.services.purge import purge_due
from ats.services.search_index import index_applications, searchable_parts
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory
from tests.helpers import sample_bytes, upload

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def applied(cv, **fields) -> Application:
    submission = submit_application(
        opening=OpeningFactory(),
        name="Astrid Lindqvist",
        email="Astrid.Lindqvist@Example.se",
        phone="070-000 00 00",
        cover_letter="Hej! Jag söker tjänsten.",
        cv=cv,
        consent=False,
        **fields,
    )
    return Application.objects.get(public_id=submission.public_id)


@pytest.mark.parametrize("extension", ["pdf", "docx", "odt"])
def test_the_cvs_text_is_stored_when_the_application_arrives(notice, extension):
    cv = cv_checks.validate_cv(upload(f"cv.{extension}", sample_bytes(extension)))

    application = applied(cv)

    text = application.text.cv_text
    assert "Karlstad" in text and "Systemutvecklare" in text and "Django" in text
    assert application.text.team_text == "astrid lindqvist"
    assert "astrid.lindqvist@example.se" in application.text.decider_text
    assert "0700000000" in application.text.decider_text  # the phone's digits too


def test_a_cv_whose_text_cannot_be_read_is_kept_without_text(notice, caplog):
    broken = ContentFile(b"%PDF-1.7 not really a pdf: Karlstad", name="cv.pdf")
    cv = cv_checks.ValidatedCv(file=broken, type=cv_checks.PDF, display_name="cv.pdf")

    with caplog.at_level(logging.WARNING, logger="ats.cv_text"):
        application = applied(cv)

    assert application.text.cv_text == ""
    assert caplog.records and "Karlstad" not in caplog.text and "Astrid" not in caplog.text


def test_the_text_is_capped(notice, monkeypatch):
    monkeypatch.setattr("ats.cv_text.MAX_CHARS", 20)
    cv = cv_checks.validate_cv(upload("cv.docx", sample_bytes("docx")))

    assert len(applied(cv).text.cv_text) == 20


def test_a_correction_keeps_search_in_step_and_a_new_cv_replaces_its_text(notice):
    application = ApplicationFactory(name="Astrid Lindqvist", cv_text="Gammalt CV")
    corrected = {
        "name": "Astrid Berg",
        "email": "astrid.berg@example.se",
        "phone": "",
        "cover_letter": "Nytt brev",
    }

    correct_application(application=application, **corrected)
    text = ApplicationText.objects.get(application=application)
    assert (text.team_text, text.cv_text) == ("astrid berg", "Gammalt CV")
    assert "nytt brev" in text.decider_text and "astrid.berg@example.se" in text.decider_text

    correct_application(
        application=application,
        **corrected,
        cv=cv_checks.validate_cv(upload("cv.odt", sample_bytes("odt"))),
    )
    assert "Systemutvecklare" in ApplicationText.objects.get(application=application).cv_text


def test_a_note_is_searched_from_when_it_is_written():
    application = ApplicationFactory(name="Eva Lund")

    add_note(application=application, text="Talar flytande Tyska", author=UserFactory())

    assert "talar flytande tyska" in ApplicationText.objects.get(application=application).team_text


def test_parts_are_gathered_in_four_queries_however_many(django_assert_num_queries):
    applications = ApplicationFactory.create_batch(5)

    with django_assert_num_queries(4):
        parts = searchable_parts([a.pk for a in applications])

    assert set(parts) == {a.pk for a in applications}


def test_a_cvs_text_belongs_to_one_application():
    first, second = ApplicationFactory.create_batch(2)

    with pytest.raises(ValueError, match="one application"):
        index_applications(application_ids=[first.pk, second.pk], cv_text="x")


def test_the_text_goes_with_its_application_and_nothing_of_another(cv_files):
    gone = ApplicationFactory(
        consented=True, delete_after=NOW - timedelta(minutes=1), cv_text="sjuksköterska Karlstad"
    )
    kept = ApplicationFactory(cv_text="lagerarbetare Umeå")

    purge_due(now=NOW)

    assert not Application.objects.filter(pk=gone.pk).exists()
    assert list(ApplicationText.objects.values_list("application_id", "cv_text")) == [
        (kept.pk, "lagerarbetare Umeå")
    ]
