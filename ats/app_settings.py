"""The ATS_* settings and their defaults, in one place.

Read at access time (not import time) so that tests and integrators can override them.
Nothing else in the app reads ATS_* from django.conf.settings.

A retention period is a whole number of calendar years (the privacy policy speaks in
years; see retention.add_years) or a datetime.timedelta for an exact duration.
"""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse

DEFAULTS = {
    # The reports show a count from 1 to this minus one as "fewer than" it, and a median
    # or share only over at least this many: no figure describes one person.
    "REPORT_THRESHOLD": 5,
    # The privacy policy: a spontaneous application kept with consent goes after two years.
    "CONSENT_RETENTION": 2,
    # The privacy policy: an application for an opening goes two years after the decision.
    "RETENTION_AFTER_DECISION": 2,
    # A CV is a few pages; 10 MiB leaves room for scanned ones without inviting abuse.
    "CV_MAX_BYTES": 10 * 1024 * 1024,
    # A dotted path to a callable(upload) that raises ValidationError to refuse a CV,
    # e.g. a virus scanner; None: no scan.
    "CV_SCANNER": None,
    # Applications accepted per hour from one (hashed) IP address; None: no limit.
    "APPLY_RATE_LIMIT": 20,
    # Tell candidates by email when their erasure or withdrawal has been carried out.
    "SEND_ERASURE_RECEIPTS": True,
    # An erasure receipt the mail server has refused this long is dropped: the address
    # it holds is not kept for an email that cannot be sent.
    "ERASURE_RECEIPT_MAX_AGE": timedelta(days=7),
    # Behind a reverse proxy: the request header holding the visitor's address.
    "CLIENT_IP_HEADER": None,
    # The STORAGES alias that holds CVs; private, never served by a URL.
    "CV_STORAGE": "ats_cv",
    # How often the queue deletes what is due: the longest a due application lingers.
    "PURGE_INTERVAL_MINUTES": 15,
    # The privacy policy: web logs are kept at most two years; the access log likewise.
    "ACCESS_LOG_RETENTION": 2,
    # A candidate's self-service link works this long; /my-data/ sends fresh ones.
    "LINK_MAX_AGE": timedelta(days=30),
    # Days before a consent ends that the candidate is asked, once, to renew it.
    "CONSENT_RENEWAL_NOTICE": 30,
    # The controller, named to candidates with their right to complain to IMY.
    "CONTROLLER_NAME": "",
    "CONTROLLER_EMAIL": "",
    # The employer on the careers page and in job ads (empty: the controller's name),
    # its logo (a URL) and its own site.
    "EMPLOYER_NAME": "",
    "EMPLOYER_LOGO": "",
    "EMPLOYER_URL": "",
    # At the hiring decision, everyone not hired and not yet told gets the "position
    # filled" email.
    "NOTIFY_ON_DECISION": True,
    # A rejection email waits this long (and can be taken back meanwhile), so that a
    # "no" never arrives minutes after applying.
    "REJECTION_EMAIL_DELAY": timedelta(hours=24),
    # An opening that stopped taking applications this many days ago without a hiring
    # decision keeps its applicants indefinitely: its team is reminded weekly.
    "DECISION_REMINDER_DAYS": 30,
    # Publishing an ad needs a pay range (the EU pay transparency directive).
    "REQUIRE_SALARY_RANGE": True,
    # The channels an application may say it came from (?source= or utm_source on the
    # ad's link); anything else is kept as no source at all.
    "APPLICATION_SOURCES": (
        "arbetsformedlingen",
        "linkedin",
        "indeed",
        "facebook",
        "instagram",
        "newsletter",
        "referral",
        "website",
        "email",  # the ad's share links (public/_share.html): by email,
        "link",  # and the link to copy
        "qr",  # the ad's QR code, for print
    ),
    # Where the site is reached, for the links in emails (no request to ask there).
    "SITE_URL": "http://127.0.0.1:8000",
    # A stored file no application references is left this long before the sweep
    # removes it, so that an upload whose row is still being written is never touched.
    "ORPHAN_GRACE": timedelta(days=1),
    # Requests one API key may make a minute; a 429 with Retry-After beyond it. None: no limit.
    "API_REQUESTS_PER_MINUTE": 600,
    # A write repeated with the same Idempotency-Key this long after is answered with
    # the first answer, not done again.
    "API_IDEMPOTENCY_WINDOW": timedelta(hours=24),
    # A webhook subscription whose receiver has failed every attempt this long is
    # paused, and its user emailed.
    "WEBHOOK_PAUSE_AFTER": timedelta(hours=24),
    # Webhook URLs may be http:// (a receiver on the same host or network); otherwise
    # only https://, so that what is sent, and its signature, cannot be read on the way.
    "WEBHOOK_ALLOW_HTTP": False,
    # Where the recruiter pages' "Log out" button posts (with a CSRF token): a URL name or
    # a path. None: the first of LOGOUT_URL_NAMES this site has; "": no button.
    "LOGOUT_URL": None,
    # Webhooks go only to public internet addresses; networks listed here (CIDR, e.g.
    # "10.20.0.0/16") are allowed too, for a receiver inside the operator's own network.
    "WEBHOOK_ALLOWED_NETWORKS": [],
    # Where the employer's days begin and end (a deadline's last day, a decision's date,
    # "two years later"): an IANA name such as "Europe/Stockholm". None: TIME_ZONE.
    "TIME_ZONE": None,
}

# The log-out views a site may have, each taking a POST: its own or Django's
# (django.contrib.auth.urls), django-allauth's, the admin's (for staff, as recruiters are).
LOGOUT_URL_NAMES = ("logout", "account_logout", "admin:logout")


class AppSettings:
    def __getattr__(self, name: str):
        if name not in DEFAULTS:
            raise AttributeError(f"ATS_{name} is not an ats setting")
        return getattr(settings, f"ATS_{name}", DEFAULTS[name])

    @property
    def employer_name(self) -> str:
        return self.EMPLOYER_NAME or self.CONTROLLER_NAME

    @property
    def time_zone(self) -> str:
        return self.TIME_ZONE or settings.TIME_ZONE

    @property
    def logout_url(self) -> str:
        """Where to log out, or "" when the site has nowhere: never a URL name the host
        may not have (that would break every recruiter page)."""
        if self.LOGOUT_URL is not None:
            return self.LOGOUT_URL and resolve_url(self.LOGOUT_URL)
        for name in LOGOUT_URL_NAMES:
            try:
                return reverse(name)
            except NoReverseMatch:
                continue
        return ""


app_settings = AppSettings()
