"""Staff accounts kept by the employer's identity provider over SCIM 2.0 (RFC 7643 and
7644) at /scim/v2/, through django-scim2, which is adapted here to Django's own user and
group (no fields of its own) and to the roles (ats/staff.py).

- The provider authenticates with a token of its own (ATS_SCIM_TOKEN), never a staff
  session; without one every request is refused (and check --deploy warns).
- Users are the accounts of people (superusers, the site's way back in, stay out of its
  reach); they never get a password here: they sign in through the provider.
- Groups are the provider's; their members get the shipped roles that
  ATS_SSO_GROUP_ROLES maps them to, as at a sign-in (config/single_sign_on.py). The
  shipped groups themselves are not the provider's to change.
- An account set inactive, or deleted, ends at once: its sessions (allauth's user
  sessions), its API keys and webhook subscriptions (ats/services/staff_access.py).
- Nothing of a request is logged: its body names people.
"""
