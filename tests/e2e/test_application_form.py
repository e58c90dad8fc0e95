"""The application form's script (application-form.js): a CV checked as it is chosen,
and a warning before the language switch empties what was typed."""

import pytest

from ats.models import Application
from tests.e2e.checks import accessibility_violations
from tests.factories import SAMPLES, PrivacyNoticeFactory
from tests.helpers import open_ad

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE_PDF = SAMPLES / "cv-astrid-lindqvist.pdf"


@pytest.fixture(autouse=True)
def notice():
    return PrivacyNoticeFactory()


def test_a_cv_too_large_or_of_another_type_is_refused_as_it_is_chosen(page_in, settings, cv_files):
    # UX review problem 6: a 20 MB CV was only refused after the whole upload.
    settings.ATS_CV_MAX_BYTES = SAMPLE_PDF.stat().st_size + 1000
    page = page_in()
    page.goto("/apply/")
    page.fill("#id_name", "Astrid Lindqvist")
    error = page.locator("#id_cv_chosen_error")

    big = {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-" + b"0" * 60_000}
    page.set_input_files("#id_cv", big)
    assert error.inner_text().startswith("The file is too large; the largest accepted is")
    assert error.get_attribute("role") == "alert"
    assert page.eval_on_selector("#id_cv", "input => input.files.length") == 0  # not sent
    assert page.get_attribute("#id_cv", "aria-invalid") == "true"
    assert "id_cv_chosen_error" in page.get_attribute("#id_cv", "aria-describedby")

    text = {"name": "cv.txt", "mimeType": "text/plain", "buffer": b"Astrid"}
    page.set_input_files("#id_cv", text)
    assert error.inner_text().startswith("Please upload your CV as a PDF")

    page.set_input_files("#id_cv", SAMPLE_PDF)
    assert error.count() == 0 and page.get_attribute("#id_cv", "aria-invalid") is None
    assert page.get_attribute("#id_cv", "aria-describedby") == "id_cv_helptext"
    page.fill("#id_email", "astrid@example.se")
    page.check("#id_consent")
    page.get_by_role("button", name="Send application").click()
    page.wait_for_url("**/applied/**")
    assert Application.objects.get().cv_filename == SAMPLE_PDF.name


def test_the_language_switch_asks_before_it_empties_the_form(page_in):
    # UX review problem 28: switching the language lost the name and the letter.
    page = page_in()
    page.goto("/apply/")
    asked = []

    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.fill("#id_name", "Astrid Lindqvist")
    page.fill("#id_cover_letter", "Hej!")
    page.get_by_role("button", name="Svenska").click()
    assert asked and "what you have typed or chosen in the form is lost" in asked[0]
    assert page.input_value("#id_name") == "Astrid Lindqvist"  # still here, in English
    assert page.locator("html").get_attribute("lang") == "en"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Svenska").click()
    page.wait_for_selector("html[lang=sv]")
    page.wait_for_load_state()  # the form's deferred script asks from then on
    assert page.input_value("#id_name") == ""  # as the warning said

    page.on("dialog", lambda dialog: asked.append(dialog.message) or dialog.dismiss())
    page.get_by_role("button", name="English").click()  # nothing typed: no question
    page.wait_for_selector("html[lang=en]")
    assert len(asked) == 1


def test_the_copy_button_puts_the_ads_tagged_link_on_the_clipboard(page_in, live_server):
    open_ad(slug="lagerchef")
    page = page_in()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/jobs/lagerchef/")

    page.get_by_role("button", name="Copy").click()

    assert page.get_by_role("status").inner_text() == "Copied."
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server.url}/jobs/lagerchef/?source=link"


@pytest.mark.parametrize("extension", ["pdf", "docx", "odt"])
def test_a_cv_fills_the_form_on_the_device_when_the_candidate_says_so(page_in, extension, cv_files):
    """Issue 36: the name, email and phone read from the CV in the browser, shown, and
    filled only on the candidate's word; nothing is sent while it is read."""
    page = page_in()
    page.goto("/apply/")
    sent = []
    page.on("request", lambda request: sent.append((request.method, request.url)))

    page.set_input_files("#id_cv", SAMPLES / f"cv-astrid-lindqvist.{extension}")
    offer = page.get_by_role("region", name="From your CV")
    offer.wait_for()  # read in a worker: a moment
    assert offer.locator("li").all_inner_texts() == [
        "Name: Astrid Lindqvist",
        "Email: astrid.lindqvist@example.se",
        "Phone: 070-000 00 00",
    ]
    assert page.input_value("#id_name") == ""  # nothing filled before the candidate says so

    offer.get_by_role("button", name="Fill in the form with these").click()
    assert page.input_value("#id_name") == "Astrid Lindqvist"
    assert page.input_value("#id_email") == "astrid.lindqvist@example.se"
    assert page.input_value("#id_phone") == "070-000 00 00"
    assert page.evaluate("document.activeElement.id") == "id_name"  # to read them over
    assert "Read them over" in offer.locator("[data-done]").inner_text()
    assert [url for method, url in sent if method != "GET" or "/static/ats/" not in url] == []
    assert accessibility_violations(page) == []

    page.check("#id_consent")
    page.get_by_role("button", name="Send application").click()
    page.wait_for_url("**/applied/**")
    stored = Application.objects.get()  # what was filled is what was stored
    assert (stored.name, stored.email, stored.phone) == (
        "Astrid Lindqvist",
        "astrid.lindqvist@example.se",
        "070-000 00 00",
    )
    assert stored.cv_filename == f"cv-astrid-lindqvist.{extension}"
