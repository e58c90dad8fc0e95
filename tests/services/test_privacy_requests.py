"""Requests handled by staff act on the set found, log the case reference and the
applications they covered, and leave what a legal hold keeps."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ats.models import Application, DeletionRecord, PrivacyRequest
from ats.selectors.candidates import found_set
from ats.services.holds import place_legal_hold
from ats.services.privacy_requests import handle_access_request, handle_erasure_request
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(username="dataskydd")


def found(email: str):
    return found_set(
        email=email, received_on=timezone.localdate(), case_reference="  ärende 2026-041 "
    )


def test_erasure_takes_the_set_found_not_what_the_address_finds_later(officer, cv_files):
    mine = ApplicationFactory(email="astrid@example.se")
    searched = found("Astrid@Example.se")
    later = ApplicationFactory(email="astrid@example.se")

    erasure = handle_erasure_request(found=searched, handled_by=officer)

    assert erasure.erased == [mine.public_id] and erasure.kept == []
    assert list(Application.objects.all()) == [later]
    assert DeletionRecord.objects.get().public_id == mine.public_id
    request = erasure.request
    assert (request.kind, request.case_reference, request.applications) == (
        "erasure",
        "ärende 2026-041",
        1,
    )
    assert [item.public_id for item in request.items.all()] == [mine.public_id]


def test_erasure_leaves_what_a_legal_hold_keeps_and_says_so(officer, cv_files):
    goes, stays = ApplicationFactory.create_batch(2, email="astrid@example.se")
    place_legal_hold(
        applications=Application.objects.filter(pk=stays.pk), reason="Tvist", placed_by=officer
    )

    erasure = handle_erasure_request(found=found("astrid@example.se"), handled_by=officer)

    assert (erasure.erased, erasure.kept) == ([goes.public_id], [stays.public_id])
    assert list(Application.objects.all()) == [stays]
    assert erasure.request.applications == 2


def test_an_application_gone_since_the_search_is_neither_exported_nor_counted(officer):
    kept, gone = ApplicationFactory.create_batch(2, email="astrid@example.se")
    searched = found("astrid@example.se")
    Application.objects.filter(pk=gone.pk).delete_with_dependents()

    exported = handle_access_request(found=searched, handled_by=officer)

    assert exported == [kept]
    request = PrivacyRequest.objects.get()
    assert (request.kind, request.applications) == ("access", 1)
    assert request.email_hash == searched.email_hash and "astrid" not in request.email_hash


def test_the_set_found_holds_no_address_and_only_live_applications(officer):
    live = ApplicationFactory(email="astrid@example.se")
    ApplicationFactory(
        email="astrid@example.se", decided=True, delete_after=timezone.now() - timedelta(days=1)
    )
    searched = found("astrid@example.se")
    assert searched.public_ids == (live.public_id,)
    assert "astrid" not in repr(searched).lower()
