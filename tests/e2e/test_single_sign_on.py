"""Single sign-on in Chromium against a real OpenID Connect provider on this machine
(the npm registry's certified `oidc-provider`, tests/identity/oidc_provider.mjs): a
recruiter signs in there, lands on /recruit/ with the role their group maps to, and
needs no authenticator app of ours; a change of group at the provider is their role at
the next sign-in."""

import copy
import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = {
    "maja": {
        "email": "maja.sjoberg@example.se",
        "given_name": "Maja",
        "family_name": "Sjöberg",
        "groups": ["HR-rekryterare", "Alla anställda"],
    }
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def identity_provider(live_server, settings):
    """The provider, with ats registered as its client, and ats configured for it."""
    issuer = f"http://localhost:{free_port()}"
    client = {"CLIENT_ID": "ats", "CLIENT_SECRET": "hemligt-for-test-0123456789"}
    redirect = f"{live_server.url}/accounts/oidc/sso/login/callback/"
    process = subprocess.Popen(
        ["node", str(ROOT / "tests" / "identity" / "oidc_provider.mjs")],
        env={
            **os.environ,
            **client,
            "ISSUER": issuer,
            "REDIRECT_URI": redirect,
            "ACCOUNTS": json.dumps(ACCOUNTS),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Exempel AB",
                    "client_id": client["CLIENT_ID"],
                    "secret": client["CLIENT_SECRET"],
                    "settings": {
                        "server_url": issuer,
                        "token_auth_method": "client_secret_post",
                        "scope": ["openid", "profile", "email", "groups"],
                    },
                }
            ],
        }
    }
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(issuer)  # as config/settings.py adds it
    settings.CONTENT_SECURITY_POLICY = policy
    settings.ATS_SSO_GROUP_ROLES = {
        "HR-rekryterare": "ats.recruiter",
        "HR-chefer": "ats.hiring_manager",
    }
    yield issuer
    process.terminate()
    process.wait(5)


def test_a_recruiter_signs_in_at_the_employers_provider_and_lands_with_their_role(
    page_in, identity_provider
):
    page = page_in()
    page.goto("/recruit/")
    page.get_by_role("button", name="Log in with Exempel AB").click()
    page.wait_for_url(f"{identity_provider}/**")  # the provider's own login page
    page.fill("input[name=login]", "maja")
    page.fill("input[name=password]", "vad som helst")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # the provider's consent
    page.wait_for_url("**/recruit/")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    maja = get_user_model().objects.get(email="maja.sjoberg@example.se")
    assert maja.is_staff and [g.name for g in maja.groups.all()] == ["ats.recruiter"]
    assert not maja.has_usable_password()
