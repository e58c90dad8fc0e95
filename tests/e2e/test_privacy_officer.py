"""The privacy officer in the browser, on a narrow phone: a person writes in; she finds
their applications, holds one for a legal claim, erases the rest after the
confirmation, and opens the deletion certificate from the message, typing no id."""

import pytest
from playwright.sync_api import expect

from ats.models import Application, PrivacyRequest
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, grant
from tests.helpers import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "ett långt lösenord"


def fits(page) -> bool:
    """Nothing scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_privacy_officer_holds_one_and_erases_the_rest_of_a_persons_applications(
    page_in, cv_files
):
    officer = grant(UserFactory(username="dataskydd"), "handle_privacy_requests", "set_legal_hold")
    officer.set_password(PASSWORD)
    officer.save()
    erased = ApplicationFactory(
        opening=OpeningFactory(title="Lagerchef"),
        name="Astrid Lindqvist",
        email="astrid@example.se",
    )
    held = ApplicationFactory(
        opening=OpeningFactory(title="Truckförare"),
        name="Astrid Lindqvist",
        email="Astrid@example.se",
    )
    page = page_in()
    page.set_viewport_size({"width": 320, "height": 800})
    log_in(page, "dataskydd", PASSWORD)

    page.goto("/recruit/privacy/")
    page.get_by_label("The person's email address").fill("astrid@example.se")
    page.get_by_label("Case reference (optional)").fill("ärende 2026-041")
    page.get_by_role("button", name="Find applications").click()
    page.wait_for_url("**/recruit/privacy/found/*/")
    assert "astrid" not in page.url
    rows = page.locator("article.card")
    assert rows.count() == 2 and fits(page)
    screenshot(page, "privacy-1-found")

    row = rows.filter(has_text="Truckförare")
    row.locator("summary", has_text="Place on legal hold").click()
    row.get_by_label("Reason").fill("Tvist AD 2026-12")
    row.get_by_role("button", name="Place on legal hold").click()
    expect(page.locator("main")).to_contain_text("Placed on legal hold.")
    expect(row).to_contain_text("On legal hold until lifted: Tvist AD 2026-12")

    page.get_by_role("link", name="Erase these…").click()
    page.wait_for_url("**/erase/")
    main = page.locator("main").inner_text()
    assert "Kept: on legal hold" in main and "Erased now" in main and fits(page)
    screenshot(page, "privacy-2-confirm")
    assert Application.objects.count() == 2  # the confirmation itself erased nothing

    page.get_by_role("button", name="Erase the applications found").click()
    page.wait_for_url("**/recruit/privacy/")
    message = page.locator(".messages")
    assert "1 application erased. 1 kept on legal hold" in message.inner_text()
    screenshot(page, "privacy-3-erased")
    assert list(Application.objects.all()) == [held]
    assert PrivacyRequest.objects.get().case_reference == "ärende 2026-041"

    with page.expect_download() as download:
        message.get_by_role("link", name="Lagerchef").click()
    certificate = download.value.path().read_text()
    assert str(erased.public_id) in certificate and "ärende 2026-041" in certificate
    assert "Astrid" not in certificate
