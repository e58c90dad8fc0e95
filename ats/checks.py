"""System checks (`manage.py check`): the configuration keeps the privacy promises.

- CVs must never be reachable without the access-checked view (errors);
- data stays in the EU/EEA, and nothing is kept longer than the policy says (warnings);
- the deletion queue is scheduled and cannot run a task twice (errors);
- a versioned S3 bucket keeps old versions of deleted CVs unless a rule expires them.
- behind a proxy, the visitor's address is known, or every limit by address is shared;
- job ads name their employer, or search engines get no JobPosting from them;
- the employer's time zone exists, and the emails the app sends have their templates;
- emails are sent, not written out where each address and personal link would stay.
"""

import ipaddress
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.db import DatabaseError
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from .app_settings import app_settings
from .storage import StorageUnavailable, files

# AWS regions inside the EU/EEA. London and Zurich are outside it (adequacy decisions
# aside, the policy says EU/EEA).
EU_EEA_REGIONS = {
    "eu-north-1",
    "eu-west-1",
    "eu-west-3",
    "eu-central-1",
    "eu-south-1",
    "eu-south-2",
}
POLICY_YEARS = 2


@register(Tags.security)
def check_cv_storage_is_private(app_configs=None, **kwargs):
    return [
        Error(
            f"The CV storage would serve files publicly: {problem}.",
            hint="CVs must leave only through the access-checked views; see docs/configuration.md.",
            id="ats.E001",
        )
        for problem in files().public_exposures()
    ]


@register()
def check_queue(app_configs=None, **kwargs):
    q_cluster = settings.Q_CLUSTER
    if q_cluster.get("retry", 60) <= q_cluster.get("timeout", 0):
        return [
            Error(
                "Q_CLUSTER's retry is not above its timeout: a slow task would run twice.",
                id="ats.E002",
            )
        ]
    return []


# A deployment check: `migrate` runs the other checks before it migrates, and it is
# migrate that registers a schedule a new version adds; this one would refuse it.
@register(Tags.database, deploy=True)
def check_schedules(app_configs=None, **kwargs):
    problems = []
    try:
        from django_q.models import Schedule

        from .services.schedules import SCHEDULES

        found = Schedule.objects.filter(name__in=SCHEDULES).values_list("name", flat=True)
        if missing := sorted(set(SCHEDULES) - set(found)):
            problems.append(
                Error(
                    f"Not scheduled: {', '.join(missing)}. Without the purge nothing is "
                    "deleted on time; without the emails no candidate gets their link.",
                    hint="Run `manage.py migrate`, which registers them.",
                    id="ats.E003",
                )
            )
    except DatabaseError:
        pass  # no database yet: migrate will create the schedule
    return problems


# A deployment check, as the schedules': migrate ships the templates.
@register(Tags.database, deploy=True)
def check_email_templates(app_configs=None, **kwargs):
    from .models import EmailTemplate

    try:
        missing = sorted(
            set(EmailTemplate.Key) - set(EmailTemplate.objects.values_list("key", flat=True))
        )
    except DatabaseError:
        return []  # no database yet: migrate will ship them
    return (
        [
            Error(
                f"No email template for: {', '.join(missing)}. Those emails wait until it "
                "exists, the receipts of applications among them.",
                hint="Run `manage.py migrate`, which ships them.",
                id="ats.E006",
            )
        ]
        if missing
        else []
    )


@register()
def check_time_zone(app_configs=None, **kwargs):
    try:
        zoneinfo.ZoneInfo(app_settings.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return [
            Error(
                f"ATS_TIME_ZONE names no time zone: {app_settings.time_zone!r}. Deadlines and "
                "decision dates are the employer's days in it.",
                hint='An IANA name, such as "Europe/Stockholm".',
                id="ats.E007",
            )
        ]
    return []


@register()
def check_retention_within_policy(app_configs=None, **kwargs):
    longest = timedelta(days=366 * POLICY_YEARS)
    return [
        Warning(
            f"ATS_{name} keeps data longer than the privacy policy's two years.",
            id="ats.W002",
        )
        for name in ("CONSENT_RETENTION", "RETENTION_AFTER_DECISION", "ACCESS_LOG_RETENTION")
        if _longer_than(getattr(app_settings, name), POLICY_YEARS, longest)
    ]


def _longer_than(period, years: int, longest: timedelta) -> bool:
    return period > longest if isinstance(period, timedelta) else period > years


@register(Tags.security)
def check_cv_storage_region(app_configs=None, **kwargs):
    region = files().region()
    if region is None or region in EU_EEA_REGIONS:
        return []
    return [
        Warning(
            f"The CV bucket's region {region!r} is outside the EU/EEA.",
            hint="The privacy policy keeps personal data in the EU/EEA.",
            id="ats.W001",
        )
    ]


# A deployment check: it asks the storage (S3: two requests), which every start of
# runserver or migrate should not.
@register(Tags.security, deploy=True)
def check_old_cv_versions_expire(app_configs=None, **kwargs):
    strategy = files()
    try:
        unexpired_versions = strategy.keeps_versions() and not strategy.old_versions_expire()
    except StorageUnavailable:  # the bucket cannot be asked now; the purge will refuse
        return []
    if not unexpired_versions:
        return []
    return [
        Warning(
            "The CV bucket keeps old versions of deleted files, and no lifecycle rule "
            "expires them.",
            hint="The purge deletes the versions it can find; add a "
            "NoncurrentVersionExpiration rule as well.",
            id="ats.W003",
        )
    ]


# Caches that count per process (or not at all): with several web workers each keeps
# its own count, and a limit of 20 an hour becomes 20 per worker.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, deploy=True)
def check_rate_limits_are_shared(app_configs=None, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is per process: the rate "
            "limits on applying and on /my-data/ multiply with the number of workers.",
            hint="Use Redis (REDIS_URL), or django.core.cache.backends.db.DatabaseCache "
            "with `manage.py createcachetable`.",
            id="ats.W004",
        )
    ]


# Below this, one visitor asking from a few thousand addresses fills the database cache,
# which then drops a third of its rows: the counts of the rate limits with them.
FEWEST_CACHE_ENTRIES = 10_000
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


@register(Tags.caches, deploy=True)
def check_rate_limits_are_kept(app_configs=None, **kwargs):
    cache = settings.CACHES.get("default", {})
    room = cache.get("OPTIONS", {}).get("MAX_ENTRIES", 300)  # Django's default
    if cache.get("BACKEND") != DATABASE_CACHE or room >= FEWEST_CACHE_ENTRIES:
        return []
    return [
        Warning(
            f"The database cache holds {room} entries at most (MAX_ENTRIES): filled from "
            "many addresses, it drops a third of them, the rate limits' counts included.",
            hint=f'Set CACHES["default"]["OPTIONS"]["MAX_ENTRIES"] to '
            f"{FEWEST_CACHE_ENTRIES:,} or more, or use Redis (REDIS_URL).",
            id="ats.W008",
        )
    ]


@register(Tags.security, deploy=True)
def check_cookies_stay_on_this_host(app_configs=None, **kwargs):
    """Over HTTPS, the session and CSRF cookies are `__Host-` cookies (this host only,
    never set from a subdomain or over plain HTTP), and the language cookie is Secure
    and SameSite like them."""
    if not settings.SESSION_COOKIE_SECURE:
        return []  # plain HTTP; Django's own checks (security.W012) say so
    names = [settings.SESSION_COOKIE_NAME]
    if not settings.CSRF_USE_SESSIONS:
        names.append(settings.CSRF_COOKIE_NAME)
    problems = [f"{name} has no __Host- prefix" for name in names if not name.startswith("__Host-")]
    if not settings.LANGUAGE_COOKIE_SECURE or settings.LANGUAGE_COOKIE_SAMESITE not in (
        "Lax",
        "Strict",
    ):
        problems.append("the language cookie is not Secure with SameSite=Lax")
    return (
        [
            Warning(
                f"Cookies over HTTPS: {'; '.join(problems)}.",
                hint='SESSION_COOKIE_NAME = "__Host-sessionid", CSRF_COOKIE_NAME = '
                '"__Host-csrftoken", LANGUAGE_COOKIE_SECURE = True, LANGUAGE_COOKIE_SAMESITE = '
                '"Lax", as config/settings.py does.',
                id="ats.W005",
            )
        ]
        if problems
        else []
    )


# Staff who log in can read applications: the project's login must hold (ASVS 6, 7).
THROTTLED_LOGINS = ("allauth.account", "axes")
SECOND_FACTORS = ("allauth.mfa", "django_otp")
LONGEST_STAFF_SESSION = timedelta(hours=8)


@register(Tags.security, deploy=True)
def check_staff_login(app_configs=None, **kwargs):
    installed = set(settings.INSTALLED_APPS)
    problems = []
    if not settings.AUTH_PASSWORD_VALIDATORS:
        problems.append("AUTH_PASSWORD_VALIDATORS is empty: any password is accepted")
    if not installed & set(THROTTLED_LOGINS):
        problems.append("nothing throttles wrong passwords (django-allauth or django-axes)")
    if not installed & set(SECOND_FACTORS):
        problems.append("staff log in without a second factor (allauth.mfa or django-otp)")
    if LONGEST_STAFF_SESSION.total_seconds() < settings.SESSION_COOKIE_AGE:
        problems.append(
            f"sessions last {settings.SESSION_COOKIE_AGE // 3600} hours (SESSION_COOKIE_AGE)"
        )
    return [
        Warning(
            f"Staff login: {problem}.",
            hint="See docs/security.md, 'Staff login', for what config/settings.py sets.",
            id="ats.W006",
        )
        for problem in problems
    ]


@register()
def check_webhook_networks(app_configs=None, **kwargs):
    """The networks an operator allows webhooks into, each one that can be read."""
    unreadable = []
    for network in app_settings.WEBHOOK_ALLOWED_NETWORKS:
        try:
            ipaddress.ip_network(network)
        except ValueError:
            unreadable.append(network)
    return [
        Error(
            f"ATS_WEBHOOK_ALLOWED_NETWORKS holds {network!r}, which is not a network.",
            hint='Write each as an address with its prefix length, e.g. "10.20.0.0/16".',
            id="ats.E005",
        )
        for network in unreadable
    ]


@register(Tags.security, deploy=True)
def check_client_address_behind_a_proxy(app_configs=None, **kwargs):
    """SECURE_PROXY_SSL_HEADER says a proxy is in front: then REMOTE_ADDR is the proxy's
    address for every visitor, and each limit counted by address (applying, /my-data/,
    and the project's logins if they count by ats.ratelimit.client_ip) is one count
    shared by everyone."""
    if not getattr(settings, "SECURE_PROXY_SSL_HEADER", None) or app_settings.CLIENT_IP_HEADER:
        return []
    return [
        Warning(
            "SECURE_PROXY_SSL_HEADER says a proxy is in front, but ATS_CLIENT_IP_HEADER is "
            "not set: every visitor has the proxy's address, so one visitor's requests or "
            "failed logins use up the limits of all.",
            hint="Set ATS_CLIENT_IP_HEADER to the header the proxy sets to the visitor's "
            "address (HTTP_X_FORWARDED_FOR with deploy/nginx.conf); see "
            "docs/deployment.md.",
            id="ats.W007",
        )
    ]


# A deployment check: a demo or a test site may well have no employer yet.
@register(deploy=True)
def check_employer_named(app_configs=None, **kwargs):
    """Google refuses a JobPosting whose hiringOrganization has no name; the ads then
    carry none (ats/job_posting.py), and are left out of job search."""
    if app_settings.employer_name:
        return []
    return [
        Warning(
            "Neither ATS_EMPLOYER_NAME nor ATS_CONTROLLER_NAME is set: job ads carry no "
            "JobPosting data, so search engines do not list them as jobs.",
            hint="Set ATS_EMPLOYER_NAME (or ATS_CONTROLLER_NAME) to the employer's name.",
            id="ats.W009",
        )
    ]


# Django's backends for development, which write each email out rather than send it.
EMAILS_WRITTEN_OUT = {
    ConsoleBackend: "to the process's output (its log)",
    FileBackend: "to files",
}


@register(Tags.security, deploy=True)
def check_emails_are_sent(app_configs=None, **kwargs):
    """Written out, every email stays where it went: each candidate's address and the
    personal link with which whoever reads it acts as the candidate."""
    backend = import_string(settings.EMAIL_BACKEND)
    where = next((w for kind, w in EMAILS_WRITTEN_OUT.items() if issubclass(backend, kind)), None)
    if where is None:
        return []
    return [
        Error(
            f"EMAIL_BACKEND writes every email {where} instead of sending it: candidates' "
            "addresses, and the personal links that act as them, stay there.",
            hint="Give your mail server: EMAIL_URL in the demo site, or EMAIL_BACKEND and "
            "EMAIL_HOST; docs/configuration.md.",
            id="ats.E008",
        )
    ]


@register(Tags.security, deploy=True)
def check_staff_passwords_beside_sign_on(app_configs=None, **kwargs):
    """With single sign-on, the identity provider decides who may still sign in: a
    local password left on lets one who left in by it."""
    signs_on = getattr(settings, "ATS_OIDC_ISSUER", "") or getattr(
        settings, "ATS_SAML_METADATA_URL", ""
    )
    if not signs_on or not getattr(settings, "ATS_STAFF_PASSWORD_LOGIN", True):
        return []
    return [
        Warning(
            "Single sign-on is configured (ATS_OIDC_ISSUER or ATS_SAML_METADATA_URL), but "
            "staff may still log in with a local password: one whom the identity provider "
            "has removed keeps it.",
            hint="Set ATS_STAFF_PASSWORD_LOGIN=false once sign-on works; docs/single-sign-on.md.",
            id="ats.W010",
        )
    ]


@register(Tags.security, deploy=True)
def check_saml_metadata_over_https(app_configs=None, **kwargs):
    """The identity provider's certificate comes from its metadata: read over plain
    HTTP, anyone on the way could put theirs in and sign anyone in."""
    url = getattr(settings, "ATS_SAML_METADATA_URL", "")
    if not url or url.startswith("https://"):
        return []
    return [
        Warning(
            "ATS_SAML_METADATA_URL is not an https:// address: whoever is on the way can "
            "replace the identity provider's certificate, and sign in as anyone.",
            hint="Give the metadata's https:// address; docs/single-sign-on.md.",
            id="ats.W012",
        )
    ]


@register(Tags.security, deploy=True)
def check_provisioning_has_a_token(app_configs=None, **kwargs):
    """Where the site serves SCIM (the demo site's config/provisioning/), the identity
    provider needs its token, or no one who leaves is removed but by hand."""
    try:
        reverse("scim:root")
    except NoReverseMatch:
        return []
    if getattr(settings, "ATS_SCIM_TOKEN", ""):
        return []
    return [
        Warning(
            "SCIM provisioning (/scim/v2/) has no token: the identity provider cannot "
            "deactivate one who leaves, whose account, API keys and webhooks stay on.",
            hint="Set ATS_SCIM_TOKEN to a long random secret and give it to the identity "
            "provider; docs/single-sign-on.md.",
            id="ats.W011",
        )
    ]
