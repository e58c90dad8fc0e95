"""Staff accounts through django-allauth: logins throttled per address and per account
at that address (ACCOUNT_RATE_LIMITS), the admin's login sent through the same view,
time-based one-time passwords required of staff (config/middleware.py), and no sign-up:
staff are created by an administrator.

allauth counts by the same client address as ats's own limits (ats.ratelimit.client_ip:
ATS_CLIENT_IP_HEADER, its last entry), not by REMOTE_ADDR, which behind nginx is nginx
for everyone. And an account's failed logins are counted per address: a stranger's
wrong passwords lock the account at the stranger's address only, never to its owner
elsewhere (ASVS 6.3.1, 2.4.1).

Right after a login, allauth's reauthentication (its password prompt before the
authenticator is set up or changed, MFA_REAUTHENTICATION_REQUIRED) is not asked again:
the login itself is the recent proof, for as long as allauth trusts a reauthentication
(ACCOUNT_REAUTHENTICATION_TIMEOUT). Later in the session it is asked as before.

allauth's emails (password reset) are rendered in the request and written to the
outbox the worker drains: a known and an unknown address do the same work (allauth
mails unknown ones too), a mail server that is down changes no answer, and the email,
reset link and all, is deleted once it went (one refused for good keeps only its
address, subject and why).
"""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from ats.ratelimit import client_ip
from ats.services.staff_emails import queue_account_email
from config.middleware import SESSION_STARTED


def sign_in_options(request) -> dict:
    """For the login page: whether staff may still log in with a password."""
    return {"staff_password_login": settings.ATS_STAFF_PASSWORD_LOGIN}


class StaffAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def authenticate(self, request, **credentials):
        # With single sign-on only, no password opens the site, however right.
        if not settings.ATS_STAFF_PASSWORD_LOGIN:
            return None
        return super().authenticate(request, **credentials)

    def get_client_ip(self, request) -> str:
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # The "key" of ACCOUNT_RATE_LIMITS["login_failed"]: allauth's is the account;
        # ours is the account at the client's address. (A private method, the same in
        # every allauth version pyproject.toml admits; tests/integration/test_staff_login.py
        # notices if a version stops calling it.)
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}@{self.get_client_ip(request)}"

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        # The session's first request as staff (config/middleware.py) is its login.
        logged_in_at = self.request.session.get(SESSION_STARTED) if self.request else None
        if logged_in_at is None:
            return True
        return time.time() - logged_in_at >= account_settings.REAUTHENTICATION_TIMEOUT

    def send_mail(self, template_prefix, email, context):
        # allauth's own, but for its last step: into the outbox rather than sent now.
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        queue_account_email(message=self.render_mail(template_prefix, email, context))
