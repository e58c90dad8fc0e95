"""A tag on an application carries copies of its opening, stage and date, which a tag
filter reads (migration 0042). The database keeps the stage in step on every write
that moves one, on SQLite and on PostgreSQL: the lists and the board never show a
card in a column it has left."""

import pytest

from ats.models import Application, ApplicationTag
from ats.services.decisions import record_hiring_decision
from ats.services.pipeline import move_application, move_applications
from ats.services.tags import create_tag, tag_applications
from tests.factories import ApplicationFactory, OpeningFactory
from tests.helpers import on_team

pytestmark = pytest.mark.django_db


def copies() -> dict[int, tuple]:
    return {
        link.application_id: (link.opening_id, link.stage, link.submitted_at)
        for link in ApplicationTag.objects.all()
    }


def held() -> dict[int, tuple]:
    return {
        a.pk: (a.opening_id, a.stage, a.submitted_at)
        for a in Application.objects.filter(tag_links__isnull=False)
    }


@pytest.fixture
def tagged():
    opening = OpeningFactory()
    recruiter = on_team(opening)
    applications = ApplicationFactory.create_batch(4, opening=opening, stage="interview")
    untagged = ApplicationFactory(opening=opening)
    tag = create_tag(name="Ring tillbaka")
    tag_applications(applications=opening.applications.all(), tag=tag, tagged_by=recruiter)
    ApplicationTag.objects.filter(application=untagged).delete()
    return opening, recruiter, applications


def test_tagging_copies_the_opening_stage_and_date(tagged):
    assert copies() == held() and len(copies()) == 4


def test_every_move_moves_the_copies(tagged):
    opening, recruiter, (first, second, *hired) = tagged

    move_application(application=first, stage="offer", moved_by=recruiter)
    move_applications(
        applications=Application.objects.filter(pk=second.pk), stage="reviewing",
        moved_by=recruiter,
    )  # fmt: skip
    record_hiring_decision(
        opening=opening, hired=[a.public_id for a in hired], decided_by=recruiter
    )
    Application.objects.filter(pk=first.pk).update(stage="new")  # by hand, as an admin might

    assert copies() == held()
    assert sorted(stage for _, stage, _ in copies().values()) == [
        "hired",
        "hired",
        "new",
        "rejected",
    ]
