"""Single sign-on in Chromium against real identity providers on this machine: the npm
registry's certified OpenID Connect provider (`oidc-provider`,
tests/identity/oidc_provider.mjs) and pysaml2's SAML 2.0 IdP (tests/identity/saml_idp.py).
A recruiter signs in there, lands on /recruit/ with the role their group maps to, and
needs no authenticator app of ours."""

import copy
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.faults import free_port
from tests.helpers import at_path

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


def wait_for(url: str, process: subprocess.Popen) -> None:
    """Until the provider answers: it has just been started, and starts slowly on a busy
    machine (node's modules, pysaml2's key). An error, not a test against nothing, if
    it stops or has not answered within a minute."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the identity provider did not answer at {url}")


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
    wait_for(f"{issuer}/.well-known/openid-configuration", process)
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
                        "scope": settings.ATS_OIDC_SCOPES,  # the site's own
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
    process.kill()  # it keeps nothing that a graceful stop would save
    process.wait()


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
    page.wait_for_url(at_path("/recruit/"))

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    maja = get_user_model().objects.get(email="maja.sjoberg@example.se")
    assert maja.is_staff and [g.name for g in maja.groups.all()] == ["ats.recruiter"]
    assert not maja.has_usable_password()


@pytest.fixture
def saml_identity_provider(live_server, settings, request):
    """pysaml2's IdP, signing as Entra ID does (or with the algorithm a test's
    `signed_with` mark names), and ats configured for it."""
    base = f"http://127.0.0.1:{free_port()}"
    signed_with = request.node.get_closest_marker("signed_with")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "identity" / "saml_idp.py")],
        env={
            **os.environ,
            "BASE": base,
            "SP_METADATA_URL": f"{live_server.url}/accounts/saml/sso/metadata/",
            **({"SIGN_ALG": signed_with.args[0]} if signed_with else {}),
            "ACCOUNTS": json.dumps(
                {"maja": {**ACCOUNTS["maja"], "given_name": "Maja", "family_name": "Sjöberg"}}
            ),
        },
    )
    wait_for(f"{base}/metadata", process)
    apps = [
        {
            "name": "Exempel SAML",
            "client_id": "sso",
            "settings": {
                "idp": {"entity_id": f"{base}/metadata", "metadata_url": f"{base}/metadata"},
                "attribute_mapping": settings.ATS_SAML_ATTRIBUTE_MAPPING,
                # The live server is at "localhost", a name of one label.
                "advanced": {"want_assertion_signed": True, "allow_single_label_domains": True},
            },
        }
    ]
    settings.SOCIALACCOUNT_PROVIDERS = {"saml": {"APPS": apps}}
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(base)  # as config/settings.py adds it
    settings.CONTENT_SECURITY_POLICY = policy
    settings.ATS_SSO_GROUP_ROLES = {"HR-rekryterare": "ats.recruiter"}
    yield base
    process.kill()  # it keeps nothing that a graceful stop would save
    process.wait()


def sign_in_at_the_saml_provider(page, provider: str) -> None:
    page.goto("/recruit/")
    page.get_by_role("button", name="Log in with Exempel SAML").click()
    page.wait_for_url(f"{provider}/**")  # the IdP's own login page
    page.get_by_label("User").fill("maja")
    page.get_by_label("Password").fill("vad som helst")
    page.get_by_role("button", name="Sign in").click()


def test_a_recruiter_signs_in_through_saml_and_lands_with_their_role(
    page_in, saml_identity_provider
):
    page = page_in()
    sign_in_at_the_saml_provider(page, saml_identity_provider)
    page.wait_for_url(at_path("/recruit/"))

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    maja = get_user_model().objects.get(email="maja.sjoberg@example.se")
    assert maja.is_staff and [g.name for g in maja.groups.all()] == ["ats.recruiter"]
    assert (maja.first_name, maja.last_name) == ("Maja", "Sjöberg")
    assert not maja.has_usable_password()


@pytest.mark.signed_with("http://www.w3.org/2000/09/xmldsig#rsa-sha1")
def test_an_assertion_signed_with_sha1_lets_no_one_in(page_in, saml_identity_provider):
    page = page_in()
    sign_in_at_the_saml_provider(page, saml_identity_provider)
    page.wait_for_url("**/accounts/saml/sso/acs/finish/")

    assert not get_user_model().objects.filter(email="maja.sjoberg@example.se").exists()
    assert page.goto("/recruit/").url.split("?")[0].endswith("/accounts/login/")


def test_provisioned_signed_in_and_removed_at_the_provider_the_session_ends(
    page_in, saml_identity_provider, settings, client
):
    """The whole round: the provider creates her account over SCIM, she signs in
    through it (into that one account, not a second), the provider deactivates her,
    and her open page is a login page at its next request."""
    settings.ATS_SCIM_TOKEN = token = "scim-" + "t" * 40
    provider = {"content_type": "application/scim+json",
                "headers": {"Authorization": f"Bearer {token}"}}  # fmt: skip
    made = client.post("/scim/v2/Users", {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "maja.sjoberg@example.se", "active": True,
        "emails": [{"type": "work", "value": "maja.sjoberg@example.se"}],
    }, **provider)  # fmt: skip
    assert made.status_code == 201, made.content

    page = page_in()
    sign_in_at_the_saml_provider(page, saml_identity_provider)
    page.wait_for_url(at_path("/recruit/"))
    maja = get_user_model().objects.get(email="maja.sjoberg@example.se")
    assert str(maja.pk) == made.json()["id"] and maja.is_staff

    client.patch(f"/scim/v2/Users/{maja.pk}", {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "active", "value": False}],
    }, **provider)  # fmt: skip

    page.reload()
    assert "/accounts/login/" in page.url
