"""One person's applications: all that the user may see, and nothing else."""

import pytest
from django.http import Http404
from django.utils import timezone

from ats.models import Application
from ats.person_keys import person_key
from ats.selectors.people import person
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, grant
from tests.helpers import on_team

pytestmark = pytest.mark.django_db

EMAIL = "karin.nystrom@example.se"


@pytest.fixture
def openings():
    return OpeningFactory(title="Sjuksköterska"), OpeningFactory(title="Undersköterska")


@pytest.fixture
def applications(openings):
    first, second = openings
    return [
        ApplicationFactory(opening=first, email=EMAIL, name="Karin Nyström", stage="interview"),
        ApplicationFactory(opening=second, email=EMAIL.upper(), name="Karin Nyström", stage="new"),
        ApplicationFactory(consented=True, email=EMAIL, name="Karin Nyström"),
        ApplicationFactory(opening=first, email="someone.else@example.se"),
    ]


def test_every_application_under_the_address_in_any_case(applications, django_assert_num_queries):
    everyone = grant(UserFactory(), "view_all_applications", "view_spontaneous_applications")

    with django_assert_num_queries(3):  # the permissions (two), the applications
        found = person(user=everyone, key=person_key(EMAIL))

    assert found.name == "Karin Nyström"
    assert {a.pk for a in found.applications} == {a.pk for a in applications[:3]}


def test_a_team_member_sees_only_what_their_role_reaches(openings, applications):
    first, _ = openings
    recruiter = on_team(first)
    interviewer = on_team(first, role="interviewer")

    assert [a.pk for a in person(user=recruiter, key=person_key(EMAIL)).applications] == [
        applications[0].pk
    ]
    assert [a.pk for a in person(user=interviewer, key=person_key(EMAIL)).applications] == [
        applications[0].pk
    ]
    applications[0].stage = "new"
    applications[0].save()
    with pytest.raises(Http404):  # nothing in the interview stages: no one at all
        person(user=interviewer, key=person_key(EMAIL))


def test_restricted_applications_are_left_out(openings, applications):
    applications[0].restricted_at = timezone.now()
    applications[0].save()
    everyone = grant(UserFactory(), "view_all_applications", "view_spontaneous_applications")

    found = person(user=everyone, key=person_key(EMAIL))

    assert {a.pk for a in found.applications} == {applications[1].pk, applications[2].pk}
    with pytest.raises(Http404):  # the only one this recruiter saw
        person(user=on_team(openings[0]), key=person_key(EMAIL))


def test_a_forged_key_or_an_outsider_finds_no_one(applications):
    with pytest.raises(Http404):
        person(user=UserFactory(), key=person_key(EMAIL))
    with pytest.raises(Http404):
        person(user=grant(UserFactory(), "view_all_applications"), key="forged")


def test_a_person_with_more_than_a_page_of_applications_is_told_so(openings, monkeypatch):
    monkeypatch.setattr("ats.selectors.people.MAX_APPLICATIONS", 2)
    first, _ = openings
    ApplicationFactory.create_batch(3, opening=first, email=EMAIL)
    recruiter = on_team(first)

    found = person(user=recruiter, key=person_key(EMAIL))
    assert (len(found.applications), found.more) == (2, True)

    Application.objects.filter(pk=found.applications[0].pk).update(restricted_at=timezone.now())
    assert person(user=recruiter, key=person_key(EMAIL)).more is False  # two left: all shown
