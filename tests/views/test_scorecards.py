"""Scorecards: the opening's requirement profile, each member's scores once per stage,
everyone's shown side by side only after one's own (no anchoring); the scores are the
candidate's to see in their export."""

import pytest
from django.utils import timezone

from ats.exports import export_document
from ats.models import AccessEvent, Application, Criterion, Score
from tests.factories import ApplicationFactory, OpeningFactory
from tests.helpers import team_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening():
    opening = OpeningFactory(title="Utvecklare")
    for position, name in enumerate(["Python", "Kundkontakt"]):
        Criterion.objects.create(opening=opening, name=name, position=position)
    return opening


def score(client, application, **values):
    criteria = {c.name: c.pk for c in Criterion.objects.filter(opening=application.opening)}
    data = {}
    for name, (value, comment) in values.items():
        data[f"score_{criteria[name]}"] = value
        data[f"comment_{criteria[name]}"] = comment
    return client.post(f"/recruit/applications/{application.public_id}/scores/", data)


def test_a_recruiter_edits_the_profile_and_an_interviewer_may_not(opening):
    recruiter, interviewer = (
        team_client(opening, "rekryterare"),
        team_client(opening, "intervjuare", role="interviewer"),
    )
    url = f"/recruit/openings/{opening.pk}/criteria/"

    recruiter.post(url, {"name": "  Svenska   i tal "})
    assert interviewer.post(url, {"name": "SQL"}).status_code == 404
    duplicate = recruiter.post(url, {"name": "Python"}, follow=True)

    assert list(opening.criteria.values_list("name", flat=True)) == [
        "Python",
        "Kundkontakt",
        "Svenska i tal",
    ]
    assert "The profile has that requirement already." in duplicate.content.decode()


def test_scores_of_others_show_only_after_ones_own(opening):
    application = ApplicationFactory(opening=opening, stage="reviewing")
    first, second = team_client(opening, "anna"), team_client(opening, "bo", role="hiring_manager")
    score(first, application, Python=(4, "Stark i Django"), Kundkontakt=(2, ""))
    page_url = f"/recruit/applications/{application.public_id}/"

    before = second.get(page_url).content.decode()
    assert "1 member of the team has scored" in before
    assert "Stark i Django" not in before

    score(second, application, Python=(3, "Bra"))
    after = second.get(page_url).content.decode()
    assert "Stark i Django" in after and "Bra" in after

    board = second.get(f"/recruit/openings/{opening.pk}/board/").context["columns"]
    card = next(c for column in board for c in column.cards)
    assert (card.scores_given, round(card.mean_score, 2)) == (3, 3.0)


def test_ones_own_scores_stay_in_sight_after_the_applicant_moves_on(opening):
    """The review's problem 10: a recruiter's scores vanished with a stage change. Now
    one's own stay, and so do the colleagues' of a stage one scored in; a colleague's
    in the new stage waits for one's own there."""
    application = ApplicationFactory(opening=opening, stage="reviewing")
    first, second = team_client(opening, "anna"), team_client(opening, "bo", role="hiring_manager")
    score(first, application, Python=(4, "Stark i Django"))
    score(second, application, Python=(3, "Bra"))
    Application.objects.filter(pk=application.pk).update(stage="interview")
    score(second, application, Python=(4, "Lysande intervju"))
    page_url = f"/recruit/applications/{application.public_id}/"

    page = first.get(page_url).content.decode()

    assert "Stark i Django" in page and "Bra" in page
    assert "Lysande intervju" not in page
    assert "1 member of the team has scored" in page
    score(first, application, Python=(3, "Bra intervju"))
    assert "Lysande intervju" in first.get(page_url).content.decode()


def test_the_mean_on_a_card_waits_for_ones_own_scores(opening):
    application = ApplicationFactory(opening=opening)
    score(team_client(opening, "anna"), application, Python=(4, ""))
    second = team_client(opening, "bo")

    html = second.get(f"/recruit/openings/{opening.pk}/board/").content.decode()

    assert "1 score" in html and "score 4.0" not in html


def test_one_score_per_member_criterion_and_stage(opening):
    application = ApplicationFactory(opening=opening, stage="reviewing")
    client = team_client(opening, "anna")

    score(client, application, Python=(2, "Osäker"))
    score(client, application, Python=(3, "Efter samtal"))
    Application.objects.filter(pk=application.pk).update(stage="interview")
    score(client, application, Python=(4, "Efter intervju"))

    assert sorted(Score.objects.values_list("stage", "value", "comment")) == [
        ("interview", 4, "Efter intervju"),
        ("reviewing", 3, "Efter samtal"),
    ]
    assert AccessEvent.objects.filter(action="score", public_id=application.public_id).count() == 3


def test_a_comment_without_a_score_stores_nothing_and_says_why(opening):
    application = ApplicationFactory(opening=opening)
    client = team_client(opening, "anna")

    response = score(client, application, Python=("", "Kan Python?"))

    assert not Score.objects.exists()
    assert "give a score with each comment" in client.get(response["Location"]).content.decode()


def test_the_candidate_sees_the_scores_in_their_export_and_they_survive_a_removed_criterion(
    opening,
):
    application = ApplicationFactory(opening=opening, stage="interview")
    score(team_client(opening, "anna"), application, Python=(3, "Bra grund"))
    Criterion.objects.filter(name="Python").delete()

    exported = export_document(Application.objects.get(pk=application.pk), now=timezone.now())[
        "application"
    ]["scores"]

    assert exported == [
        {
            "criterion": "Python",
            "stage": "interview",
            "score": 3,
            "comment": "Bra grund",
            "at": exported[0]["at"],
        }
    ]
    assert "anna" not in str(exported)  # the team's names are theirs, not the candidate's
