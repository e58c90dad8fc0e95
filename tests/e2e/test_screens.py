"""Every page on every screen (issue 34; WCAG 2.2 AA 1.4.4, 1.4.10, 2.4.1, 2.4.7, 2.5.8):
a phone 320 and 390 px wide, a tablet of 768, a laptop of 1366, and the 390 px phone with
its text at 200 %. The candidates' pages and the recruiters', in Swedish (the longer
words), each with the data that fills it: nothing scrolls sideways, no table scrolls in
its box, no text is wider than its box, no word is split where a line would hold it (a
table squeezing a column to a letter a line), and every button, field and navigation
link is a target of at least 44 by 44 px (a box to tick, 24), on a touch screen or not. Below 40em a
table is cards that keep their table roles. The skip link comes first, and whatever
takes the focus shows a ring of at least 2 px at 3:1. And axe-core finds nothing on any
of them.

One browser page walks everything: each page is loaded once and measured at each width
(layout_findings.js says how)."""

from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from django.utils import timezone

from ats.models import (
    ArrivalCount,
    Interview,
    InterviewSlot,
    Message,
    Note,
    ReportCount,
    ScreeningAnswer,
    ScreeningQuestion,
)
from ats.person_keys import person_key
from ats.selectors.candidates import found_set
from ats.services.candidate_rights import available_actions
from ats.services.demo_brand import load_demo_brand
from ats.services.holds import place_legal_hold
from ats.services.pipeline_stages import add_stage
from ats.services.privacy_requests import handle_access_request
from ats.services.tags import create_tag, tag_applications
from tests.e2e.checks import Screen, accessibility_violations, layout_findings
from tests.factories import (
    SAMPLES,
    ApplicationFactory,
    CriterionFactory,
    PrivacyNoticeFactory,
    ScoreFactory,
    emailed_link,
    grant,
)
from tests.helpers import log_in_by_keyboard, on_team, open_ad

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "ett långt lösenord"
FOCUS_RING = (Path(__file__).parent / "focus_ring.js").read_text()


SCREENS = [Screen(320), Screen(390), Screen(768), Screen(1366), Screen(390, text=200)]


def findings(page, path: str, *, load: bool = True, status: int = 200) -> list[str]:
    """What is wrong with the page at `path`: axe-core's violations, and the layout on
    each screen, named by path and screen. What a details element folds away is open.
    `load=False`: the page the browser is on (the answer to a form), named `path`."""
    page.set_viewport_size({"width": 1366, "height": 900})
    if load and (answered := page.goto(path).status) != status:
        return [f"{path} answers {answered}"]
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    found = accessibility_violations(page)
    for screen in SCREENS:
        found += layout_findings(page, screen)
    return [f"{path} {finding}" for finding in found]


def browser_page(browser, live_server, locale: str):
    context = browser.new_context(base_url=live_server.url, locale=locale)
    return context, context.new_page()


@pytest.fixture
def swedish_page(browser, live_server):
    context, page = browser_page(browser, live_server, "sv-SE")
    yield page
    context.close()


@pytest.fixture
def english_page(browser, live_server):
    context, page = browser_page(browser, live_server, "en-GB")
    yield page
    context.close()


def an_ad():
    """An ad with the long words Swedish ads have, its contact and three questions."""
    opening = open_ad(
        title="Redovisningsekonom till ekonomiavdelningen",
        department="Ekonomiavdelningen",
        location="Upplands Väsby",
        contact_name="Rebecka Rask",
        contact_email="rebecka.rask@arbetsgivaren.example.se",
        description=(
            "Vi söker en **redovisningsekonom** med erfarenhet av koncernredovisning och "
            "momsdeklarationer.\n\n- Tillsvidareanställning, heltid\n- Arbetsmiljöutbildning"
        ),
    )
    questions = [
        ("Har du körkort?", ScreeningQuestion.Kind.YES_NO, ""),
        ("Hur många års erfarenhet har du?", ScreeningQuestion.Kind.CHOICE, "0-2\n3-5\n6+"),
        ("Vilket ekonomisystem kan du bäst?", ScreeningQuestion.Kind.TEXT, ""),
    ]
    for position, (text, kind, choices) in enumerate(questions):
        ScreeningQuestion.objects.create(
            opening=opening, text=text, kind=kind, choices=choices, position=position
        )
    return opening


def test_the_candidates_pages_fit_every_screen(swedish_page):
    page = swedish_page
    opening = an_ad()
    open_ad(title="Lagerarbetare", slug="lagerarbetare", employment_type="fixed_term")
    application = ApplicationFactory(
        opening=opening,
        name="Rebecka Lindqvist-Åkesson",
        email="rebecka.lindqvist.akesson@exempel-arbetsgivaren.example.se",
        cv_filename="CV Rebecka Lindqvist-Åkesson 2026.pdf",
        cover_letter="Hej! Jag har arbetat med koncernredovisning i sju år.",
        privacy_notice=PrivacyNoticeFactory(),
    )
    interview = Interview.objects.create(application=application, place="Kontoret, Storgatan 1")
    for days in (3, 4):
        InterviewSlot.objects.create(
            interview=interview, starts_at=timezone.now() + timedelta(days=days)
        )
    Message.objects.create(
        application=application, sender="team", text="Hej Rebecka! Välkommen på intervju."
    )
    page.goto(emailed_link(application))  # the candidate's session, as from the email
    own = page.url.removeprefix(page.url.split("/my-application/")[0])
    load_demo_brand()  # the careers site in an employer's colours, with every part
    paths = ["/jobs/", f"/jobs/{opening.slug}/", "/apply/", "/privacy/", "/my-data/"]
    paths += ["/jobs/departments/logistik/", "/jobs/places/goteborg/"]
    paths += [own, own + "messages/"]
    paths += [own + action + "/" for action in available_actions(application)]
    # Another's: spontaneous, kept with consent that may be renewed, and restricted.
    spontaneous = ApplicationFactory(
        consented=True,
        name="Maximilian Andersson-Bergström",
        delete_after=timezone.now() + timedelta(days=20),
        restricted_at=timezone.now(),
    )
    page.goto(emailed_link(spontaneous))
    theirs = page.url.removeprefix(page.url.split("/my-application/")[0])
    paths += [theirs] + [theirs + action + "/" for action in available_actions(spontaneous)]
    paths += ["/my-data/new-link/"]  # a form
    paths += ["/accounts/login/"]  # the staff's first page, in the demo site's layout

    found = [finding for path in paths for finding in findings(page, path)]
    found += findings(page, "/jobs/finns-inte/", status=404)
    found += findings(page, f"/my-application/{uuid4()}/", status=403)  # a page closed
    # The receipt page an application leads to (the ad without questions).
    page.goto("/jobs/lagerarbetare/")
    page.fill("#id_name", "Rebecka Lindqvist-Åkesson")
    page.fill("#id_email", "rebecka@exempel.se")
    page.set_input_files("#id_cv", SAMPLES / "cv-astrid-lindqvist.pdf")
    page.locator("form button[type=submit]:not([name])").click()
    page.wait_for_url("**/applied/**")
    found += findings(page, "/applied/<token>/", load=False)

    assert found == [], "\n".join(found)
    assert {"export/", "object/", "renew/", "unrestrict/", "withdraw/"} <= {
        path.rsplit("/", 2)[-2] + "/" for path in paths
    }


def test_the_recruiters_pages_fit_every_screen(swedish_page):
    page = swedish_page
    opening = an_ad()
    load_demo_brand()  # departments, and a template to start an ad from
    recruiter = grant(
        on_team(opening, "rekryterare"),
        "view_spontaneous_applications", "handle_privacy_requests", "set_legal_hold",
        "view_retention", "add_tag", "delete_tag", "change_careerssite", "change_adtemplate",
        "change_pipelinestage", "view_accessevent", "add_opening", "change_opening",
        "add_adtemplate", "publish_opening",
    )  # fmt: skip
    add_stage(owner=opening, kind="interview", name="Besök på arbetsplatsen")  # 7 columns
    recruiter.first_name, recruiter.last_name = "Maja", "Sjöberg-Lindgren"
    recruiter.set_password(PASSWORD)
    recruiter.save()
    on_team(opening, "chef", role="hiring_manager")
    criteria = [
        CriterionFactory(opening=opening, name=name)
        for name in ("Koncernredovisning", "Samarbetsförmåga")
    ]
    people = [
        ("Rebecka Lindqvist-Åkesson", "rebecka.lindqvist-akesson", "interview"),
        ("Maximilian Andersson-Bergström", "maximilian.andersson-bergstrom", "reviewing"),
        ("Astrid Öberg", "astrid.oberg", "new"),
        ("Johan Berg", "johan.berg", "rejected"),
    ]
    rebecka, *_, johan = [
        ApplicationFactory(
            opening=opening,
            name=name,
            email=f"{address}@exempel-arbetsgivaren.se",
            stage=stage,
            source="linkedin",
            cv_text="Koncernredovisning och momsdeklarationer i Visma",
        )
        for name, address, stage in people
    ]
    ApplicationFactory(
        consented=True, name=rebecka.name, email=rebecka.email, cv_text="Redovisning"
    )
    question = opening.questions.first()
    ScreeningAnswer.objects.create(
        application=rebecka, question=question, question_text=question.text, answer="Nej",
        misses_requirement=True,
    )  # fmt: skip
    for criterion in criteria:
        ScoreFactory(application=rebecka, criterion=criterion, scored_by=recruiter)
    Note.objects.create(
        application=rebecka, author=recruiter, text="Stark på koncernredovisning, @chef"
    )
    Message.objects.create(
        application=rebecka, sender="team", written_by=recruiter, text="Välkommen på intervju!"
    )
    Message.objects.create(application=rebecka, sender="candidate", text="Tack, det passar bra.")
    interview = Interview.objects.create(
        application=rebecka, place="Kontoret, Storgatan 1, Upplands Väsby",
        starts_at=timezone.now() + timedelta(days=3), status=Interview.Status.BOOKED,
    )  # fmt: skip
    interview.interviewers.add(recruiter)
    tag = create_tag(name="Koncernredovisning")
    tag_applications(applications=opening.applications.all(), tag=tag, tagged_by=recruiter)
    place_legal_hold(
        applications=opening.applications.filter(pk=johan.pk),
        reason="Tvist om diskriminering, AD 2026-12",
        placed_by=recruiter,
    )
    # A year of another opening's kept counts, for the reports' charts.
    month = timezone.localdate().replace(day=1)
    for source, figure, value, days, n in (
        ("linkedin", "furthest", "new", 0, 84), ("platsbanken", "furthest", "new", 0, 41),
        ("linkedin", "furthest", "interview", 0, 12), ("linkedin", "furthest", "hired", 0, 2),
        ("linkedin", "first_answer", "", 3, 60), ("linkedin", "first_answer", "", 8, 79),
        ("linkedin", "outcome", "rejected", 0, 137),
        ("linkedin", "deleted", "erasure_requested", 0, 6),
    ):  # fmt: skip
        ReportCount.objects.create(
            opening_key=opening.pk, month=month, source=source, figure=figure, value=value,
            days=days, applications=n,
        )  # fmt: skip
    ArrivalCount.objects.create(
        opening_key=opening.pk, day=month, source="linkedin", applications=139
    )
    handle_access_request(
        found=found_set(
            email="astrid.oberg@exempel-arbetsgivaren.se",
            received_on=timezone.localdate(),
            case_reference="ärende 2026-041",
        ),
        handled_by=recruiter,
    )
    log_in_by_keyboard(page, "rekryterare", PASSWORD)
    page.goto("/recruit/privacy/")
    page.fill("#id_email", rebecka.email)
    page.locator("main form button").first.click()
    page.wait_for_url("**/recruit/privacy/found/*/")
    privacy_found = page.url.removeprefix(page.url.split("/recruit/")[0])
    applicants = f"/recruit/openings/{opening.pk}/"  # with its team and profile, unfolded
    paths = [
        "/recruit/",
        applicants,
        applicants + "board/",
        applicants + "stages/",
        "/recruit/stages/",
        applicants + "counts/",
        applicants + "edit/",
        applicants + "decision/",
        "/recruit/openings/new/",
        f"/recruit/applications/{rebecka.public_id}/",
        f"/recruit/applications/{rebecka.public_id}/cv/view/",  # the PDF's pages drawn
        "/recruit/search/?q=koncernredovisning",
        f"/recruit/people/{person_key(rebecka.email)}/",
        "/recruit/interviews/",
        "/recruit/tags/",
        "/recruit/spontaneous/",
        "/recruit/retention/",
        "/recruit/reports/",
        "/recruit/careers-site/",
        "/recruit/careers-site/departments/new/",
        "/recruit/ad-templates/",
        "/recruit/ad-templates/new/",
        "/recruit/privacy/",
        privacy_found,
        "/recruit/access-log/",
        applicants + "merits/",
        "/accounts/sessions/",  # their sessions, this browser's among them
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/generate/",
    ]

    found = [finding for path in paths for finding in findings(page, path)]
    # A change of the ad's state is confirmed on a page of its own, the form's answer.
    page.goto(applicants + "edit/")
    page.locator("button[name=action][value=close]").click()
    page.wait_for_selector("button[name=confirmed]")
    page.wait_for_load_state("load")  # the confirmation page's own, styled and whole
    found += findings(page, applicants + "edit/ (confirm closing)", load=False)

    assert found == [], "\n".join(found)

    # Cards for the eye, a table still for a screen reader: rows, headers and cells.
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(applicants)
    row = page.get_by_role("row", name="Rebecka Lindqvist-Åkesson")
    assert row.evaluate("row => getComputedStyle(row).display") == "flex"
    assert page.get_by_role("columnheader", name="Steg").count() == 1
    assert row.get_by_role("cell", name="Steg Intervju").count() == 1  # its label read too
    page.set_viewport_size({"width": 1366, "height": 900})
    assert row.evaluate("row => getComputedStyle(row).display") == "table-row"


def test_the_skip_link_comes_first_and_focus_shows(english_page):
    page = english_page
    opening = an_ad()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/jobs/{opening.slug}/")

    page.keyboard.press("Tab")
    skip = page.evaluate(
        "(() => { const e = document.activeElement, r = e.getBoundingClientRect();"
        " return [e.textContent.trim(), e.getAttribute('href'), r.width > 1 && r.top >= 0]; })()"
    )
    assert skip == ["Skip to content", "#main", True]  # shown once it has the focus
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")

    rings = {}  # after a key, focus moved by script shows as the keyboard's does
    for kind in ("a[href]", "button", "input[type=text]", "input[type=file]", "textarea",
                 "input[type=radio]", "input[type=checkbox]"):  # fmt: skip
        for element in page.locator(f"main {kind}:visible").all()[:2]:
            element.focus()
            rings.setdefault(kind, []).append(page.evaluate(FOCUS_RING))
    every = [ring for kind in rings.values() for ring in kind]
    weak = [ring for ring in every if ring["style"] == "none" or ring["width"] < 2]
    weak += [ring for ring in every if ring["contrast"] < 3]
    assert len(rings) == 7 and weak == [], weak
