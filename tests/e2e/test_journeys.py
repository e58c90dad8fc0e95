"""Four journeys, each as a person would click through it, on a phone-sized screen."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from ats import retention
from ats.models import Application, DeletionRecord
from tests.factories import (
    SAMPLES,
    OpeningFactory,
    PrivacyNoticeFactory,
    UserFactory,
    emailed_link,
    sent_emails,
)
from tests.helpers import log_in, open_ad, screenshot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("shipped_email_templates"),  # the receipt is the employer's text
]

SAMPLE_PDF = SAMPLES / "cv-astrid-lindqvist.pdf"


@pytest.fixture(autouse=True)
def notice():
    return PrivacyNoticeFactory()


def fill_application(page, *, consent: bool) -> None:
    page.fill("#id_name", "Astrid Lindqvist")
    page.fill("#id_email", "astrid@example.se")
    page.fill("#id_cover_letter", "Hej! Jag söker tjänsten.")
    page.set_input_files("#id_cv", SAMPLE_PDF)
    if consent:
        page.check("#id_consent")


def test_candidate_applies_to_an_opening_in_swedish(page_in, settings, cv_files):
    settings.LANGUAGE_CODE = "sv"
    opening = OpeningFactory(title="Lagerchef")
    page = page_in("sv-SE")

    page.goto("/jobs/")
    page.get_by_role("link", name="Lagerchef").click()
    fill_application(page, consent=False)
    page.get_by_role("button", name="Skicka ansökan").click()

    page.wait_for_url("**/applied/**")
    today = timezone.localdate()
    body = page.locator("main").inner_text()
    assert "Tack för din ansökan" in body
    assert f"den {today.day} " in body and str(today.year) in body
    application = Application.objects.get()
    assert application.opening == opening and application.delete_after is None
    assert cv_files.read(application.cv.name) == SAMPLE_PDF.read_bytes()
    screenshot(page, "1-applied-to-an-opening")


def test_spontaneous_application_without_consent_is_not_kept(page_in, cv_files):
    page = page_in()
    page.goto("/apply/")
    assert not page.is_checked("#id_consent")  # never pre-ticked
    fill_application(page, consent=False)
    page.get_by_role("button", name="Send application").click()
    # Asked in the page first: nothing is sent, nothing typed is lost.
    expect(page.get_by_role("alertdialog")).to_be_visible()
    assert not DeletionRecord.objects.exists()
    page.get_by_role("button", name="Don't keep it").click()

    page.wait_for_url("**/applied/**")
    assert "Your application was not kept" in page.locator("main").inner_text()
    assert not Application.objects.exists()
    assert cv_files.remaining() == []
    assert DeletionRecord.objects.get().reason == "consent_absent"
    screenshot(page, "2-spontaneous-not-kept")


def test_the_question_keeps_the_application_with_consent_and_its_file(page_in, cv_files):
    page = page_in()
    page.goto("/apply/")
    fill_application(page, consent=False)
    page.get_by_role("button", name="Send application").click()
    page.get_by_role("button", name="Keep it: I consent").click()

    page.wait_for_url("**/applied/**")
    application = Application.objects.get()
    assert application.consent_given_at is not None
    assert cv_files.read(application.cv.name) == SAMPLE_PDF.read_bytes()  # chosen once


def test_no_candidate_page_scrolls_sideways_on_a_phone(page_in, settings):
    opening = open_ad(
        title="Lagerchef med ett mycket långt namn på tjänsten",
        description="**Krav:** truckkort\n\n" + "Långaordutansluthärochdärochöverallt" * 3,
    )
    application = Application.objects.create(
        opening=opening,
        name="Astrid Lindqvist",
        email="astrid.lindqvist.med.en.mycket.lang.adress@exempel-arbetsgivaren.example.se",
        cv="cv/x.pdf",
        cv_filename="CV Astrid Lindqvist med ett mycket långt filnamn.pdf",
        privacy_notice=PrivacyNoticeFactory(),
    )
    page = page_in()
    page.goto(emailed_link(application))  # the candidate's session, as from the email
    pages = [
        "/jobs/", f"/jobs/{opening.slug}/", "/apply/", "/privacy/", "/my-data/",
        "/my-data/new-link/",
    ]  # fmt: skip
    own = page.url
    pages += [own, own + "edit/", own + "erase/", own + "restrict/"]
    for path in pages:
        page.goto(path)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], (path, width)


def test_the_demo_sites_icon_is_one_a_browser_draws(page_in):
    page = page_in()
    page.goto("/jobs/")

    width = page.evaluate(
        """() => new Promise(done => {
            const icon = new Image();
            icon.onload = () => done(icon.naturalWidth);
            icon.onerror = () => done(0);
            icon.src = "/favicon.ico";
        })"""
    )

    assert width == 32


def test_recruiter_writes_previews_and_publishes_an_ad(page_in, settings):
    settings.ATS_EMPLOYER_NAME = "Exempel AB"  # the ad's JobPosting names its employer
    recruiter = UserFactory(username="hr")
    recruiter.set_password("ett långt lösenord")
    recruiter.save()
    recruiter.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_opening", "change_opening", "publish_opening"]
        )
    )
    page = page_in()
    log_in(page, "hr", "ett långt lösenord")

    page.get_by_role("link", name="New opening").click()
    page.wait_for_load_state()  # the preview's deferred script listens from then on
    page.fill("#id_title", "Truckförare")
    page.fill("#id_location", "Borås")
    page.fill("#id_salary_min", "30000")
    page.fill("#id_salary_max", "34000")
    page.fill("#id_application_deadline", (timezone.localdate() + timedelta(days=14)).isoformat())
    page.fill("#id_description", "**Krav:** truckkort A och B")
    # The preview follows the typing, without a click.
    page.locator("#ad-preview strong", has_text="Krav:").wait_for()
    expect(page.locator("#ad-preview")).to_contain_text("34")
    page.get_by_role("button", name="Save as a draft").click()
    page.get_by_role("button", name="Publish now").click()
    page.get_by_role("button", name="Yes: publish now").click()
    expect(page.get_by_text("The ad is published: it is on the careers page.")).to_be_visible()

    page.goto("/jobs/")
    page.get_by_role("link", name="Truckförare").click()
    expect(page.get_by_role("heading", name="Truckförare", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Borås")
    expect(page.locator('script[type="application/ld+json"]')).to_have_count(1)
    screenshot(page, "5-published-ad")


def test_recruiter_reviews_downloads_the_cv_and_records_the_decision(
    page_in, client, notice, sample_upload
):
    opening = OpeningFactory(title="Lagerchef")
    client.post(
        f"/jobs/{opening.slug}/",
        {"name": "Astrid Lindqvist", "email": "astrid@example.se", "cv": sample_upload("pdf")},
    )
    recruiter = UserFactory(username="rekryterare")
    recruiter.set_password("ett långt lösenord")
    recruiter.save()
    recruiter.user_permissions.add(Permission.objects.get(codename="download_cv"))
    opening.hiring_team.add(recruiter)
    page = page_in()

    log_in(page, "rekryterare", "ett långt lösenord")
    page.get_by_role("link", name="Lagerchef").click()
    page.get_by_role("link", name="Astrid Lindqvist").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CV Astrid Lindqvist.pdf").click()
    assert Path(download.value.path()).read_bytes() == SAMPLE_PDF.read_bytes()
    page.select_option("#id_stage", "interview")
    page.get_by_role("button", name="Change stage").click()
    expect(page.get_by_text("Stage changed.")).to_be_visible()

    page.goto(f"/recruit/openings/{opening.pk}/decision/")
    page.get_by_label("Astrid Lindqvist").check()
    page.get_by_role("button", name="Record the hiring decision").click()
    page.get_by_role("button", name="Yes, record the hiring decision").click()

    expected = date_format(
        timezone.localtime(retention.deadline_after_decision(timezone.now())), "j F Y"
    )
    # In the message of the page after: the confirmation page says the date too.
    expect(page.locator(".messages")).to_contain_text(
        f"Hiring decision recorded. 1 application will be deleted on {expected}"
    )
    application = Application.objects.get()
    assert application.stage == "hired" and application.delete_after is not None
    screenshot(page, "3-hiring-decision-recorded")


def test_candidate_follows_the_emailed_link_and_withdraws_consent(
    page_in, cv_files, settings, live_server
):
    settings.ATS_SITE_URL = live_server.url  # the links in emails point at this server
    page = page_in()
    page.goto("/apply/")
    fill_application(page, consent=True)
    page.get_by_role("button", name="Send application").click()
    page.wait_for_url("**/applied/**")
    deadline = Application.objects.get().delete_after
    assert date_format(timezone.localtime(deadline), "j F Y") in page.locator("main").inner_text()

    sent_emails("receipts")  # the worker's minutely run
    link = re.search(r"https?://\S+/my-application/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    assert "Astrid Lindqvist" in page.locator("main").inner_text()
    page.get_by_role("link", name="Withdraw your consent").click()
    page.get_by_role("button", name="Withdraw my consent").click()

    expect(page.locator("main")).to_contain_text("You have withdrawn your consent")
    # The queue (here run at once, in-process) has deleted it, with its file.
    assert not Application.objects.exists()
    assert cv_files.remaining() == []
    assert DeletionRecord.objects.get().reason == "consent_withdrawn"
    assert deadline - timezone.now() > timedelta(days=700)  # it was due years from now
    screenshot(page, "4-consent-withdrawn")
