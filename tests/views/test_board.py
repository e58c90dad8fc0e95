"""The pipeline board and the actions on a selection (move, reject, email): what each
role sees on it, what a move stores, and the same queries whatever the numbers."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ats.models import AccessEvent, Application, CandidateEmail, StageChange
from ats.services.decisions import record_hiring_decision
from tests.factories import ApplicationFactory, OpeningFactory, sent_emails
from tests.helpers import team_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening():
    return OpeningFactory(title="Lagerchef")


def board_url(opening) -> str:
    return f"/recruit/openings/{opening.pk}/board/"


def test_the_board_has_a_column_per_stage_and_restricted_cards_cannot_be_opened(opening):
    client = team_client(opening)
    ApplicationFactory(opening=opening, name="Astrid Lindqvist", stage="new")
    ApplicationFactory(opening=opening, name="Bertil Ek", stage="interview")
    hidden = ApplicationFactory(
        opening=opening, name="Cecilia Holm", stage="new", restricted_at=timezone.now()
    )

    page = client.get(board_url(opening))

    columns = {column.stage: column for column in page.context["columns"]}
    assert list(columns) == [s.value for s in Application.Stage]
    assert [c.name for c in columns["interview"].cards] == ["Bertil Ek"]
    assert (columns["new"].count, columns["interview"].count) == (2, 1)
    html = page.content.decode()
    assert "Astrid Lindqvist" in html and "Restricted by the candidate" in html
    assert "Cecilia Holm" not in html and str(hidden.public_id) not in html


def test_an_interviewer_sees_the_interview_columns_only_and_moves_nothing(opening):
    client = team_client(opening, role="interviewer")
    ApplicationFactory(opening=opening, name="Astrid Lindqvist", stage="new")
    interviewed = ApplicationFactory(opening=opening, name="Bertil Ek", stage="interview")

    page = client.get(board_url(opening))

    assert [c.stage for c in page.context["columns"]] == ["interview", "offer"]
    assert "Astrid Lindqvist" not in page.content.decode()
    assert 'class="card-move"' not in page.content.decode()
    move = {"action": "move", "selected": [str(interviewed.public_id)], "stage": "offer"}
    assert client.post(board_url(opening), move).status_code == 404
    assert (
        client.post(
            f"/recruit/applications/{interviewed.public_id}/stage/", {"stage": "offer"}
        ).status_code
        == 404
    )
    interviewed.refresh_from_db()
    assert interviewed.stage == "interview"


def test_a_card_moves_by_its_form_without_javascript(opening):
    client = team_client(opening)
    card = ApplicationFactory(opening=opening, stage="new")

    response = client.post(
        board_url(opening),
        {"action": "move", "selected": [str(card.public_id)], "stage": "interview"},
    )

    assert response.status_code == 302 and response["Location"] == board_url(opening)
    card.refresh_from_db()
    assert card.stage == "interview"
    change = StageChange.objects.get(application=card)
    assert (change.from_stage, change.to_stage, change.changed_by.username) == (
        "new",
        "interview",
        "recruiter",
    )
    assert AccessEvent.objects.filter(public_id=card.public_id, action="stage_change").exists()


def test_a_move_to_rejected_needs_the_reject_action_and_its_reason(opening):
    client = team_client(opening)
    card = ApplicationFactory(opening=opening, stage="new")

    client.post(
        board_url(opening),
        {"action": "move", "selected": [str(card.public_id)], "stage": "rejected"},
    )

    card.refresh_from_db()
    assert card.stage == "new"


def test_the_board_costs_the_same_queries_for_5_and_60_applicants(opening):
    client = team_client(opening)
    ApplicationFactory.create_batch(5, opening=opening, stage="new")
    with CaptureQueriesContext(connection) as five:
        assert client.get(board_url(opening)).status_code == 200
    for stage in ("new", "reviewing", "interview"):
        ApplicationFactory.create_batch(20, opening=opening, stage=stage)
    with CaptureQueriesContext(connection) as sixty_five:
        page = client.get(board_url(opening))
    assert len(five) == len(sixty_five)
    assert sum(len(c.cards) for c in page.context["columns"]) == 65


@pytest.mark.parametrize(
    "action",
    [
        {"action": "move", "stage": "reviewing"},
        {"action": "email_template", "template": "interview_invitation"},
        {"action": "reject", "reason": "Drog tillbaka sin ansökan / Withdrew", "email": "on"},
    ],
)
def test_each_action_on_a_selection_costs_the_same_statements_for_3_and_30(opening, action):
    client = team_client(opening)
    # Where the email fits (services/pipeline.py SELECTION_EMAILS), and the move moves.
    stage = "interview" if action["action"] == "email_template" else "new"
    few = ApplicationFactory.create_batch(3, opening=opening, stage=stage)
    many = ApplicationFactory.create_batch(30, opening=opening, stage=stage)

    with CaptureQueriesContext(connection) as for_few:
        client.post(board_url(opening), {**action, "selected": [str(a.public_id) for a in few]})
    with CaptureQueriesContext(connection) as for_many:
        client.post(board_url(opening), {**action, "selected": [str(a.public_id) for a in many]})

    assert len(for_few) == len(for_many)
    if action["action"] == "move":
        assert Application.objects.filter(stage="reviewing").count() == 33
    else:
        assert CandidateEmail.objects.count() == 33


def test_a_template_sent_to_a_selection_goes_in_each_candidates_language(opening):
    client = team_client(opening)
    at_interview = {"stage": "interview"}
    swedish = ApplicationFactory(
        opening=opening, name="Astrid Lindqvist", language="sv", **at_interview
    )
    english = ApplicationFactory(opening=opening, name="John Smith", language="en", **at_interview)
    restricted = ApplicationFactory(opening=opening, restricted_at=timezone.now(), **at_interview)
    elsewhere = ApplicationFactory(name="Not Here")  # another opening

    client.post(
        board_url(opening),
        {
            "action": "email_template",
            "template": "interview_invitation",
            "selected": [str(a.public_id) for a in (swedish, english, restricted, elsewhere)],
        },
    )

    assert sent_emails("candidate emails") == 2
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        swedish.email: "Inbjudan till intervju: Lagerchef",
        english.email: "Invitation to an interview: Lagerchef",
    }
    assert CandidateEmail.objects.get(application=swedish).created_by.username == "recruiter"


def test_an_action_without_what_it_needs_stores_nothing_and_says_why(opening):
    client = team_client(opening)
    card = ApplicationFactory(opening=opening)

    response = client.post(
        board_url(opening),
        {"action": "email_template", "selected": [str(card.public_id)]},
        follow=True,
    )

    assert "Choose the applicants, and what to do with them." in response.content.decode()
    assert not CandidateEmail.objects.exists()


@pytest.mark.parametrize(
    "action, ticked, said",
    [
        (
            {"action": "reject", "reason": "Drog tillbaka sin ansökan / Withdrew", "email": "on"},
            {"stage": "rejected"},
            "No applicant was rejected: those ticked are rejected already.",
        ),
        (
            {"action": "email_template", "template": "interview_invitation"},
            {"restricted_at": timezone.now(), "stage": "interview"},
            "No email will be sent: those ticked have restricted the processing of their data.",
        ),
        (
            {"action": "move", "stage": "reviewing"},
            {"stage": "reviewing"},
            "No applicant was moved: those ticked are at that stage already.",
        ),
    ],
)
def test_an_action_for_which_no_ticked_applicant_qualifies_says_so_and_stores_nothing(
    opening, action, ticked, said
):
    client = team_client(opening)
    cards = ApplicationFactory.create_batch(2, opening=opening, **ticked)
    before = AccessEvent.objects.count()

    response = client.post(
        board_url(opening), {**action, "selected": [str(a.public_id) for a in cards]}, follow=True
    )

    assert response.status_code == 200  # a 500 before: EmptyResultSet
    assert said in response.content.decode()
    assert not CandidateEmail.objects.exists() and not StageChange.objects.exists()
    assert AccessEvent.objects.count() == before


def test_after_the_decision_no_move_is_offered_and_none_is_taken(opening):
    """UX review problem 26: moves were still offered on a decided opening."""
    client = team_client(opening)
    applicant = ApplicationFactory(opening=opening, stage="interview")
    undecided = client.get(board_url(opening)).content.decode()
    assert 'class="card-move"' in undecided and 'value="reject"' in undecided
    recruiter = opening.hiring_team.get()
    record_hiring_decision(opening=opening, hired=[applicant.public_id], decided_by=recruiter)

    board = client.get(board_url(opening)).content.decode()
    listing = client.get(f"/recruit/openings/{opening.pk}/").content.decode()
    moved = client.post(
        board_url(opening),
        {"action": "move", "stage": "new", "selected": [str(applicant.public_id)]},
        follow=True,
    )
    on_its_page = client.post(
        f"/recruit/applications/{applicant.public_id}/stage/", {"stage": "new"}, follow=True
    )

    for page in (board, listing):
        assert 'class="card-move"' not in page and 'draggable="true"' not in page
        assert 'value="move"' not in page and 'value="reject"' not in page
        assert "The hiring decision is recorded" in page
        assert 'value="tag"' in page  # what is not a move stays
        # Nobody is at the interview stage any more: no invitation to offer them.
        assert 'value="interview_invitation"' not in page and 'value="rejected"' in page
    refusal = "The hiring decision is recorded: each applicant&#x27;s stage is as it decided."
    assert refusal in moved.content.decode() and refusal in on_its_page.content.decode()
    applicant.refresh_from_db()
    assert applicant.stage == "hired"


def test_a_selection_is_offered_and_sent_only_the_emails_that_fit_it(opening):
    """UX review problem 23: the interview emails were offered for anyone ticked."""
    client = team_client(opening)
    new = ApplicationFactory(opening=opening, stage="new")
    interviewed = ApplicationFactory(opening=opening, stage="interview")
    listing = f"/recruit/openings/{opening.pk}/"

    def offered(query: str = "") -> list[str]:
        form = client.get(listing + query).context["bulk_form"]
        return [template.key for template in form.fields["template"].queryset]

    def send(template: str, *ticked) -> str:
        data = {"action": "email_template", "template": template}
        data["selected"] = [str(a.public_id) for a in ticked]
        return client.post(board_url(opening), data, follow=True).content.decode()

    assert offered() == ["interview_invitation", "position_filled", "rejected"]
    assert offered("?stage=interview") == ["interview_invitation"]
    assert offered("?stage=new") == []
    assert "only for applicants at the stage Interview" in send(
        "interview_invitation", new, interviewed
    )
    assert "Select a valid choice" in send("interview_booked", interviewed)
    assert not CandidateEmail.objects.exists()
    assert "1 email will be sent" in send("interview_invitation", interviewed)
    assert CandidateEmail.objects.get().application == interviewed
