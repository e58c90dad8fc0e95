"""The careers site in the browser: its administrator gives it a logo and colours, a
visitor presses the video before anything loads from YouTube, a phone's camera reads
an ad's printed QR code and applies through it (counted as from print), and a
recruiter starts an ad from its department's template, gives it its own stages and
shares it."""

import io
import re
from datetime import timedelta

import pytest
import zxingcpp
from django.contrib.auth.models import Group
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from ats.models import Application, ArrivalCount, CareersImage, CareersSite, Opening
from ats.services.careers_site import save_careers_site
from ats.services.demo_brand import load_demo_brand
from tests.factories import SAMPLES, ApplicationFactory, PrivacyNoticeFactory, UserFactory
from tests.helpers import log_in, open_ad

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "ett långt lösenord"


def test_the_administrator_brands_the_site_and_candidates_see_it(page_in):
    admin = UserFactory(username="admin", is_staff=True)
    admin.groups.add(Group.objects.get(name="ats.administrator"))
    admin.set_password(PASSWORD)
    admin.save()
    logo = io.BytesIO()
    Image.new("RGBA", (400, 100), (255, 255, 255, 0)).save(logo, "PNG")
    page = page_in()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin", PASSWORD)

    page.get_by_role("link", name="Careers site").click()
    page.get_by_label("Employer's name").fill("Exempel kommun")
    page.get_by_label("Colour of the top banner").fill("#123b5c")
    page.get_by_label("Colour of the banner's text").fill("#2a5a80")  # too faint on it
    page.set_input_files(
        "#id_logo_file", {"name": "logo.png", "mimeType": "image/png", "buffer": logo.getvalue()}
    )
    page.get_by_role("button", name="Save the careers site").click()
    assert "too faint" in page.locator(".errorlist").inner_text()
    assert page.get_by_label("Colour of the banner's text").get_attribute("aria-invalid") == "true"

    page.get_by_label("Colour of the banner's text").fill("#ffffff")
    page.set_input_files(
        "#id_logo_file", {"name": "logo.png", "mimeType": "image/png", "buffer": logo.getvalue()}
    )
    page.get_by_role("button", name="Save the careers site").click()
    assert "The careers site is saved" in page.locator(".messages").inner_text()

    page.goto("/jobs/")
    banner = page.locator(".brand-banner")
    assert banner.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(18, 59, 92)"
    logo_url = CareersImage.objects.get().get_absolute_url()
    assert (
        banner.get_by_role("img", name="Exempel kommun: open positions").get_attribute("src")
        == logo_url
    )


def test_the_video_loads_only_when_the_visitor_presses_it(page_in):
    site = CareersSite.objects.one()
    site.video_url, site.video_title = "https://youtu.be/aqz-KE-bpKQ", "En dag på lagret"
    save_careers_site(site=site, pictures={})
    page = page_in()
    elsewhere = []
    page.on(
        "request",
        lambda request: elsewhere.append(request.url) if "localhost" not in request.url else None,
    )
    page.route(
        re.compile(r"https://www\.youtube-nocookie\.com/.*"),
        lambda route: route.fulfill(body="<title>video</title>", content_type="text/html"),
    )

    page.goto("/jobs/")
    page.wait_for_load_state("networkidle")
    assert elsewhere == []

    page.get_by_role("link", name=re.compile("En dag på lagret")).click()
    player = page.locator("iframe.video-player")
    assert (
        player.get_attribute("src")
        == "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"
    )
    assert player.get_attribute("title") == "En dag på lagret"
    page.wait_for_load_state("networkidle")
    assert elsewhere == ["https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"]


def test_a_printed_qr_code_leads_a_phone_to_the_ad_and_counts_as_print(
    page_in, live_server, cv_files
):
    PrivacyNoticeFactory()
    ad = open_ad(title="Lagerchef")
    page = page_in()

    page.goto(f"/jobs/{ad.slug}/")
    qr_code = page.get_by_role("link", name="QR code for print").get_attribute("href")
    page.set_viewport_size({"width": 800, "height": 800})  # the whole code in sight
    page.goto(qr_code)  # the SVG as a printer draws it, and a camera sees it
    seen = Image.open(io.BytesIO(page.screenshot()))
    [found] = zxingcpp.read_barcodes(seen)
    assert found.text == f"{live_server.url}/jobs/{ad.slug}/?source=qr"

    page.goto(found.text)
    page.fill("#id_name", "Astrid Lindqvist")
    page.fill("#id_email", "astrid@example.se")
    page.set_input_files("#id_cv", SAMPLES / "cv-astrid-lindqvist.pdf")
    page.get_by_role("button", name="Send application").click()
    page.wait_for_url("**/applied/**")
    assert Application.objects.get().source == "qr"
    assert ArrivalCount.objects.get().source == "qr"


def test_a_recruiter_builds_an_ad_from_its_departments_template_with_its_own_stages_and_shares_it(
    page_in,
):
    load_demo_brand()
    recruiter = UserFactory(username="rekryterare", is_staff=True)
    recruiter.groups.add(Group.objects.get(name="ats.recruiter"))
    recruiter.set_password(PASSWORD)
    recruiter.save()
    page = page_in()
    log_in(page, "rekryterare", PASSWORD)

    page.goto("/recruit/openings/new/")
    page.get_by_label("Start from a department's template").select_option(
        label="Lagermedarbetare, dagtid"
    )
    page.get_by_role("button", name="Use the template").click()
    expect(page.locator("#id_title")).to_have_value("Lagermedarbetare")
    expect(page.locator("#id_department")).to_have_value("Logistik")
    page.fill("#id_application_deadline", (timezone.localdate() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Save as a draft").click()
    page.get_by_role("button", name="Publish now").click()
    page.get_by_role("button", name="Yes: publish now").click()
    expect(page.get_by_text("The ad is published: it is on the careers page.")).to_be_visible()

    # Its stages: the template's (a work sample, a visit to the warehouse), the
    # interview named as the team says it, the visit moved before it, and references.
    opening = Opening.objects.get(title="Lagermedarbetare")
    page.goto(f"/recruit/openings/{opening.pk}/")
    page.get_by_role("link", name="Stages", exact=True).click()
    interview = page.get_by_role("region", name="Interview", exact=True)
    interview.get_by_label("Name").first.fill("Intervju med chef")
    interview.get_by_role("button", name="Rename").first.click()
    expect(page.get_by_text("The stage is now called “Intervju med chef”.")).to_be_visible()
    page.get_by_role("button", name="Move earlier Besök på lagret").click()
    expect(page.get_by_text("The stage “Besök på lagret” is moved.")).to_be_visible()
    offer = page.get_by_role("region", name="Offer", exact=True)
    offer.get_by_label("New stage of the kind “Offer”").fill("Referenser")
    offer.get_by_role("button", name="Add a stage").click()
    expect(page.get_by_text("The stage “Referenser” is added.")).to_be_visible()
    ApplicationFactory(opening=opening, name="Astrid Lindqvist", stage="reviewing")
    page.get_by_role("link", name="Board").click()
    # The click does not wait for the next page: expect retries until the board is there.
    expect(page.locator(".board-column h2")).to_have_text(
        [
            re.compile(rf"^{re.escape(name)} \(")
            for name in (
                "New",
                "Reviewing",
                "Arbetsprov",
                "Besök på lagret",
                "Intervju med chef",
                "Offer",
                "Referenser",
                "Hired",
                "Rejected",
            )
        ]
    )
    page.wait_for_load_state("load")  # board.js listens from DOMContentLoaded
    card = page.locator(".card", has_text="Astrid Lindqvist")
    card.focus()
    with page.expect_navigation():  # board.js sends the card's own form
        card.press("ArrowRight")  # to the next column, the work sample
    column = page.get_by_role("region", name="Arbetsprov (1)")
    expect(column.get_by_role("link", name="Astrid Lindqvist")).to_be_visible()
    assert Application.objects.get(name="Astrid Lindqvist").pipeline_stage.name == "Arbetsprov"

    page.goto("/jobs/departments/logistik/")  # on its department's page
    page.get_by_role("link", name="Lagermedarbetare").click()
    share = page.get_by_role("region", name="Share this job")
    slug = opening.slug
    assert share.get_by_role("textbox").input_value().endswith(f"/jobs/{slug}/?source=link")
    assert share.get_by_role("link", name="QR code for print").get_attribute("href") == (
        f"/jobs/{slug}/qr.svg"
    )
