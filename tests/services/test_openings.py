"""A job ad's life: what publishing needs, the queue's clock, and no way back from closed."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile

from ats import cv_checks
from ats.models import Opening
from ats.rich_text import plain_text, render_markdown
from ats.services import openings
from ats.services.applications import ApplicationError, submit_application
from tests.factories import OpeningFactory, UserFactory
from tests.helpers import sample_bytes

pytestmark = pytest.mark.django_db
# 1 December 2026 in Stockholm is UTC+1: the deadline day ends at 23:00 UTC.
DEADLINE = date(2026, 12, 1)
END_OF_DEADLINE = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)


def complete_ad(**overrides) -> Opening:
    fields = {
        "title": "Lagerchef",
        "description": "**Krav:** truckkort",
        "location": "Göteborg",
        "salary_min": 38_000,
        "salary_max": 45_000,
        "application_deadline": DEADLINE,
        **overrides,
    }
    return openings.create_opening(fields=fields, created_by=UserFactory())


@pytest.fixture(autouse=True)
def before_the_deadline():
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), tick=False):
        yield


def test_a_new_ad_is_a_draft_its_creator_recruits_for():
    opening = complete_ad()

    assert opening.status == "draft"
    assert opening.slug == "lagerchef"
    assert list(opening.hiring_team.all()) == [Opening.objects.get().hiring_team.get()]
    assert not Opening.objects.published().exists()


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"application_deadline": None}, "a last day to apply"),
        ({"location": ""}, "a location, or remote work"),
        ({"salary_max": None}, "a pay range"),
    ],
)
def test_publishing_needs_a_deadline_a_place_and_a_pay_range(overrides, missing):
    opening = complete_ad(**overrides)

    with pytest.raises(openings.OpeningError, match=missing):
        openings.publish_opening(opening=opening)
    opening.refresh_from_db()
    assert opening.status == "draft"


def test_remote_work_needs_no_place_and_the_pay_range_can_be_turned_off(settings):
    settings.ATS_REQUIRE_SALARY_RANGE = False
    opening = complete_ad(location="", workplace_type="remote", salary_min=None, salary_max=None)

    assert openings.publish_opening(opening=opening).status == "published"
    assert Opening.objects.published().get() == opening


def test_a_scheduled_ad_goes_up_when_its_time_comes_and_closes_after_its_last_day():
    opening = complete_ad()
    at = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    openings.schedule_opening(opening=opening, publish_at=at)

    assert openings.publish_and_close_on_time(now=at - timedelta(minutes=1)) == (0, 0)
    assert openings.publish_and_close_on_time(now=at) == (1, 0)
    opening.refresh_from_db()
    assert (opening.status, opening.published_at) == ("published", at)

    assert openings.publish_and_close_on_time(now=END_OF_DEADLINE - timedelta(seconds=1)) == (0, 0)
    assert openings.publish_and_close_on_time(now=END_OF_DEADLINE) == (0, 1)
    opening.refresh_from_db()
    assert opening.status == "closed"


def test_no_application_after_the_end_of_the_last_day_even_before_the_queue_closes_it(notice):
    opening = openings.publish_opening(opening=complete_ad())
    cv = cv_checks.validate_cv(ContentFile(sample_bytes("pdf"), name="cv.pdf"))

    def apply(at: datetime):
        return submit_application(
            opening=opening, name="A", email="a@example.se", cv=cv, consent=False, submitted_at=at
        )

    assert apply(END_OF_DEADLINE - timedelta(seconds=1)).kept
    with pytest.raises(ApplicationError, match="no longer takes applications"):
        apply(END_OF_DEADLINE)
    with time_machine.travel(END_OF_DEADLINE, tick=False):
        assert not Opening.objects.published().exists()  # off the careers page at once


@pytest.mark.parametrize("action", ["publish", "schedule"])
def test_a_closed_opening_never_goes_back_up(action):
    opening = openings.close_opening(opening=openings.publish_opening(opening=complete_ad()))

    with pytest.raises(openings.OpeningError):
        if action == "publish":
            openings.publish_opening(opening=opening)
        else:
            later = datetime(2026, 11, 25, tzinfo=UTC)
            openings.schedule_opening(opening=opening, publish_at=later)
    opening.refresh_from_db()
    assert opening.status == "closed"


def test_the_next_recruitment_starts_as_a_copy_without_a_deadline():
    first = openings.close_opening(opening=openings.publish_opening(opening=complete_ad()))
    recruiter = UserFactory(username="nästa")

    second = openings.duplicate_opening(opening=first, created_by=recruiter)

    assert (second.title, second.location, second.salary_max) == ("Lagerchef", "Göteborg", 45_000)
    assert (second.status, second.application_deadline, second.slug) == (
        "draft",
        None,
        "lagerchef-2",
    )
    assert list(second.hiring_team.all()) == [recruiter]


def test_the_ad_text_is_markdown_and_nothing_that_runs_gets_through():
    html = render_markdown(
        "# Om tjänsten\n\n**Krav:** körkort\n\n- truck\n\n<script>alert(1)</script>"
        " [x](javascript:alert(1)) <img src=x onerror=alert(1)> [oss](https://example.se)"
    )

    assert "<h2>Om tjänsten</h2>" in html and "<strong>Krav:</strong>" in html
    assert "<li>truck</li>" in html
    assert "<script" not in html and "<img" not in html  # shown as text, never as tags
    assert 'href="javascript:' not in html
    assert '<a href="https://example.se" rel="nofollow noopener">oss</a>' in html
    assert plain_text("**Krav:** körkort & <b>") == "Krav: körkort & <b>"


def test_the_factory_default_still_takes_applications():
    assert OpeningFactory().takes_applications()
