"""Roles on a hiring team: a recruiter or hiring manager sees and decides on every
applicant of the opening; an interviewer sees only those in the interview and offer
stages, and can neither reject nor decide."""

import pytest
from django.utils import timezone

from ats.models import Application, CandidateEmail, HiringTeamMember
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory
from tests.helpers import team_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening():
    opening = OpeningFactory(title="Lagerchef")
    ApplicationFactory(opening=opening, name="Ny Sökande", stage="new")
    ApplicationFactory(opening=opening, name="Intervjuad Sökande", stage="interview")
    return opening


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager"])
def test_a_deciding_role_sees_every_applicant_and_the_decision(opening, role):
    client = team_client(opening, role=role)

    listing = client.get(f"/recruit/openings/{opening.pk}/").content.decode()

    assert "Ny Sökande" in listing and "Intervjuad Sökande" in listing
    assert client.get(f"/recruit/openings/{opening.pk}/decision/").status_code == 200


def test_an_interviewer_sees_only_the_interview_stages_and_decides_nothing(opening):
    client = team_client(opening, role="interviewer")
    new = Application.objects.get(stage="new")

    listing = client.get(f"/recruit/openings/{opening.pk}/").content.decode()

    assert "Intervjuad Sökande" in listing and "Ny Sökande" not in listing
    counts = client.get(f"/recruit/openings/{opening.pk}/").context["applicants"].stages.counts
    assert (counts["new"], counts["interview"]) == (0, 1)  # the counts of what they see
    assert client.get(f"/recruit/applications/{new.public_id}/").status_code == 404
    assert client.get(f"/recruit/openings/{opening.pk}/decision/").status_code == 404
    rejected = client.post(
        f"/recruit/openings/{opening.pk}/",
        {"action": "reject", "selected": [str(new.public_id)], "reason": "x"},
    )
    assert rejected.status_code == 404
    new.refresh_from_db()
    assert new.stage == "new"


def test_team_members_added_as_before_are_recruiters(opening):
    user = UserFactory(username="gammal")
    opening.hiring_team.add(user)

    assert HiringTeamMember.objects.get(user=user).role == "recruiter"


def test_a_recruiter_of_the_opening_sets_the_team_and_keeps_one_recruiter(opening):
    client = team_client(opening, role="recruiter")
    colleague = UserFactory(username="intervjuare")
    gone = UserFactory(username="slutat", is_active=False)
    team = f"/recruit/openings/{opening.pk}/team/"

    client.post(team, {"user": colleague.pk, "role": "interviewer"})
    client.post(team, {"user": gone.pk, "role": "interviewer"})
    recruiter = HiringTeamMember.objects.get(role="recruiter")
    refused = client.post(f"{team}remove/", {"member": recruiter.pk}, follow=True)

    assert HiringTeamMember.objects.get(user__username="intervjuare").role == "interviewer"
    assert not HiringTeamMember.objects.filter(user=gone).exists()
    assert "An opening keeps at least one recruiter" in refused.content.decode()
    assert HiringTeamMember.objects.filter(role="recruiter").exists()


def test_an_interviewer_cannot_change_the_team(opening):
    client = team_client(opening, role="interviewer")
    other = UserFactory(username="annan")

    response = client.post(
        f"/recruit/openings/{opening.pk}/team/", {"user": other.pk, "role": "recruiter"}
    )

    assert response.status_code == 404
    assert not HiringTeamMember.objects.filter(user__username="annan").exists()


def test_an_interviewer_sees_what_the_interview_needs_not_how_to_reach_the_person(opening):
    client = team_client(opening, role="interviewer")
    interviewed = Application.objects.get(stage="interview")

    page = client.get(f"/recruit/applications/{interviewed.public_id}/").content.decode()
    listing = client.get(f"/recruit/openings/{opening.pk}/").content.decode()

    assert "Intervjuad Sökande" in page
    assert interviewed.email not in page and interviewed.email not in listing
    assert interviewed.phone not in page


def test_an_interviewer_does_not_take_back_the_candidates_emails(opening):
    client = team_client(opening, role="interviewer")
    interviewed = Application.objects.get(stage="interview")
    CandidateEmail.objects.create(
        application=interviewed, template="interview_invitation", send_after=timezone.now()
    )

    response = client.post(f"/recruit/applications/{interviewed.public_id}/emails/cancel/")

    assert response.status_code == 404 and CandidateEmail.objects.count() == 1


def test_a_change_to_the_team_or_profile_is_said_and_its_section_stays_open(opening):
    """UX review problem 25: no message, and the <details> folded after each change."""
    client = team_client(opening, role="recruiter")
    colleague = UserFactory(username="hanna", first_name="Hanna", last_name="Berg")
    url = f"/recruit/openings/{opening.pk}/"

    added = client.post(f"{url}team/", {"user": colleague.pk, "role": "hiring_manager"})
    page = client.get(added.url).content.decode()
    criterion = client.post(f"{url}criteria/", {"name": "Truckkort"})
    profile = client.get(criterion.url).content.decode()

    # To an element inside each <details>: the browser opens it (tests/e2e/test_screens.py).
    assert added.url == f"{url}#team-members" and 'id="team-members"' in page
    assert "Hanna Berg is on the hiring team as hiring manager." in page
    assert criterion.url == f"{url}#criteria" and 'id="criteria"' in profile
    assert "“Truckkort” is in the requirement profile." in profile
