"""What is stored, and what is not, when an application arrives."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from ats import cv_checks, retention
from ats.models import Application, DeletionRecord, Opening
from ats.services.applications import ApplicationError, submit_application
from ats.services.decisions import record_hiring_decision
from tests.factories import ApplicationFactory, OpeningFactory, PrivacyNoticeFactory, UserFactory
from tests.faults import needs_postgresql
from tests.helpers import while_one_holds

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 1, 8, 30, tzinfo=UTC)


def submit(cv, *, opening=None, consent=False, **fields):
    return submit_application(
        opening=opening,
        name=fields.get("name", "Astrid Lindqvist"),
        email=fields.get("email", "astrid@example.se"),
        phone="070-123 45 67",
        cover_letter="Jag vill gärna arbeta hos er.",
        cv=cv_checks.validate_cv(cv),
        consent=consent,
        submitted_at=NOW,
    )


def test_spontaneous_without_consent_leaves_only_a_tombstone(notice, sample_upload, cv_files):
    submission = submit(sample_upload("pdf"), consent=False)

    assert not submission.kept
    assert not Application.objects.exists()
    assert cv_files.remaining() == []
    tombstone = DeletionRecord.objects.get()
    assert tombstone.public_id == submission.public_id
    assert tombstone.reason == DeletionRecord.Reason.CONSENT_ABSENT
    assert tombstone.kind == DeletionRecord.Kind.SPONTANEOUS
    assert tombstone.due_at == tombstone.deleted_at == NOW
    assert tombstone.files_deleted == 0


def test_tombstone_holds_no_personal_data(notice, sample_upload):
    submit(
        sample_upload("pdf", name="Astrid-CV.pdf"),
        name="Astrid Lindqvist",
        email="astrid@example.se",
    )
    stored = " ".join(str(value) for value in DeletionRecord.objects.values_list().get())
    # Whole values: a random UUID can contain short digit runs such as "070".
    for personal in (
        "Astrid",
        "Lindqvist",
        "astrid@example.se",
        "070-123 45 67",
        "Jag vill",
        "CV.pdf",
    ):
        assert personal not in stored


def test_spontaneous_with_consent_is_kept_two_years(notice, sample_upload, cv_files):
    submission = submit(sample_upload("docx"), consent=True)

    application = Application.objects.get(public_id=submission.public_id)
    assert submission.kept
    assert application.opening is None
    assert application.consent_given_at == NOW
    assert application.privacy_notice == notice
    assert application.delete_after == datetime(2027, 9, 1, 8, 30, tzinfo=UTC)
    assert submission.delete_after == application.delete_after
    assert not DeletionRecord.objects.exists()


def test_cv_is_stored_whole_under_a_random_key(notice, sample_upload, cv_files):
    submit(sample_upload("odt", name="../../Astrid Lindqvist CV.odt"), consent=True)

    application = Application.objects.get()
    [key] = cv_files.remaining()
    assert key == application.cv.name
    assert key.startswith("cv/") and key.endswith(".odt")
    assert "Astrid" not in key and ".." not in key
    assert cv_files.read(key) == sample_upload("odt").read()
    assert application.cv_filename == "Astrid Lindqvist CV.odt"


def test_application_for_an_opening_waits_for_the_decision(notice, sample_upload):
    opening = OpeningFactory()
    submission = submit(sample_upload("pdf"), opening=opening, consent=False)

    application = Application.objects.get(public_id=submission.public_id)
    assert application.opening == opening
    assert application.delete_after is None
    assert application.consent_given_at is None
    assert application.stage == Application.Stage.NEW


def test_consent_on_an_opening_is_recorded_but_does_not_change_retention(notice, sample_upload):
    submission = submit(sample_upload("pdf"), opening=OpeningFactory(), consent=True)

    application = Application.objects.get(public_id=submission.public_id)
    assert application.consent_given_at == NOW
    assert application.delete_after is None


@pytest.mark.parametrize("status", [Opening.Status.DRAFT, Opening.Status.CLOSED])
def test_unpublished_opening_takes_nothing(notice, sample_upload, cv_files, status):
    with pytest.raises(ApplicationError):
        submit(sample_upload("pdf"), opening=OpeningFactory(status=status))
    assert not Application.objects.exists()
    assert cv_files.remaining() == []


def test_no_application_without_a_published_notice(db, sample_upload, cv_files):
    with time_machine.travel(NOW):
        PrivacyNoticeFactory(published_at=datetime(2026, 1, 1, tzinfo=UTC))  # not yet in force
    with pytest.raises(ApplicationError, match="no privacy notice"):
        submit(sample_upload("pdf"), consent=True)
    assert not Application.objects.exists()
    assert cv_files.remaining() == []


def test_consent_cites_the_notice_in_force(sample_upload):
    PrivacyNoticeFactory(version=101, published_at=datetime(2024, 1, 1, tzinfo=UTC))
    in_force = PrivacyNoticeFactory(version=102, published_at=datetime(2025, 1, 1, tzinfo=UTC))
    PrivacyNoticeFactory(version=103, published_at=datetime(2026, 1, 1, tzinfo=UTC))
    submit(sample_upload("pdf"), consent=True)
    assert Application.objects.get().privacy_notice == in_force


def test_database_error_after_the_cv_was_stored_removes_the_file(notice, sample_upload, cv_files):
    with pytest.raises(IntegrityError):
        submit(sample_upload("pdf"), consent=True, name=None)  # NOT NULL in every database
    assert not Application.objects.exists()
    assert cv_files.remaining() == []


def test_live_hides_applications_whose_time_has_passed(notice, sample_upload):
    kept = submit(sample_upload("pdf"), consent=True)
    application = Application.objects.get(public_id=kept.public_id)
    assert list(Application.objects.live(now=NOW)) == [application]
    assert list(Application.objects.live(now=application.delete_after)) == []
    assert retention.is_due(application.delete_after, now=application.delete_after)


def test_an_application_to_an_opening_decided_since_its_page_loaded_is_refused(
    notice, sample_upload, cv_files
):
    opening = OpeningFactory()
    as_loaded = Opening.objects.get(pk=opening.pk)  # by the request, while still published
    record_hiring_decision(opening=opening, hired=[], decided_by=UserFactory())

    with pytest.raises(ApplicationError, match="no longer takes applications"):
        submit(sample_upload("pdf"), opening=as_loaded)

    assert not Application.objects.exists()
    assert cv_files.remaining() == []


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_application_arriving_during_the_hiring_decision_waits_for_it_and_is_refused(
    notice, sample_upload, cv_files
):
    opening = OpeningFactory()
    waiting = ApplicationFactory(opening=opening)
    as_loaded = Opening.objects.get(pk=opening.pk)
    upload = sample_upload("pdf")
    outcome = {}

    def decide(held):  # a second connection: the decision, dated, but not yet committed
        with transaction.atomic():
            record_hiring_decision(opening=opening, hired=[], decided_by=UserFactory())
            held()

    def apply():  # a third: the application, sent while the decision runs
        try:
            outcome["submission"] = submit(upload, opening=as_loaded)
        except ApplicationError as error:
            outcome["refused"] = str(error)

    while_one_holds(decide, apply, blocked_for=0.5)  # it reaches the opening's lock, waits

    assert "refused" in outcome
    assert list(Application.objects.all()) == [waiting]
    assert Application.objects.get().delete_after is not None
    assert cv_files.remaining() == [waiting.cv.name]
