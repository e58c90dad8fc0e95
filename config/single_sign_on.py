"""Staff sign in through the employer's identity provider (OpenID Connect or SAML 2.0,
through django-allauth's `openid_connect` and `saml` providers, configured from the
environment in config/settings.py): whoever the provider vouches for is let in, and their roles are
the shipped groups (ats/staff.py) that their groups at the provider map to
(ATS_SSO_GROUP_ROLES), set anew at each sign-in, so that a change at the provider
reaches the site at the next one. No mapped group, no staff: the recruiter pages stay
closed to them. The provider's own second factor stands in for the authenticator app
(config/middleware.py)."""

from collections.abc import Iterable

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q

from ats.staff import ROLES

# In the session: the id of the user the provider signed in (config/middleware.py asks
# no authenticator app of them). Kept by Django's login, which keeps the session's data.
SIGNED_IN_BY_PROVIDER = "ats_signed_in_by_provider"


def signed_in_by_provider(request) -> bool:
    """Whether the provider signed this session's user in: its second factor counts."""
    user = getattr(request, "user", None)
    return bool(user and request.session.get(SIGNED_IN_BY_PROVIDER) == str(user.pk))


def groups_claimed(claims: dict) -> list[str]:
    """The provider's groups that `claims` name (a list, or one as a string): in the
    OpenID Connect claim, or the SAML attribute, that carries them."""
    named = []
    for key in dict.fromkeys((settings.ATS_SSO_GROUPS_CLAIM, settings.ATS_SAML_GROUPS_ATTRIBUTE)):
        theirs = claims.get(key) or []
        named += [theirs] if isinstance(theirs, str) else list(theirs)
    return named


def roles_of(provider_groups: Iterable[str]) -> list[str]:
    """The shipped groups that the provider's groups map to."""
    mapping = settings.ATS_SSO_GROUP_ROLES
    shipped = {role.group for role in ROLES}
    return sorted({mapping[g] for g in provider_groups if mapping.get(g) in shipped})


def claims_of(sociallogin) -> dict:
    """What the provider said of the user: the ID token's claims and userinfo's, where
    allauth keeps them apart (as later versions do), or as one; a SAML assertion's
    attributes."""
    data = sociallogin.account.extra_data
    if "userinfo" in data or "id_token" in data:
        return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
    return data


def give_roles(user, provider_groups: Iterable[str]) -> None:
    """The user's shipped groups as the provider's groups say; staff while they give
    any; the site's own groups stay."""
    roles = roles_of(provider_groups)
    shipped = Group.objects.filter(name__in=[role.group for role in ROLES])
    user.groups.remove(*shipped.exclude(name__in=roles))
    user.groups.add(*shipped.filter(name__in=roles))
    if user.is_staff != bool(roles):
        user.is_staff = bool(roles)
        user.save(update_fields=["is_staff"])


def provisioned_account(sociallogin):
    """The account that the same provider keeps here over SCIM (config/provisioning/)
    for the one it signs in, by the address it gives, while no sign-in is connected to
    it: the person has one account, which their deactivation ends."""
    email = (sociallogin.user.email or "").strip()
    if not email:
        return None
    accounts = get_user_model().objects.filter(
        provisioned__isnull=False, is_superuser=False, socialaccount__isnull=True
    )
    return accounts.filter(Q(email__iexact=email) | Q(username__iexact=email)).first()


class StaffSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        """The provider decides who works here, the roles what they see; but never a
        second account beside one that has the address (allauth offers a form to give
        another): an administrator connects them."""
        email = (sociallogin.user.email or "").strip()
        return not (email and get_user_model().objects.filter(email__iexact=email).exists())

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        give_roles(user, groups_claimed(claims_of(sociallogin)))
        request.session[SIGNED_IN_BY_PROVIDER] = str(user.pk)
        return user

    def pre_social_login(self, request, sociallogin) -> None:
        if not sociallogin.is_existing and (account := provisioned_account(sociallogin)):
            sociallogin.connect(request, account)
        if sociallogin.is_existing:
            give_roles(sociallogin.user, groups_claimed(claims_of(sociallogin)))
            request.session[SIGNED_IN_BY_PROVIDER] = str(sociallogin.user.pk)
