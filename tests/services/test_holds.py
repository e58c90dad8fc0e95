"""Legal holds keep applications past their date, and only while they last."""

from datetime import UTC, datetime, timedelta

import pytest
from django_q.conf import Conf

from ats.models import Application, PurgeClaim
from ats.services import purge
from ats.services.holds import HoldError, lift_legal_hold, place_legal_hold
from ats.services.purge import purge_due
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def lawyer():
    return UserFactory(username="jurist")


def test_held_application_survives_its_date(lawyer, cv_files):
    application = ApplicationFactory(consented=True, delete_after=NOW - timedelta(days=1))
    held = place_legal_hold(
        applications=Application.objects.all(),
        reason="Tvist AD 2026-12",
        placed_by=lawyer,
        now=NOW - timedelta(days=2),
    )

    summary = purge_due(now=NOW)

    assert held == 1
    assert summary.held == 1 and summary.deleted.total() == 0
    application.refresh_from_db()
    assert (application.hold_reason, application.hold_set_by) == ("Tvist AD 2026-12", lawyer)
    assert cv_files.remaining() == [application.cv.name]


def test_application_is_due_again_when_its_hold_ends(lawyer, cv_files):
    ApplicationFactory(consented=True, delete_after=NOW - timedelta(days=30))
    place_legal_hold(
        applications=Application.objects.all(),
        reason="Tvist",
        placed_by=lawyer,
        until=NOW - timedelta(days=1),
        now=NOW - timedelta(days=40),
    )
    assert purge_due(now=NOW - timedelta(days=2)).held == 1
    assert purge_due(now=NOW).deleted.total() == 1
    assert cv_files.remaining() == []


def test_lifting_a_hold_has_the_queue_delete_what_is_due_at_once(
    lawyer, cv_files, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(Conf, "SYNC", True)  # django-q2 runs the task in this process
    due = ApplicationFactory(consented=True, delete_after=NOW - timedelta(days=1))
    future = ApplicationFactory(consented=True, delete_after=datetime(2099, 1, 1, tzinfo=UTC))
    place_legal_hold(applications=Application.objects.all(), reason="Tvist", placed_by=lawyer)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lifted = lift_legal_hold(applications=Application.objects.all(), lifted_by=lawyer)

    assert lifted == 2
    assert callbacks[0].__qualname__.startswith("request_purge")  # the purge, queued first
    assert list(Application.objects.all()) == [future]
    assert due.cv.name not in cv_files.remaining()


def test_lifting_a_hold_on_nothing_due_enqueues_nothing(lawyer, django_capture_on_commit_callbacks):
    ApplicationFactory(delete_after=None, hold_reason="Tvist")
    with django_capture_on_commit_callbacks() as callbacks:
        lift_legal_hold(applications=Application.objects.all(), lifted_by=lawyer)
    assert callbacks == []
    assert Application.objects.get().hold_reason == ""


@pytest.mark.parametrize(
    ("reason", "until", "message"),
    [
        ("  ", None, "Say why"),
        ("Tvist", NOW - timedelta(seconds=1), "must end in the future"),
    ],
)
def test_a_hold_needs_a_reason_and_a_future_end(lawyer, reason, until, message):
    ApplicationFactory()
    with pytest.raises(HoldError, match=message):
        place_legal_hold(
            applications=Application.objects.all(),
            reason=reason,
            until=until,
            placed_by=lawyer,
            now=NOW,
        )
    assert Application.objects.get().hold_reason == ""


def test_an_application_already_claimed_by_the_purge_cannot_be_held(lawyer, cv_files):
    application = ApplicationFactory(consented=True, delete_after=NOW)
    batch = purge._claim_batch(run=purge.Run(), now=NOW, size=10)  # its file goes next

    held = place_legal_hold(
        applications=Application.objects.filter(public_id=application.public_id),
        reason="Tvist",
        placed_by=lawyer,
    )

    assert held == 0
    assert [claim.public_id for claim in PurgeClaim.objects.filter(batch=batch.batch_id)] == [
        application.public_id
    ]
