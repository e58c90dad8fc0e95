"""A write to an application whose date passes while its page is open: the service
refuses it (BeingDeleted), and the page says so: the recruiter's on their home page,
the candidate's on a page of its own."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ats import selectors
from ats.models import Application, DeletionReason, Message, Note, StageChange
from ats.views.mixins import ApplicationMixin
from tests.factories import ApplicationFactory, OpeningFactory, emailed_link, opened
from tests.helpers import team_client, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_once_read(monkeypatch):
    """The application the page reads becomes due at once, before the service locks it."""
    read = ApplicationMixin.get_application

    def read_then_date(self, **kwargs):
        application = read(self, **kwargs)
        Application.objects.filter(pk=application.pk).update(
            delete_after=timezone.now() - timedelta(seconds=1),
            deletion_reason=DeletionReason.RETENTION_EXPIRED,
        )
        return application

    monkeypatch.setattr(ApplicationMixin, "get_application", read_then_date)


@pytest.mark.parametrize(
    ("path", "data"),
    [("stage", {"stage": "interview"}), ("notes", {"text": "Ring tillbaka"})],
)
def test_a_write_to_an_application_being_deleted_is_refused_and_said(due_once_read, path, data):
    opening = OpeningFactory()
    application = ApplicationFactory(opening=opening)
    client = team_client(opening)

    response = client.post(f"/recruit/applications/{application.public_id}/{path}/", data)

    assert response.status_code == 302
    assert response["Location"] == "/recruit/"
    assert "no-store" in response["Cache-Control"]
    home = client.get(response["Location"]).content.decode()
    assert "This application is being deleted, so it can no longer be changed." in home
    assert not StageChange.objects.exists() and not Note.objects.exists()


@pytest.mark.parametrize(("action", "data"), [("restrict/", {}), ("messages/", {"text": "Hej"})])
def test_a_candidates_write_to_her_application_being_deleted_is_refused_and_said(
    monkeypatch, action, data
):
    application = ApplicationFactory(opening=OpeningFactory())
    Message.objects.create(application=application, sender="team", text="Hej Astrid!")
    candidate = Client()
    page = opened(candidate, emailed_link(application))
    read = selectors.candidates.application_for_candidate

    def read_then_date(**kwargs):  # the date passes between her page's read and the write
        found = read(**kwargs)
        Application.objects.filter(pk=found.pk).update(
            delete_after=timezone.now() - timedelta(seconds=1),
            deletion_reason=DeletionReason.ERASURE_REQUESTED,
        )
        return found

    monkeypatch.setattr(selectors.candidates, "application_for_candidate", read_then_date)
    response = candidate.post(page + action, data)

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "This application is being deleted, so it can no longer be changed." in text(response)
    assert Application.objects.get().restricted_at is None
    assert not Message.objects.filter(sender="candidate").exists()
