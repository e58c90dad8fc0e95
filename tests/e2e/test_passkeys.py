"""A passkey in Chromium, through its virtual authenticator (a device's own passkey
store, as a phone's or a laptop's): a recruiter adds one after logging in with the
authenticator app, and from then on logs in with it alone."""

import pytest
from playwright.sync_api import expect

from tests.factories import OpeningFactory
from tests.helpers import at_path, log_in, on_team

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "ett långt lösenord"


@pytest.fixture
def authenticator(page_in):
    """A page whose browser holds a virtual platform authenticator that says yes."""
    page = page_in()
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    added = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return page, session, added["authenticatorId"]


def add_a_passkey(page, name: str, *, passwordless: bool) -> None:
    """A recruiter of "Lagerchef", logged in with the authenticator app, adds one."""
    opening = OpeningFactory(title="Lagerchef")
    recruiter = on_team(opening, "rekryterare")
    recruiter.set_password(PASSWORD)
    recruiter.save()
    log_in(page, "rekryterare", PASSWORD)
    page.get_by_role("link", name="Sign-in security").click()
    page.get_by_role("link", name="Add").click()
    page.get_by_label("Name").fill(name)
    if passwordless:  # a passkey that logs in by itself; else a second factor
        page.get_by_label("Passwordless").check()
    page.wait_for_load_state("load")  # allauth's script listens from then on
    page.get_by_role("button", name="Add").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")  # allauth's next step


def test_a_recruiter_adds_a_passkey_and_logs_in_with_it_alone(authenticator):
    page, session, authenticator_id = authenticator
    add_a_passkey(page, "Min telefon", passwordless=True)
    stored = session.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(stored["credentials"]) == 1 and stored["credentials"][0]["isResidentCredential"]

    page.goto("/recruit/")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")  # logged out before the next request
    page.goto("/recruit/")
    page.wait_for_url("**/accounts/login/**")  # its load: the script listens
    page.get_by_role("button", name="Log in with a passkey").click()
    page.wait_for_url(at_path("/recruit/"))
    expect(page.get_by_role("link", name="Lagerchef")).to_be_visible()


def test_a_recruiter_answers_the_second_factor_with_a_passkey(authenticator):
    """Issue 37: a passkey as the second factor, after the password, in place of the
    authenticator app's code."""
    page, session, authenticator_id = authenticator
    add_a_passkey(page, "Säkerhetsnyckel", passwordless=False)
    page.goto("/recruit/")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")

    page.goto("/recruit/")
    page.fill("#id_login", "rekryterare")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.locator("#id_code").wait_for()  # the second factor's step
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Use a security key").click()  # no code typed
    page.wait_for_url(at_path("/recruit/"))
    expect(page.get_by_role("link", name="Lagerchef")).to_be_visible()
    used = session.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert used["credentials"][0]["signCount"] >= 2  # made, then asked at the login
