"""What the identity provider's groups make of a staff user at each sign-in
(config/single_sign_on.py), and the password login switched off for staff."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from ats.checks import check_saml_metadata_over_https, check_staff_passwords_beside_sign_on
from config.single_sign_on import give_roles, groups_claimed, roles_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

MAPPING = {"HR-rekryterare": "ats.recruiter", "HR-chefer": "ats.hiring_manager", "X": "admins"}


@pytest.fixture(autouse=True)
def mapping(settings):
    settings.ATS_SSO_GROUP_ROLES = MAPPING
    settings.ATS_SSO_GROUPS_CLAIM = "groups"


def test_only_the_shipped_roles_that_the_providers_groups_map_to_are_given():
    assert roles_of(["HR-chefer", "HR-rekryterare", "Alla"]) == [
        "ats.hiring_manager",
        "ats.recruiter",
    ]
    assert roles_of(groups_claimed({"groups": "HR-chefer"})) == [
        "ats.hiring_manager"
    ]  # one, as a string
    assert roles_of(["X"]) == [], "a group of the site's own is never given"
    assert roles_of(groups_claimed({})) == []


def test_each_sign_in_sets_the_roles_anew_and_keeps_the_sites_own_groups():
    user = UserFactory()
    own = Group.objects.create(name="Lönesättande chefer")
    user.groups.add(own, Group.objects.get(name="ats.privacy_officer"))

    give_roles(user, ["HR-rekryterare"])
    assert user.is_staff
    assert sorted(g.name for g in user.groups.all()) == ["Lönesättande chefer", "ats.recruiter"]

    give_roles(user, ["Alla"])  # moved to another department at the provider
    user.refresh_from_db()
    assert not user.is_staff
    assert [g.name for g in user.groups.all()] == ["Lönesättande chefer"]


def test_with_sign_on_only_no_password_opens_the_site(client, settings):
    settings.ATS_STAFF_PASSWORD_LOGIN = False
    user = UserFactory(username="maja", is_staff=True)
    user.set_password("ett långt lösenord")
    user.save()

    page = client.get("/accounts/login/").content.decode()
    client.post("/accounts/login/", {"login": "maja", "password": "ett långt lösenord"})

    assert 'name="password"' not in page
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("ATS_OIDC_ISSUER", "https://login.microsoftonline.com/tenant/v2.0"),
        (
            "ATS_SAML_METADATA_URL",
            "https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml",
        ),
    ],
)
def test_check_deploy_warns_while_passwords_remain_beside_sign_on(settings, setting, value):
    assert check_staff_passwords_beside_sign_on() == []
    setattr(settings, setting, value)
    assert [w.id for w in check_staff_passwords_beside_sign_on()] == ["ats.W010"]
    settings.ATS_STAFF_PASSWORD_LOGIN = False
    assert check_staff_passwords_beside_sign_on() == []


def test_the_groups_come_from_the_saml_attribute_as_from_the_claim(settings):
    settings.ATS_SAML_GROUPS_ATTRIBUTE = (
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
    )
    attributes = {settings.ATS_SAML_GROUPS_ATTRIBUTE: ["HR-chefer"], "mail": ["a@b.se"]}

    assert roles_of(groups_claimed(attributes)) == ["ats.hiring_manager"]


def test_check_deploy_warns_of_saml_metadata_over_plain_http(settings):
    settings.ATS_SAML_METADATA_URL = "http://adfs.kommun.se/FederationMetadata.xml"
    assert [w.id for w in check_saml_metadata_over_https()] == ["ats.W012"]
    settings.ATS_SAML_METADATA_URL = "https://adfs.kommun.se/FederationMetadata.xml"
    assert check_saml_metadata_over_https() == []


def demo_setting(expression: str, environment: dict[str, str]) -> list[str]:
    """A list of the demo site's settings (`s`), as config/settings.py makes it from
    these environment variables, in a process of its own."""
    read = f"import config.settings as s; print(' '.join({expression}))"
    return subprocess.run(
        [sys.executable, "-c", read], env={**os.environ, **environment}, capture_output=True,
        text=True, check=True, cwd=ROOT,
    ).stdout.split()  # fmt: skip


def test_the_login_may_lead_to_the_saml_providers_login_elsewhere_than_its_metadata():
    """A federation's metadata (here SWAMID's) is served away from its providers' login."""
    form_action = "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']"
    environment = {
        "ATS_SAML_METADATA_URL": "https://mds.swamid.se/md/swamid-idp.xml",
        "ATS_SAML_ENTITY_ID": "https://login.kommun.se/idp/shibboleth",
    }
    allowed = demo_setting(form_action, environment)
    moved = demo_setting(
        form_action, {**environment, "ATS_SAML_LOGIN_ORIGIN": "https://login.kommun.se"}
    )

    assert "https://mds.swamid.se" in allowed
    assert "https://login.kommun.se" in moved and "https://mds.swamid.se" not in moved


def test_the_sign_in_asks_only_for_scopes_that_entra_id_and_google_know():
    """Both refuse a "groups" scope (AADSTS650053, invalid_scope): nobody could sign in.
    Their groups claim comes in the ID token, as the browser test's provider sends it."""
    scope = "s.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS'][0]['settings']['scope']"
    environment = {"ATS_OIDC_ISSUER": "https://accounts.google.com"}
    asked = demo_setting(scope, environment)
    keycloak = {**environment, "ATS_OIDC_SCOPES": "openid,profile,email,groups"}
    keycloak = demo_setting(scope, keycloak)

    assert asked == ["openid", "profile", "email"]
    assert keycloak == ["openid", "profile", "email", "groups"]
