"""The move rules, in one home (services/pipeline.py): a rejection needs a reason and
queues the rejection email, whether one application moves or many."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ats.models import Application, CandidateEmail, StageChange
from ats.services.pipeline import MoveRefused, move_application, move_applications
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def nothing_moved(application: Application) -> bool:
    application.refresh_from_db()
    return (
        application.stage == "new"
        and application.rejection_reason == ""
        and not StageChange.objects.exists()
        and not CandidateEmail.objects.exists()
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(reason):
    application, recruiter = ApplicationFactory(), UserFactory()

    with pytest.raises(MoveRefused):
        move_application(
            application=application, stage="rejected", moved_by=recruiter, reason=reason
        )
    with pytest.raises(MoveRefused):
        move_applications(
            applications=Application.objects.all(),
            stage="rejected",
            moved_by=recruiter,
            reason=reason,
        )

    assert nothing_moved(application)


def test_one_rejected_application_gets_its_reason_and_the_email_a_day_later():
    application = ApplicationFactory()

    moved = move_application(
        application=application, stage="rejected", moved_by=UserFactory(), reason="Fel profil"
    )

    assert (moved.stage, moved.rejection_reason) == ("rejected", "Fel profil")
    waiting = CandidateEmail.objects.get(application=application)
    assert waiting.template == "rejected" and waiting.sent_at is None
    assert timedelta(hours=23) < waiting.send_after - timezone.now() <= timedelta(hours=24)


def test_a_rejection_may_go_without_the_email_when_the_recruiter_says_so():
    application = ApplicationFactory()
    move_application(
        application=application,
        stage="rejected",
        moved_by=UserFactory(),
        reason="Drog tillbaka sin ansökan",
        email=False,
    )
    assert Application.objects.get().stage == "rejected"
    assert not CandidateEmail.objects.exists()


def test_a_move_to_any_other_stage_needs_no_reason_and_sends_nothing():
    application = ApplicationFactory()
    moved = move_application(application=application, stage="interview", moved_by=UserFactory())
    assert moved.stage == "interview" and not CandidateEmail.objects.exists()
    assert StageChange.objects.get().to_stage == "interview"


def test_moving_a_rejected_applicant_back_takes_back_the_waiting_email_and_the_reason():
    application, recruiter = ApplicationFactory(), UserFactory()
    move_application(
        application=application, stage="rejected", moved_by=recruiter, reason="Fel profil"
    )

    moved = move_application(application=application, stage="interview", moved_by=recruiter)

    assert (moved.stage, moved.rejection_reason) == ("interview", "")
    assert not CandidateEmail.objects.filter(sent_at__isnull=True).exists()
