"""The recruiter home's to-do as a person meets it: each item links to where the work is,
what was new stays new through the visit's reloads, the digest is turned on and off on
the page, and the page costs the same queries for one opening as for many."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ats.models import Interview, Message, StaffTodo
from ats.retention import employer_date
from ats.services.todo import VISIT_GAP
from tests.factories import CriterionFactory, OpeningFactory
from tests.helpers import applicant, logged_in, on_team, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening():
    opening = OpeningFactory(title="Lagerchef")
    CriterionFactory(opening=opening)
    return opening


@pytest.fixture
def recruiter(opening):
    return on_team(opening)


def came_back(user, *, after: timedelta) -> None:
    """As if the user's last view of /recruit/ was `after` ago."""
    StaffTodo.objects.filter(user=user).update(last_seen_at=timezone.now() - after)


def test_each_item_links_to_where_its_work_is(client, opening, recruiter):
    logged_in(recruiter, client)
    client.get("/recruit/")  # the first visit
    came_back(recruiter, after=3 * VISIT_GAP)
    applied = timezone.now() - 2 * VISIT_GAP
    astrid = applicant(opening, "Astrid Lindqvist", stage="reviewing", submitted_at=applied)
    johan = applicant(opening, "Johan Berg", stage="interview", submitted_at=applied)
    Message.objects.create(application=johan, sender="team", text="Hej!")
    Message.objects.create(application=johan, sender="candidate", text="Tack!")
    interview = Interview.objects.create(
        application=johan, place="Kontoret", status="booked", starts_at=timezone.now()
    )
    interview.interviewers.add(recruiter)
    closed = OpeningFactory(title="Truckförare", status="closed")
    on_team(closed, "recruiter")

    response = client.get("/recruit/")
    page = response.content.decode()
    day = employer_date(timezone.now() - 3 * VISIT_GAP).isoformat()  # the last visit's

    assert "2 new applicants" in text(response)
    assert f'href="/recruit/openings/{opening.pk}/?applied_from={day}"' in page
    assert "2 waiting for your score" in text(response)
    assert f'href="/recruit/applications/{astrid.public_id}/#scores">Astrid Lindqvist' in page
    assert "A reply from 1 candidate" in text(response)
    assert f'href="/recruit/applications/{johan.public_id}/#conversation">Johan Berg' in page
    assert "1 interview this week" in text(response)
    assert 'href="/recruit/interviews/"' in page
    assert f'href="/recruit/openings/{closed.pk}/decision/">Truckförare' in page

    assert "2 new applicants" in text(client.get("/recruit/"))  # the reload: still new
    came_back(recruiter, after=VISIT_GAP)
    assert "new applicant" not in text(client.get("/recruit/"))  # the next visit


def test_an_interviewer_sees_none_of_the_deciders_work(client, opening, recruiter):
    interviewer = on_team(opening, role="interviewer")
    johan = applicant(opening, "Johan Berg", stage="reviewing")
    Message.objects.create(application=johan, sender="team", text="Hej!")
    Message.objects.create(application=johan, sender="candidate", text="Tack!")
    opening.status = "closed"
    opening.save()

    response = logged_in(interviewer, client).get("/recruit/")
    assert "Johan" not in text(response)
    assert "Nothing waits for you now." in text(response)


def test_the_daily_digest_is_off_until_ticked_and_can_be_turned_off(client, recruiter):
    logged_in(recruiter, client)
    form = client.get("/recruit/").context["digest_form"]
    assert form["daily_digest"].value() is False

    response = client.post("/recruit/", {"daily_digest": "on"}, follow=True)
    assert "The daily digest is on." in text(response)
    assert StaffTodo.objects.get(user=recruiter).daily_digest
    assert response.context["digest_form"]["daily_digest"].value() is True

    assert "The daily digest is off." in text(client.post("/recruit/", {}, follow=True))
    assert not StaffTodo.objects.get(user=recruiter).daily_digest


def query_count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/recruit/").status_code == 200
    return len(queries)


def test_the_home_page_costs_the_same_queries_for_one_opening_and_many(client, recruiter):
    logged_in(recruiter, client)

    def add_work(openings: int) -> None:
        for _ in range(openings):
            other = OpeningFactory(status="closed")
            CriterionFactory(opening=other)
            on_team(other, "recruiter")
            for stage in ("new", "reviewing", "interview"):
                johan = applicant(other, "Johan Berg", stage=stage, cv="cv/a.pdf")
            Message.objects.create(application=johan, sender="team", text="Hej!")
            Message.objects.create(application=johan, sender="candidate", text="Tack!")

    client.get("/recruit/")
    came_back(recruiter, after=VISIT_GAP)
    client.get("/recruit/")  # a visit with a visit before it: every item is read
    add_work(1)
    one = query_count(client)
    add_work(15)
    assert query_count(client) == one
    assert "32 waiting for your score" in text(client.get("/recruit/"))
