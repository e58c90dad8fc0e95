"""The to-do's state: visits of /recruit/ remembered across reloads, and the daily
digest, off until asked for, sent through the one outbox with counts and links only."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django_q.models import Schedule

from ats import tasks
from ats.models import Message, StaffTodo
from ats.services.schedules import DIGEST_SCHEDULE, SCHEDULES, next_morning, register_schedules
from ats.services.todo import VISIT_GAP, queue_daily_digests, record_home_visit, set_daily_digest
from tests.factories import CriterionFactory, OpeningFactory, sent_emails
from tests.helpers import applicant, on_team

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 12, 2, 7, tzinfo=ZoneInfo("Europe/Stockholm"))


def test_a_visit_counts_from_the_one_before_through_its_reloads():
    user = on_team(OpeningFactory())
    first = MORNING
    assert record_home_visit(user=user, now=first).visit_since is None

    reload = first + VISIT_GAP - timedelta(minutes=1)
    assert record_home_visit(user=user, now=reload).visit_since is None
    later = reload + VISIT_GAP
    assert record_home_visit(user=user, now=later).visit_since == reload  # a new visit
    again = later + timedelta(minutes=5)
    assert record_home_visit(user=user, now=again).visit_since == reload  # the same visit
    row = StaffTodo.objects.get(user=user)
    assert (row.last_seen_at, row.daily_digest) == (again, False)


@pytest.fixture
def waiting():
    """A recruiter who has visited /recruit/, with an applicant waiting for their score
    and a candidate's reply; and the names that must never be in an email."""
    opening = OpeningFactory(title="Lagerchef")
    CriterionFactory(opening=opening)
    recruiter = on_team(opening)
    record_home_visit(user=recruiter, now=MORNING - timedelta(days=1))
    applicant(opening, "Astrid Lindqvist", stage="reviewing")
    johan = applicant(opening, "Johan Berg", stage="interview")
    Message.objects.create(application=johan, sender="team", text="Hej!")
    Message.objects.create(application=johan, sender="candidate", text="Tack!")
    return recruiter


def test_the_digest_is_off_until_the_user_turns_it_on(waiting):
    assert queue_daily_digests(now=MORNING) == 0
    set_daily_digest(user=waiting, wanted=True)
    assert queue_daily_digests(now=MORNING) == 1
    assert sent_emails("team emails") == 1

    [digest] = mail.outbox
    assert digest.to == ["recruiter@arbetsgivare.se"]
    assert "2 new applicants since your last visit" in digest.body
    assert "2 applicants waiting for your score" in digest.body
    assert "A reply from 1 candidate" in digest.body
    assert "/recruit/\n" in digest.body  # the home page, its link
    for candidate in ("Astrid", "Lindqvist", "Johan", "Berg", "@example.se", "Tack"):
        assert candidate not in digest.subject and candidate not in digest.body


def test_one_digest_a_day_and_none_when_nothing_waits_or_turned_off(waiting):
    set_daily_digest(user=waiting, wanted=True)
    idle = on_team(OpeningFactory(), "idle")
    set_daily_digest(user=idle, wanted=True)

    assert queue_daily_digests(now=MORNING) == 1  # the idle colleague: nothing waits
    assert queue_daily_digests(now=MORNING + timedelta(hours=2)) == 0  # run twice
    assert queue_daily_digests(now=MORNING + timedelta(days=1)) == 1  # the next morning

    set_daily_digest(user=waiting, wanted=False)
    assert queue_daily_digests(now=MORNING + timedelta(days=2)) == 0
    waiting.is_active = False
    waiting.save()
    set_daily_digest(user=waiting, wanted=True)
    assert queue_daily_digests(now=MORNING + timedelta(days=3)) == 0


def test_the_daily_schedule_queues_the_digests_and_first_runs_in_the_morning(waiting, settings):
    settings.ATS_TIME_ZONE = "Europe/Stockholm"
    Schedule.objects.filter(name=DIGEST_SCHEDULE).delete()
    register_schedules()
    schedule = Schedule.objects.get(name=DIGEST_SCHEDULE)
    assert DIGEST_SCHEDULE in SCHEDULES
    assert (schedule.func, schedule.schedule_type) == ("ats.tasks.send_daily_digests", "D")
    assert schedule.next_run.astimezone(MORNING.tzinfo).hour == 7
    assert next_morning(MORNING - timedelta(minutes=1)) == MORNING
    assert next_morning(MORNING) == MORNING + timedelta(days=1)

    set_daily_digest(user=waiting, wanted=True)
    assert tasks.send_daily_digests() == "Daily digests queued: 1"
