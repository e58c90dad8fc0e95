"""A whole recruitment in the browser, as a hiring team runs it: screen on the board
(the keyboard and drag and drop), reject in bulk with the template, invite to an
interview that the candidate books through their link, score, decide with the
confirmation; every applicant not hired is told, with their deletion date; then the
purge leaves nothing of them: no scores, interviews, emails or notes. And an interviewer
reads a CV inside the page on a phone."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from ats import retention
from ats.models import (
    Application,
    CandidateEmail,
    Criterion,
    Interview,
    InterviewSlot,
    Note,
    Score,
    StageChange,
)
from ats.services.purge import purge_due
from tests.factories import (
    ApplicationFactory,
    OpeningFactory,
    PrivacyNoticeFactory,
    sent_emails,
)
from tests.helpers import log_in, on_team, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "ett långt lösenord"


@pytest.fixture(autouse=True)
def shipped_defaults():
    """The email templates and rejection reasons the migrations ship: a transactional
    test run before this one has flushed them, so they are written again."""
    for name, ship in (
        ("0015_candidate_emails", "ship_defaults"),
        ("0017_pipeline_scores_interviews", "ship_new_templates"),
        ("0043_rejection_reason_languages", "split_shipped"),
    ):
        getattr(importlib.import_module(f"ats.migrations.{name}"), ship)(apps, None)


def staff(username: str, opening, role: str):
    user = on_team(opening, username, role=role)
    user.set_password(PASSWORD)
    user.save()
    return user


def card(page, name: str):
    return page.locator("article.card", has_text=name)


def column(page, stage: str):
    return page.locator(f'section.board-column[data-stage="{stage}"]')


def test_a_hiring_team_runs_a_whole_recruitment(page_in, settings, live_server, cv_files):
    settings.ATS_SITE_URL = live_server.url
    notice = PrivacyNoticeFactory()
    opening = OpeningFactory(title="Lagerchef")
    Criterion.objects.create(opening=opening, name="Ledarskap")
    staff("rekryterare", opening, "recruiter")
    staff("intervjuare", opening, "interviewer")
    names = ["Astrid Lindqvist", "Bertil Ek", "Cecilia Holm", "David Berg"]
    for name in names:
        ApplicationFactory(
            opening=opening,
            name=name,
            email=f"{name.split()[0].lower()}@example.se",
            privacy_notice=notice,
        )
    page = page_in()
    page.set_viewport_size({"width": 1400, "height": 900})  # the board wants a desk
    log_in(page, "rekryterare", PASSWORD)

    # Screening on the board: the keyboard, then drag and drop.
    page.goto(f"/recruit/openings/{opening.pk}/board/")
    card(page, "Astrid Lindqvist").focus()
    page.keyboard.press("ArrowRight")
    column(page, "reviewing").locator("article.card", has_text="Astrid").wait_for()
    # board.js (deferred) gives the focus back after the page is parsed: wait for it.
    expect(card(page, "Astrid Lindqvist")).to_be_focused()
    assert page.evaluate(
        "document.activeElement.closest('article.card') === document.activeElement"
    )
    assert "Astrid" in page.evaluate("document.activeElement.querySelector('h3').textContent")
    # Held by its middle: its move form is folded away (UX review problem 22).
    card(page, "Bertil Ek").drag_to(column(page, "reviewing"))
    column(page, "reviewing").locator("article.card", has_text="Bertil").wait_for()
    assert set(Application.objects.filter(stage="reviewing").values_list("name", flat=True)) == {
        "Astrid Lindqvist",
        "Bertil Ek",
    }

    # Two rejected in bulk, with a reason and the template, a day later.
    for name in ("Cecilia Holm", "David Berg"):
        card(page, name).get_by_role("checkbox").check()
    page.select_option("#id_reason", index=1)
    page.get_by_role("button", name="Reject").click()
    expect(page.locator("main")).to_contain_text("2 applicants rejected.")
    screenshot(page, "6-board")

    # An interview the candidate books through the link in the invitation.
    page.get_by_role("link", name="Astrid Lindqvist").click()
    page.locator("summary", has_text="Propose an interview").click()
    slot = (timezone.localtime() + timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    page.fill("#id_time_1", slot.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "Kontoret, Storgatan 1, Borås")
    page.get_by_role("group", name="Interviewers").get_by_label("intervjuare").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("The candidate is invited to choose a time.")).to_be_visible()
    assert sent_emails("candidate emails") == 1
    invitation = mail.outbox[-1]
    link = re.search(r"https?://\S+/my-application/\S+/interview/", invitation.body).group(0)
    candidate = page_in("sv-SE")
    candidate.goto(link)
    candidate.get_by_role("radio").check()
    candidate.get_by_role("button", name="Boka den här tiden").click()
    expect(candidate.locator("main")).to_contain_text("Din intervju är bokad")
    screenshot(candidate, "7-interview-booked")
    interview = Interview.objects.get()
    assert (interview.status, interview.starts_at) == ("booked", slot)
    sent_emails("candidate emails")
    (booked,) = [m for m in mail.outbox if m.to == ["astrid@example.se"] and "bokad" in m.subject]
    assert booked.attachments[0][0] == "invite.ics"

    # Scores, then the decision with its confirmation.
    page.reload()
    page.get_by_label("Ledarskap:", exact=True).select_option("4")
    page.get_by_role("button", name="Save my scores").click()
    expect(page.get_by_text("Your scores are saved.")).to_be_visible()
    page.fill("#id_text", "Stark på ledarskap. @intervjuare, vad tyckte du?")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note saved.")).to_be_visible()
    page.goto(f"/recruit/openings/{opening.pk}/decision/")
    page.get_by_label("Astrid Lindqvist").check()
    page.get_by_role("button", name="Record the hiring decision").click()
    # The one who will be told, on the confirmation only (the form lists those hired).
    expect(page.locator("main")).to_contain_text("Bertil Ek")
    page.get_by_role("button", name="Yes, record the hiring decision").click()
    expect(page.locator(".messages")).to_contain_text("Hiring decision recorded")
    delete_after = Application.objects.get(name="Bertil Ek").delete_after
    assert Application.objects.get(name="Astrid Lindqvist").stage == "hired"

    # Everyone not hired is told, with their deletion date: now, and the rejected a day on.
    mail.outbox.clear()
    sent_emails("candidate emails")
    sent_emails("candidate emails", now=timezone.now() + timedelta(hours=25))
    told = {message.to[0]: message for message in mail.outbox if "@example.se" in message.to[0]}
    assert set(told) == {"bertil@example.se", "cecilia@example.se", "david@example.se"}
    with translation.override("sv"):  # the language they applied in
        deletion_date = date_format(timezone.localtime(delete_after), "j F Y")
    assert all(deletion_date in message.body for message in told.values())
    assert told["bertil@example.se"].subject == "Tjänsten Lagerchef är tillsatt"
    assert delete_after == retention.deadline_after_decision(
        Application.objects.get(name="Bertil Ek").decided_at
    )

    # Two years on, the purge leaves nothing of them.
    held = (Score, Interview, InterviewSlot, CandidateEmail, Note, StageChange)
    assert all(model.objects.exists() for model in held)
    purge_due(now=delete_after + timedelta(minutes=1))
    assert not Application.objects.exists()
    assert {model.__name__: model.objects.count() for model in held} == dict.fromkeys(
        (model.__name__ for model in held), 0
    )
    assert cv_files.remaining() == []


def test_a_booked_interview_is_cancelled_with_one_press(page_in):
    """The button that cancels sits beside the move's new-time field, which a move
    requires: the browser must send the cancellation without it."""
    opening = OpeningFactory(title="Lagerchef")
    staff("rekryterare", opening, "recruiter")
    application = ApplicationFactory(opening=opening, name="Astrid Lindqvist")
    interview = Interview.objects.create(
        application=application,
        place="Kontoret",
        status=Interview.Status.BOOKED,
        starts_at=timezone.now() + timedelta(days=2),
    )
    page = page_in()
    log_in(page, "rekryterare", PASSWORD)

    page.goto(f"/recruit/applications/{application.public_id}/")
    page.get_by_role("button", name="Cancel the interview").click()

    page.get_by_text("The interview is cancelled; everyone is told.").wait_for()
    interview.refresh_from_db()
    assert interview.status == Interview.Status.CANCELLED


def test_an_interviewer_reads_the_cv_inside_the_page_on_a_phone(page_in, cv_files):
    opening = OpeningFactory(title="Lagerchef")
    staff("intervjuare", opening, "interviewer")
    application = ApplicationFactory(opening=opening, name="Astrid Lindqvist", stage="interview")
    page = page_in()
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, "intervjuare", PASSWORD)

    page.goto(f"/recruit/applications/{application.public_id}/")
    page.get_by_role("link", name="View CV").click()
    page.get_by_role("heading", name="CV of Astrid Lindqvist").wait_for()
    first = page.get_by_role("img", name="Page 1 of 2 of the CV, as an image; its text follows")
    second = page.get_by_role("img", name=re.compile("^Page 2 of 2"))
    for image in (first, second):  # the second is loaded when scrolled to
        image.scroll_into_view_if_needed()
        image.evaluate("image => image.decode()")

    drawn = page.evaluate("[...document.images].map(i => [i.naturalWidth, i.clientWidth])")
    assert [natural for natural, _ in drawn] == [1200, 1200]
    assert all(shown <= 320 for _, shown in drawn)  # scaled to the screen
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    page.get_by_text("The text of page 2").click()
    assert "Karlstads universitet" in page.locator("main").inner_text()
    screenshot(page, "8-cv-inside-the-page")

    page.get_by_role("link", name="Back to the application of Astrid Lindqvist").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/recruit/applications/{application.public_id}/")
