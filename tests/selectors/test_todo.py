"""The home page's to-do as the selector reads it: each kind of work, only what the user
may see and work on, never a restricted application, in a fixed number of queries."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ats.models import Interview, Message
from ats.selectors.todo import COUNTED_UP_TO, todo_of
from tests.factories import (
    ApplicationFactory,
    CriterionFactory,
    OpeningFactory,
    ScoreFactory,
    UserFactory,
    grant,
)
from tests.helpers import applicant, on_team

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LAST_VISIT = timezone.now() - timedelta(days=2)


@pytest.fixture
def opening():
    opening = OpeningFactory(title="Lagerchef")
    CriterionFactory(opening=opening, name="Truckkort")
    return opening


@pytest.fixture
def recruiter(opening):
    return on_team(opening)


@pytest.fixture
def interviewer(opening):
    return on_team(opening, role="interviewer")


def names(waiting) -> list[str]:
    return [application.name for application in waiting.applications]


def restricted(opening, name: str, **fields):
    return applicant(opening, name, restricted_at=timezone.now(), **fields)


def test_new_applicants_since_the_last_visit_per_opening_and_the_pool(opening, recruiter):
    earlier = timezone.now() - timedelta(days=3)
    applicant(opening, "Astrid Lindqvist")
    applicant(opening, "Bo Ek")
    applicant(opening, "Före Besöket", submitted_at=earlier)
    restricted(opening, "Begränsad Person")
    applicant(OpeningFactory(title="Annans tjänst"), "Inte Min")  # not on its team
    ApplicationFactory(consented=True, delete_after=timezone.now() + timedelta(days=9))

    todo = todo_of(user=recruiter, since=LAST_VISIT)
    assert [(row.title, row.count) for row in todo.new_applicants] == [("Lagerchef", 2)]
    assert todo.new_count == 2

    pool = grant(recruiter, "view_spontaneous_applications")
    rows = todo_of(user=pool, since=LAST_VISIT).new_applicants
    assert [(row.opening_id, row.count) for row in rows] == [(opening.pk, 2), (None, 1)]
    assert todo_of(user=recruiter, since=None).new_applicants == []  # the first visit


def test_an_interviewer_counts_only_the_stages_they_see(opening, interviewer):
    applicant(opening, "Ny Sökande")
    applicant(opening, "På Intervju", stage="interview")
    assert todo_of(user=interviewer, since=LAST_VISIT).new_count == 1


def test_waiting_for_a_score_in_the_stages_one_scores_in_until_one_has_scored(opening, recruiter):
    reviewing = applicant(opening, "Astrid Lindqvist", stage="reviewing")
    interviewed = applicant(opening, "Bo Ek", stage="interview")
    applicant(opening, "Ny Sökande")  # new: not yet looked at
    applicant(opening, "Erbjuden", stage="offer")
    restricted(opening, "Begränsad Person", stage="reviewing")
    ScoreFactory(application=interviewed, scored_by=UserFactory(), stage="interview")  # another
    assert names(todo_of(user=recruiter, since=None).to_score) == ["Astrid Lindqvist", "Bo Ek"]

    ScoreFactory(application=reviewing, scored_by=recruiter, stage="reviewing")
    assert names(todo_of(user=recruiter, since=None).to_score) == ["Bo Ek"]

    reviewing.stage = "interview"  # scored in an earlier stage: waits again
    reviewing.save()
    assert names(todo_of(user=recruiter, since=None).to_score) == ["Astrid Lindqvist", "Bo Ek"]


def test_no_score_waits_without_criteria_after_the_decision_or_off_the_team(opening, recruiter):
    without = OpeningFactory(title="Utan krav")
    on_team(without, "recruiter")
    applicant(without, "Utan Profil", stage="reviewing")
    decided = OpeningFactory(title="Beslutad", decided_at=timezone.now())
    CriterionFactory(opening=decided)
    on_team(decided, "recruiter")
    applicant(decided, "Efter Beslut", stage="reviewing")
    applicant(opening, "Astrid Lindqvist", stage="reviewing")
    assert names(todo_of(user=recruiter, since=None).to_score) == ["Astrid Lindqvist"]

    everything = grant(UserFactory(username="allt"), "view_all_applications")
    assert names(todo_of(user=everything, since=None).to_score) == []  # sees, scores not


def test_an_interviewer_scores_in_the_interview_stage(opening, interviewer):
    applicant(opening, "Granskas", stage="reviewing")
    applicant(opening, "På Intervju", stage="interview")
    assert names(todo_of(user=interviewer, since=None).to_score) == ["På Intervju"]


def test_past_the_count_the_list_says_more(opening, recruiter):
    for n in range(COUNTED_UP_TO + 1):
        applicant(opening, f"Sökande {n}", stage="reviewing", cv="cv/shared.pdf")
    waiting = todo_of(user=recruiter, since=None).to_score
    assert (waiting.count, waiting.more, len(waiting.listed)) == (COUNTED_UP_TO, True, 10)
    applied = [application.submitted_at for application in waiting.applications]
    assert applied == sorted(applied)  # of those found, waiting longest first


def reply(application, *, read: bool = False):
    Message.objects.create(application=application, sender="team", text="Hej!")
    return Message.objects.create(
        application=application,
        sender="candidate",
        text="Tack, gärna!",
        read_at=timezone.now() if read else None,
    )


def test_replies_wait_for_those_who_decide_until_read(opening, recruiter, interviewer):
    waiting = applicant(opening, "Johan Berg", stage="interview")
    reply(waiting)
    reply(applicant(opening, "Läst Redan", stage="interview"), read=True)
    reply(restricted(opening, "Begränsad Person", stage="interview"))
    assert names(todo_of(user=recruiter, since=None).replies) == ["Johan Berg"]
    assert names(todo_of(user=interviewer, since=None).replies) == []  # decides nothing

    waiting.messages.update(read_at=timezone.now())
    assert names(todo_of(user=recruiter, since=None).replies) == []


def booked(application, interviewer, starts_at):
    interview = Interview.objects.create(
        application=application, place="Kontoret", status="booked", starts_at=starts_at
    )
    interview.interviewers.add(interviewer)
    return interview


def test_interviews_today_and_this_week_where_the_employer_is(opening, interviewer, settings):
    settings.ATS_TIME_ZONE = "Europe/Stockholm"
    wednesday = datetime(2026, 12, 2, 10, tzinfo=STOCKHOLM)
    astrid = applicant(opening, "Astrid Lindqvist", stage="interview")
    booked(astrid, interviewer, wednesday.replace(hour=8))  # this morning, over
    booked(astrid, interviewer, wednesday.replace(hour=15))
    booked(astrid, interviewer, datetime(2026, 12, 6, 23, 30, tzinfo=STOCKHOLM))  # Sunday
    booked(astrid, interviewer, datetime(2026, 12, 7, 0, 30, tzinfo=STOCKHOLM))  # next week
    booked(astrid, interviewer, wednesday - timedelta(days=1))
    booked(astrid, UserFactory(), wednesday.replace(hour=16))  # not theirs
    booked(restricted(opening, "Begränsad", stage="interview"), interviewer, wednesday)

    todo = todo_of(user=interviewer, since=None, now=wednesday)
    assert (todo.interviews_today, todo.interviews_this_week) == (2, 3)


def test_openings_closed_without_a_decision_for_those_who_decide(opening, recruiter, interviewer):
    opening.status = "closed"
    opening.save()
    past_deadline = OpeningFactory(
        title="Förbi sista dagen", application_deadline=timezone.localdate() - timedelta(days=2)
    )
    on_team(past_deadline, "recruiter")
    decided = OpeningFactory(status="closed", decided_at=timezone.now())
    on_team(decided, "recruiter")
    on_team(OpeningFactory(title="Öppen"), "recruiter")

    todo = todo_of(user=recruiter, since=None)
    assert [o.title for o in todo.undecided] == ["Förbi sista dagen", "Lagerchef"]
    assert todo_of(user=interviewer, since=None).undecided == []


def test_nothing_waits_for_a_colleague_on_no_team(opening):
    applicant(opening, "Astrid Lindqvist", stage="reviewing")
    assert todo_of(user=UserFactory(), since=LAST_VISIT).empty


def some_of_everything(opening, recruiter, count: int) -> None:
    """`count` of each kind of work, on `count` openings."""
    for n in range(count):
        other = opening if n == 0 else OpeningFactory(status="closed")
        if n:
            CriterionFactory(opening=other)
            on_team(other, "recruiter")
        for stage in ("new", "reviewing", "interview"):
            application = applicant(other, f"Sökande {n} {stage}", stage=stage, cv="cv/a.pdf")
        reply(application)
        booked(application, recruiter, timezone.now() + timedelta(minutes=5))


@pytest.mark.parametrize("count", [1, 12])
def test_five_queries_for_one_opening_or_many(opening, recruiter, count, django_assert_num_queries):
    some_of_everything(opening, recruiter, count)
    grant(recruiter, "view_spontaneous_applications")
    user = type(recruiter).objects.get(pk=recruiter.pk)
    user.has_perm("ats.view_all_applications")  # its permissions read, as the page has

    with django_assert_num_queries(5):
        todo = todo_of(user=user, since=LAST_VISIT)
    assert todo.new_count == 3 * count
    assert todo.to_score.count == 2 * count
    assert todo.replies.count == count
    assert todo.interviews_this_week == count
    assert len(todo.undecided) == count - 1
