"""Staff sessions: a second factor before anything else, and an end (ASVS 6.3.3, 7.3).

Idle sessions end by Django's own means (SESSION_COOKIE_AGE, saved on every request);
these add what Django lacks: a session ends STAFF_SESSION_MAX_AGE after its first
request as staff (its login) however busy it is, and a staff user without an
authenticator app is sent to set one up before any page that shows applications.
"""

from datetime import timedelta

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils import timezone

SESSION_STARTED = "staff_session_started"  # in the session: its first request as staff


def staff(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.is_staff)


class StaffSessionLimits:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if staff(request):
            now = timezone.now().timestamp()
            started = request.session.setdefault(SESSION_STARTED, now)
            max_age: timedelta = settings.STAFF_SESSION_MAX_AGE
            if now - started > max_age.total_seconds():
                logout(request)  # a new session, and a new login, from here
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class RequireTotpForStaff:
    """Every page but allauth's own (log in and out, set up the authenticator) waits
    until a staff user has an authenticator app; allauth then asks for its code at
    each login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not staff(request) or view_func.__module__.startswith("allauth."):
            return None
        if request.path.startswith(settings.STATIC_URL) or is_mfa_enabled(request.user):
            return None
        return redirect("mfa_activate_totp")
