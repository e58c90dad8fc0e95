"""Staff sessions: a second factor before anything else, and an end (ASVS 6.3.3, 7.3);
and a body limit for every view of the site (ASVS 15.2.2).

Idle sessions end by Django's own means (SESSION_COOKIE_AGE, saved on every request);
these add what Django lacks: a session ends STAFF_SESSION_MAX_AGE after its first
request as staff (its login) however busy it is, and a staff user without an
authenticator app (or a passkey) is sent to set one up before any page that shows
applications, unless the employer's identity provider signed them in, whose own second
factor counts (config/single_sign_on.py).
"""

from datetime import timedelta

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from ats.api.problems import problem
from ats.views.body_limits import READS_BODY, LimitedBodyMixin, declared_length, form_max_bytes
from config.single_sign_on import signed_in_by_provider

SESSION_STARTED = "staff_session_started"  # in the session: its first request as staff
# In the session: the page a staff user was on their way to when sent to set up an
# authenticator (a link in an email, followed at the first login); the recovery codes
# page, the last step of the set-up, offers it (templates/mfa/recovery_codes/index.html).
AFTER_SETUP = "after_authenticator_setup"


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


# Fetched by the browser beside a page (the set-up page among them) or by crawlers: sent
# to the set-up page, a fetch made allauth show a new secret behind the visible one.
SITE_FILES = ("/favicon.ico", "/robots.txt", "/sitemap.xml")


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
        if request.path.startswith(settings.STATIC_URL) or request.path in SITE_FILES:
            return None
        if is_mfa_enabled(request.user) or signed_in_by_provider(request):
            request.session.pop(AFTER_SETUP, None)  # arrived: forgotten
            return None
        path = request.get_full_path()
        if request.method in ("GET", "HEAD") and url_has_allowed_host_and_scheme(
            path, allowed_hosts=None
        ):  # a path of this site: never "//elsewhere"
            request.session[AFTER_SETUP] = path
        return redirect("mfa_activate_totp")


class BodyLimit:
    """ats's views measure a body before they read it (LimitedBodyMixin, the application
    form with its CV limit among them); every other view, allauth's login and the
    admin's included, gets the limit of a form without files here, before Django's CSRF
    check reads the body. Django itself caps only the fields it reads into memory
    (DATA_UPLOAD_MAX_MEMORY_SIZE): a multipart body's files would be spooled to disk
    whatever their size. Place it before CsrfViewMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in READS_BODY:
            return None
        view_class = getattr(view_func, "view_class", None)
        if view_class is not None and issubclass(view_class, LimitedBodyMixin):
            return None  # the view's own limit, which may be larger
        length = declared_length(request)
        if length is None:
            return HttpResponseBadRequest()
        if length <= form_max_bytes():
            return None
        limit = filesizeformat(form_max_bytes())
        if view_func.__module__.startswith("ninja."):  # the API answers problem details
            return problem(413, f"A request body is at most {limit}.")
        return render(request, "ats/request_too_large.html", {"limit": limit}, status=413)
