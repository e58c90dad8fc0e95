"""The two journeys of issue 34, clicked through in Swedish: the candidate's on a phone
(apply, her own page, book the interview, answer the team's message) and the team's on
a laptop and on a phone (the ad, the board, scores, a message, the decision). Every page
either reaches is checked where it is met: its layout at that width, axe-core, and, at
the end, the W3C Nu checker over all of them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ats.models import Application, Message, Opening
from ats.services import conversations, interviews
from tests.e2e.checks import Screen, accessibility_violations, layout_findings, nu_checker_finds
from tests.factories import (
    SAMPLES,
    ApplicationFactory,
    CriterionFactory,
    emailed_link,
    grant,
)
from tests.helpers import log_in_by_keyboard, on_team, open_ad

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("shipped_email_templates", "notice", "cv_files"),
]

PASSWORD = "ett långt lösenord"


class Walk:
    """The pages a journey reaches, each checked as it is met."""

    def __init__(self, page, screen: Screen):
        self.page, self.screen = page, screen
        self.found: list[str] = []
        self.documents: dict[str, str] = {}

    def check(self) -> None:
        page = self.page
        page.wait_for_load_state()
        where = f"{page.url.split('//', 1)[1].split('/', 1)[1]!s} ({page.title()})"
        self.found += [f"/{where}: {f}" for f in accessibility_violations(page)]
        self.found += [f"/{where} {f}" for f in layout_findings(page, self.screen)]
        self.documents[f"/{where}"] = page.content()


@pytest.fixture
def swedish_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    yield context.new_page()
    context.close()


def test_the_candidates_journey_on_a_phone(swedish_page, tmp_path):
    page = swedish_page
    opening = open_ad(title="Sjuksköterska till akutmottagningen", location="Karlstad")
    recruiter = on_team(opening, "rekryterare")
    walk = Walk(page, Screen(390))
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/jobs/")
    walk.check()
    with page.expect_navigation():  # the next page, loaded
        page.get_by_role("link", name=opening.title).first.click()
    walk.check()
    page.fill("#id_name", "Astrid Lindqvist")
    page.fill("#id_email", "astrid@example.se")
    page.fill("#id_cover_letter", "Hej! Jag har arbetat på akuten i sju år.")
    page.set_input_files("#id_cv", SAMPLES / "cv-astrid-lindqvist.pdf")
    page.locator("form button[type=submit]:not([name])").click()
    page.wait_for_url("**/applied/**")
    walk.check()

    astrid = Application.objects.get()
    proposed = interviews.propose_interview(
        application=astrid,
        times=[timezone.now() + timedelta(days=days) for days in (3, 4)],
        length_minutes=45,
        place="Akutmottagningen, Centralsjukhuset",
        interviewers=[recruiter],
        proposed_by=recruiter,
    )
    page.goto(emailed_link(astrid))
    walk.check()
    page.goto(page.url + "interview/")
    walk.check()
    page.locator("input[name=slot]").first.check()
    with page.expect_navigation():  # the next page, loaded
        page.locator("button[name=choice][value=book]").click()
    walk.check()
    conversations.write_to_candidate(
        application=astrid, text="Hej Astrid! Ta med legitimationen.", written_by=recruiter
    )
    page.goto(page.url + "messages/")
    walk.check()
    page.fill("#id_text", "Tack, det gör jag.")
    with page.expect_navigation():  # the next page, loaded
        page.locator("main form button[type=submit]").click()
    walk.check()

    proposed.refresh_from_db()
    assert proposed.status == "booked"
    assert Message.objects.filter(sender="candidate", text="Tack, det gör jag.").exists()
    found = walk.found + nu_checker_finds(walk.documents, tmp_path / "pages")
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_teams_journey_on_a_laptop_and_a_phone(swedish_page, tmp_path, width):
    page = swedish_page
    recruiter = grant(
        on_team(open_ad(title="Tidigare annons"), "rekryterare"),
        "add_opening", "change_opening", "publish_opening",
    )  # fmt: skip
    recruiter.set_password(PASSWORD)
    recruiter.save()
    walk = Walk(page, Screen(width))
    page.set_viewport_size({"width": width, "height": 900})

    log_in_by_keyboard(page, "rekryterare", PASSWORD)
    walk.check()
    page.goto("/recruit/openings/new/")
    walk.check()
    page.fill("#id_title", "Undersköterska till hemtjänsten")
    page.fill("#id_location", "Karlstad")
    page.fill("#id_salary_min", "28000")
    page.fill("#id_salary_max", "32000")
    page.fill("#id_description", "Vi söker en **undersköterska** med körkort.")
    page.locator("button[name=action][value=save]").click()
    page.wait_for_url("**/edit/#questions")  # a new ad lands at its questions
    walk.check()
    opening = Opening.objects.get(title="Undersköterska till hemtjänsten")
    with page.expect_navigation():  # the next page, loaded
        page.locator("button[name=action][value=publish]").click()
    walk.check()
    with page.expect_navigation():  # the confirmation stood at this same URL
        page.locator("button[name=confirmed]").click()
    walk.check()

    criterion = CriterionFactory(opening=opening, name="Bemötande")
    astrid = ApplicationFactory(
        opening=opening, name="Astrid Lindqvist", stage="interview", language="sv"
    )
    ApplicationFactory(opening=opening, name="Johan Berg", stage="reviewing")
    page.goto(f"/recruit/openings/{opening.pk}/board/")
    walk.check()
    page.goto(f"/recruit/applications/{astrid.public_id}/")
    walk.check()
    page.select_option(f"#id_score_{criterion.pk}", "4")
    with page.expect_navigation():  # the next page, loaded
        page.locator("form.scorecard button[type=submit]").click()
    walk.check()
    page.fill("#id_message-text", "Hej Astrid! Välkommen på intervju på tisdag.")
    with page.expect_navigation():  # the next page, loaded
        page.locator("form[action$='/messages/'] button[type=submit]").click()
    walk.check()
    page.goto(f"/recruit/openings/{opening.pk}/decision/")
    walk.check()
    page.locator(f"input[name=hired][value='{astrid.public_id}']").check()
    with page.expect_navigation():  # the next page, loaded
        page.locator("main form button[type=submit]").click()
    walk.check()
    with page.expect_navigation():  # the next page, loaded
        page.locator("button[name=confirmed]").click()
    walk.check()

    astrid.refresh_from_db()
    assert astrid.stage == "hired" and astrid.scores.get().value == 4
    assert astrid.messages.get().sender == "team"
    found = walk.found + nu_checker_finds(walk.documents, tmp_path / "pages")
    assert found == [], "\n".join(found)
