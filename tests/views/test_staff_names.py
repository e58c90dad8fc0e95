"""Colleagues by their full name everywhere (ats/staff.py): the team and its picker, the
scores side by side, interviews and the interviewers to choose, the timeline, @mentions
and their email; a user with no name by their user name."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from ats.models import Criterion, HiringTeamMember
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, sent_emails
from tests.helpers import team_client, text

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"  # a datetime-local field's value


def named(username: str, first_name: str, last_name: str) -> None:
    get_user_model().objects.filter(username=username).update(
        first_name=first_name, last_name=last_name
    )


@pytest.fixture
def opening():
    opening = OpeningFactory(title="Lagerchef")
    Criterion.objects.create(opening=opening, name="Ledarskap", position=0)
    return opening


@pytest.fixture
def team(opening):
    """Maja the recruiter, Hanna the hiring manager, Ivan the interviewer."""
    clients = {
        "maja": team_client(opening, "maja"),
        "hanna": team_client(opening, "hanna", role="hiring_manager"),
        "ivan": team_client(opening, "ivan", role="interviewer"),
    }
    named("maja", "Maja", "Sjöberg")
    named("hanna", "Hanna", "Berg")
    named("ivan", "Ivan", "Lund")
    return clients


def test_the_team_is_listed_and_picked_by_full_name(opening, team):
    UserFactory(username="kim", first_name="Kim", last_name="Ek")
    UserFactory(username="gone", first_name="Gunnar", last_name="Slutat", is_active=False)
    UserFactory(username="extern", first_name="Extern", last_name="Konsult", is_staff=False)

    page = team["maja"].get(f"/recruit/openings/{opening.pk}/")
    choices = [label for _value, label in page.context["team_form"].fields["user"].choices]

    assert "Hanna Berg: Hiring manager" in text(page)
    assert "Ivan Lund: Interviewer" in text(page)
    assert ">hanna:" not in page.content.decode()
    assert "Kim Ek" in choices and "Maja Sjöberg" in choices
    assert "Gunnar Slutat" not in choices and "Extern Konsult" not in choices


def test_a_colleague_added_from_the_list_joins_in_the_role_chosen(opening, team):
    kim = UserFactory(username="kim", first_name="Kim", last_name="Ek")

    team["maja"].post(
        f"/recruit/openings/{opening.pk}/team/", {"user": kim.pk, "role": "interviewer"}
    )

    assert HiringTeamMember.objects.get(user=kim).role == "interviewer"


def test_scores_side_by_side_name_who_gave_them(opening, team):
    application = ApplicationFactory(opening=opening, stage="interview")
    criterion = Criterion.objects.get(opening=opening)
    url = f"/recruit/applications/{application.public_id}/"
    for who in ("hanna", "ivan"):
        team[who].post(f"{url}scores/", {f"score_{criterion.pk}": 3})

    page = text(team["hanna"].get(url))

    assert "Hanna Berg" in page and "Ivan Lund" in page


def test_interviewers_are_chosen_and_shown_by_full_name(opening, team):
    application = ApplicationFactory(opening=opening, stage="reviewing")
    url = f"/recruit/applications/{application.public_id}/"
    ivan, hanna = (get_user_model().objects.get(username=u) for u in ("ivan", "hanna"))
    form = team["maja"].get(url).context["interview_form"]
    starts = timezone.localtime() + timedelta(days=3)

    team["maja"].post(
        f"{url}interviews/",
        {
            "time_1": starts.strftime(LOCAL),
            "length_minutes": 45,
            "place": "Kontoret",
            "interviewers": [ivan.pk, hanna.pk],
        },
    )
    page = text(team["maja"].get(url))

    assert "Ivan Lund" in [label for _value, label in form.fields["interviewers"].choices]
    assert "Interviewers: Hanna Berg, Ivan Lund" in page
    assert "Hanna Berg, Ivan Lund" in text(team["ivan"].get("/recruit/interviews/"))  # with whom


def test_the_timeline_and_a_mention_name_colleagues_by_full_name(
    opening, team, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(opening=opening, stage="interview")
    url = f"/recruit/applications/{application.public_id}/"

    hanna = get_user_model().objects.get(username="hanna")
    form = team["maja"].get(url).context["note_form"]
    picker = [label for _value, label in form.fields["mention"].choices]
    with django_capture_on_commit_callbacks(execute=True):  # picked from the list, not typed
        team["maja"].post(f"{url}notes/", {"text": "Titta på referenserna.", "mention": [hanna.pk]})
    sent_emails()
    page = team["maja"].get(url)

    assert picker == ["Hanna Berg", "Ivan Lund"]  # by full name; not Maja herself
    assert ("Maja Sjöberg", "Note") in [(e.who, e.what) for e in page.context["timeline"]]
    assert "Mentioned: Hanna Berg" in text(page)
    (message,) = mail.outbox
    assert "Maja Sjöberg mentioned you" in message.body and message.to == [hanna.email]


def test_a_colleague_without_a_name_is_shown_by_user_name(opening):
    client = team_client(opening, "utan.namn")
    application = ApplicationFactory(opening=opening)
    url = f"/recruit/applications/{application.public_id}/"
    client.post(f"{url}notes/", {"text": "Ring henne"})

    entries = client.get(url).context["timeline"]

    assert ("utan.namn", "Note") in [(e.who, e.what) for e in entries]
