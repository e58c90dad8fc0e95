"""The ad editor, the team and the board as a recruiter uses them on a laptop (1366 px)
and on a phone (UX review problems 19, 22, 25): the form and the preview side by side,
or one above the other; closing an ad does not look like publishing it; a change to the
team is said and its section stays open; the six columns of the board fit the laptop,
and a card is dragged by any part of it."""

import pytest

from ats.models import Application, ScreeningQuestion
from tests.factories import ApplicationFactory, UserFactory, grant
from tests.helpers import log_in, on_team, open_ad

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "ett långt lösenord"
LAPTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def box(locator) -> dict:
    return locator.bounding_box()


def test_editor_team_and_board_on_a_laptop_and_a_phone(page_in):
    opening = open_ad()
    ScreeningQuestion.objects.create(opening=opening, text="Truckkort?", unmet_answer="no")
    recruiter = grant(on_team(opening, "rekryterare"), "change_opening", "publish_opening")
    recruiter.set_password(PASSWORD)
    recruiter.save()
    UserFactory(username="hanna", first_name="Hanna", last_name="Berg", is_staff=True)
    for stage in Application.Stage.values:
        ApplicationFactory(opening=opening, name=f"Sökande {stage}", stage=stage)
    page = page_in()
    page.set_viewport_size(LAPTOP)
    log_in(page, "rekryterare", PASSWORD)

    # The editor: form | preview on the laptop, the preview below it on the phone.
    page.goto(f"/recruit/openings/{opening.pk}/edit/")
    form, preview = page.locator(".editor-form"), page.locator("#ad-preview")
    assert box(preview)["x"] >= box(form)["x"] + box(form)["width"]
    assert "flagged: No" in page.locator("#questions").inner_text()
    close = page.get_by_role("button", name="Close", exact=True)
    publish_colour = page.locator("button[value=save]").evaluate(
        "b => getComputedStyle(b).backgroundColor"
    )
    assert close.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(179, 38, 30)"
    assert publish_colour != "rgb(179, 38, 30)"
    page.set_viewport_size(PHONE)
    assert box(preview)["y"] >= box(form)["y"] + box(form)["height"]
    page.set_viewport_size(LAPTOP)

    # The team: said, and open again after the page comes back.
    page.goto(f"/recruit/openings/{opening.pk}/")
    page.locator("summary", has_text="Hiring team").click()
    page.select_option("#team_user", label="Hanna Berg")
    page.select_option("#team_role", "hiring_manager")
    page.get_by_role("button", name="Add or change").click()
    page.wait_for_url("**#team-members")
    assert page.locator("details.team").first.evaluate("details => details.open")
    assert "Hanna Berg" in page.locator(".messages").inner_text()

    # The board: six columns in the laptop's window, a card held by its lower edge.
    page.goto(f"/recruit/openings/{opening.pk}/board/")
    columns = page.locator("section.board-column")
    assert columns.count() == 6
    assert box(columns.last)["x"] + box(columns.last)["width"] <= LAPTOP["width"]
    card = page.locator("article.card", has_text="Sökande new")
    height = box(card)["height"]
    card.drag_to(
        page.locator('section.board-column[data-stage="reviewing"]'),
        source_position={"x": box(card)["width"] / 2, "y": height - 3},
    )
    page.locator('section.board-column[data-stage="reviewing"] article.card').nth(1).wait_for()
    assert Application.objects.get(name="Sökande new").stage == "reviewing"
