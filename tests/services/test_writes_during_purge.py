"""Writes that race the purge: a candidate or recruiter acts on an application that a
purge has just claimed. Each write comes on a connection of its own, in the window
between the purge's claim and its deletion of the rows (while the files go)."""

import json

import pytest
from django.db import connection
from django.utils import timezone
from django_q.conf import Conf

from ats import cv_checks, storage
from ats.models import Application, DeletionRecord, Note, StageChange
from ats.services import candidate_rights, consent, erasure, notes, pipeline
from ats.services.locks import BeingDeleted
from ats.services.purge import purge_due
from ats.storage.ledger import PREFIX
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def during_the_purge(monkeypatch, write) -> BaseException | object:
    """Run a purge; right after it claims its batch, `write` runs on another connection
    (the purge's file thread). Returns what the write returned, or raised."""
    real_delete, outcome = storage.delete_cv_files, {}

    def write_then_delete(keys, **options):
        try:
            outcome["result"] = write()
        except Exception as error:
            outcome["result"] = error
        finally:
            connection.close()
        return real_delete(keys, **options)

    monkeypatch.setattr(storage, "delete_cv_files", write_then_delete)
    summary = purge_due()
    assert summary.deleted.total() == 1  # the purge deleted what it claimed
    return outcome["result"]


def gone_with_exactly_its_file(application: Application, cv_files) -> None:
    assert not Application.objects.exists()
    tombstone = DeletionRecord.objects.get()
    assert (tombstone.public_id, tombstone.files_deleted) == (application.public_id, 1)
    assert cv_files.remaining() == []  # nothing left behind, the CV of a refused edit neither
    [entry] = json.loads(cv_files.read(f"{PREFIX}000000000001.json"))["entries"]
    assert entry["cv_key"] == application.cv.name  # the file that was deleted


def test_a_renewal_as_the_purge_claims_the_application_is_refused(monkeypatch, notice, cv_files):
    application = ApplicationFactory(consented=True, delete_after=timezone.now())
    as_loaded = Application.objects.get(pk=application.pk)  # by the page, while it lived

    refused = during_the_purge(monkeypatch, lambda: consent.renew_consent(application=as_loaded))

    assert isinstance(refused, BeingDeleted)
    assert "being deleted" in str(refused)
    gone_with_exactly_its_file(application, cv_files)


def test_a_new_cv_as_the_purge_claims_the_application_is_refused_and_not_kept(
    monkeypatch, cv_files, sample_upload
):
    application = ApplicationFactory(consented=True, delete_after=timezone.now())
    as_loaded = Application.objects.get(pk=application.pk)
    new_cv = cv_checks.validate_cv(sample_upload("docx"))

    refused = during_the_purge(
        monkeypatch,
        lambda: candidate_rights.correct_application(
            application=as_loaded,
            name="Astrid Berg",
            email="astrid.berg@example.se",
            phone="",
            cover_letter="",
            cv=new_cv,
        ),
    )

    assert isinstance(refused, BeingDeleted)
    gone_with_exactly_its_file(application, cv_files)


@pytest.mark.parametrize("write", ["restrict", "unrestrict", "object"])
def test_other_candidate_writes_as_the_purge_claims_are_refused(monkeypatch, cv_files, write):
    application = ApplicationFactory(decided=True, delete_after=timezone.now())
    as_loaded = Application.objects.get(pk=application.pk)
    service = {
        "restrict": candidate_rights.restrict_processing,
        "unrestrict": candidate_rights.lift_restriction,
        "object": candidate_rights.object_to_processing,
    }[write]

    refused = during_the_purge(monkeypatch, lambda: service(application=as_loaded))

    assert isinstance(refused, BeingDeleted)
    gone_with_exactly_its_file(application, cv_files)


def test_recruiter_writes_as_the_purge_claims_are_refused(monkeypatch, cv_files):
    application = ApplicationFactory(decided=True, delete_after=timezone.now())
    as_loaded = Application.objects.get(pk=application.pk)
    recruiter = UserFactory()

    def stage_and_note():
        outcomes = []
        for write in (
            lambda: pipeline.move_application(
                application=as_loaded, stage=Application.Stage.INTERVIEW, moved_by=recruiter
            ),
            lambda: notes.add_note(application=as_loaded, text="Ring in", author=recruiter),
        ):
            try:
                write()
            except BeingDeleted as error:
                outcomes.append(error)
        return outcomes

    refused = during_the_purge(monkeypatch, stage_and_note)

    assert len(refused) == 2
    assert not Note.objects.exists() and not StageChange.objects.exists()
    gone_with_exactly_its_file(application, cv_files)


def test_an_erasure_never_redates_a_row_the_purge_has_claimed(monkeypatch, cv_files):
    monkeypatch.setattr(Conf, "SYNC", False)  # the purge it asks for is queued, not run here
    application = ApplicationFactory(decided=True, delete_after=timezone.now())
    erased = during_the_purge(
        monkeypatch,
        lambda: erasure.erase_applications(
            applications=Application.objects.filter(pk=application.pk)
        ),
    )
    assert erased == 0
    assert DeletionRecord.objects.get().reason == "retention_expired"  # its own rule
    gone_with_exactly_its_file(application, cv_files)
