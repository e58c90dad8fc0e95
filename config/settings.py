"""Settings for the ats demo and production project, read from the environment.

Every variable has a default that makes `make run` work on a laptop (SQLite, a private
folder for CVs, the ORM queue broker, console email); production sets DATABASE_URL,
REDIS_URL, EMAIL_URL and friends, see docs/configuration.md.
"""

import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; the process environment wins

DEBUG = env.bool("DEBUG", default=False)
# The development key serves local runs only (DEBUG on): without DEBUG the project
# refuses to start on it, since anyone could sign sessions and candidates' links; and
# on any key a guess could find: Django's own rule (security.W009), at least 50
# characters, 5 of them different, not marked "django-insecure-".
DEVELOPMENT_SECRET_KEY = "django-insecure-local-development-only"
SECRET_KEY = env("SECRET_KEY", default="") or DEVELOPMENT_SECRET_KEY  # empty: as if unset


def strong_secret_key(key: str) -> bool:
    return len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure-")


# Commands that sign nothing (inspect, migrate, build static files) may still run on it,
# so that `manage.py check` and `migrate` work before the key is set.
SIGNS_NOTHING = {
    "check", "makemigrations", "migrate", "showmigrations", "sqlmigrate", "collectstatic",
    "createcachetable", "compilemessages", "makemessages", "help",
}  # fmt: skip
RUNNING_COMMAND = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2]
if (
    not DEBUG
    and not strong_secret_key(SECRET_KEY)
    and not (RUNNING_COMMAND and RUNNING_COMMAND[0] in SIGNS_NOTHING)
):
    raise ImproperlyConfigured(
        "Set SECRET_KEY (50 random characters: python -c 'import secrets; "
        "print(secrets.token_urlsafe(50))'); the development key, and any key shorter "
        "than 50 characters or with fewer than 5 different ones, work only with DEBUG=1."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",  # allauth's list of a user's passkeys
    "django_q",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.usersessions",  # a user's sessions, to end them all when they leave
    "django_scim",
    "config.apps.SiteConfig",
    "ninja",  # the API docs' scripts from this site's static files, not from a CDN
    "ats",
]

# The header-setting middleware comes first, so that even an answer made before any
# view runs (the 400 for a bad Host header) carries every security header.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "ats.middleware.DatabaseUnavailableMiddleware",  # 503 + Retry-After, not 500
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.BodyLimit",  # 413 before the CSRF check reads a body too large
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "config.middleware.StaffSessionLimits",
    "config.middleware.RequireTotpForStaff",
]

# Our pages load only their own files: no inline script or style, nothing from
# elsewhere but the careers site's video, in a frame, when a visitor asks for it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # the QR code to set up an authenticator app
        "script-src": [SELF],  # files of ours and the admin's; never inline
        "connect-src": [SELF],  # the ad editor's live preview asks the server
        # The careers site's video, once a visitor presses play (ats/videos.py).
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.accounts.sign_in_options",
            ],
        },
    },
]

# The web process and the queue worker share one SQLite file: WAL lets readers run
# beside the writer, the timeout makes a writer wait instead of failing with
# "database is locked", and IMMEDIATE takes the write lock when a transaction starts
# so that two writers queue up rather than deadlock on a lock upgrade.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
}
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ats.sqlite3'}")}
# A worker keeps its connection (a new one for each request made the ad page 1.4 to 2.1
# times slower on PostgreSQL), and checks it before a request uses it, so that one the
# server cut (a restart, a failover) is replaced rather than failing. DATABASE_URL may
# say otherwise (?conn_max_age=0).
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # CVs: a folder beside, never under, anything a URL serves.
    "ats_cv": {
        "BACKEND": "ats.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": env.path("ATS_CV_DIR", default=VAR_DIR / "cv")},
    },
}
# CVs on S3 (or an S3-compatible server): private objects reached only through
# presigned links that live 60 seconds, never overwritten, encrypted at rest when
# ATS_S3_SSE is set. Credentials come from boto3's own sources (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, a profile, or an instance role), never from these settings.
ATS_S3_BUCKET = env("ATS_S3_BUCKET", default="")
if ATS_S3_BUCKET:
    ATS_S3_SSE = env("ATS_S3_SSE", default="")
    ATS_S3_KMS_KEY_ID = env("ATS_S3_KMS_KEY_ID", default="")
    ATS_S3_ENDPOINT_URL = env("ATS_S3_ENDPOINT_URL", default="") or None
    STORAGES["ats_cv"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ATS_S3_BUCKET,
            "region_name": env("ATS_S3_REGION", default="eu-north-1"),
            "endpoint_url": ATS_S3_ENDPOINT_URL,
            "addressing_style": "path" if ATS_S3_ENDPOINT_URL else None,
            "signature_version": "s3v4",
            "default_acl": None,  # the bucket's own: private
            "querystring_auth": True,
            "querystring_expire": 60,
            "custom_domain": None,
            "file_overwrite": False,
            "object_parameters": {
                key: value
                for key, value in {
                    "ServerSideEncryption": ATS_S3_SSE,
                    "SSEKMSKeyId": ATS_S3_KMS_KEY_ID,
                }.items()
                if value
            },
        },
    }
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/recruit/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Staff log in through django-allauth (config/accounts.py): by user name, no sign-up,
# throttled per address and per account, a one-time password from an authenticator app
# required of staff, with recovery codes.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "config.accounts.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
ACCOUNT_SESSION_REMEMBER = False  # no "remember me": staff sessions end as below
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True  # the same email, and work, for any address
# Counted by the client's address as ats's limits count it (ATS_CLIENT_IP_HEADER, not
# the proxy's REMOTE_ADDR), and a login's "key" is the account at that address
# (config/accounts.py): a stranger's wrong passwords never lock the account to its owner.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/15m/key",  # 5 wrong passwords: that address waits 15 minutes
    "reset_password": "5/h/ip,3/h/key",  # 3 reset emails an hour to one address
    "reset_password_from_key": "20/h/ip",
}
# A passkey (WebAuthn) is a second factor as the authenticator app is, and logs in by
# itself: the device's own check (a fingerprint, a PIN) is the second factor then.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True

# Single sign-on through the employer's identity provider (config/single_sign_on.py): by
# OpenID Connect when its issuer is set (Entra ID, Google Workspace, any other), by SAML
# 2.0 when its metadata URL is (Entra ID, a federation's IdP). The groups it names map
# to the shipped roles: ATS_SSO_GROUP_ROLES="HR-rekryterare=ats.recruiter,...".
SOCIALACCOUNT_ADAPTER = "config.single_sign_on.StaffSocialAccountAdapter"
SOCIALACCOUNT_LOGIN_ON_GET = False  # a button that POSTs, never a link that logs in
SOCIALACCOUNT_STORE_TOKENS = False
ATS_SSO_GROUPS_CLAIM = env("ATS_OIDC_GROUPS_CLAIM", default="groups")
ATS_SSO_GROUP_ROLES = env.dict("ATS_SSO_GROUP_ROLES", default={})
ATS_OIDC_ISSUER = env("ATS_OIDC_ISSUER", default="")
# The standard scopes only: Entra ID (AADSTS650053) and Google (invalid_scope) refuse a
# "groups" scope; their groups claim comes in the ID token once the provider is set to
# send it. A provider that wants a scope for it (Keycloak, Okta) gets it added here.
ATS_OIDC_SCOPES = env.list("ATS_OIDC_SCOPES", default=["openid", "profile", "email"])
ATS_SAML_METADATA_URL = env("ATS_SAML_METADATA_URL", default="")
ATS_SAML_GROUPS_ATTRIBUTE = env(
    "ATS_SAML_GROUPS_ATTRIBUTE",
    default="http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
)
ENTRA_CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
# What Entra ID's assertions name each attribute; the OASIS and eduPerson names as well.
ATS_SAML_ATTRIBUTE_MAPPING = {
    "uid": [
        "http://schemas.microsoft.com/identity/claims/objectidentifier",
        "urn:oasis:names:tc:SAML:attribute:subject-id",
    ],
    "email": [f"{ENTRA_CLAIMS}emailaddress", "urn:oid:0.9.2342.19200300.100.1.3"],
    "first_name": [f"{ENTRA_CLAIMS}givenname", "urn:oid:2.5.4.42"],
    "last_name": [f"{ENTRA_CLAIMS}surname", "urn:oid:2.5.4.4"],
}
# Off: staff sign in through the provider only (check --deploy warns while it is on).
ATS_STAFF_PASSWORD_LOGIN = env.bool("ATS_STAFF_PASSWORD_LOGIN", default=True)
if not ATS_STAFF_PASSWORD_LOGIN:  # nor a passkey of ours: the provider decides
    MFA_PASSKEY_LOGIN_ENABLED = False
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "sso",
                "name": env("ATS_OIDC_NAME", default="Single sign-on"),
                "client_id": env("ATS_OIDC_CLIENT_ID", default=""),
                "secret": env("ATS_OIDC_CLIENT_SECRET", default=""),
                "settings": {
                    "server_url": ATS_OIDC_ISSUER,
                    "token_auth_method": "client_secret_post",
                    "scope": ATS_OIDC_SCOPES,
                },
            }
        ]
        if ATS_OIDC_ISSUER
        else [],
    },
    "saml": {
        "APPS": [
            {
                "name": env("ATS_SAML_NAME", default="Single sign-on"),
                "client_id": "sso",  # in the site's SAML addresses: /accounts/saml/sso/...
                "settings": {
                    "idp": {
                        "entity_id": env("ATS_SAML_ENTITY_ID", default=""),
                        "metadata_url": ATS_SAML_METADATA_URL,
                    },
                    "attribute_mapping": ATS_SAML_ATTRIBUTE_MAPPING,
                    # Signed assertions, no SHA-1, and none the site did not ask for.
                    "advanced": {
                        "want_assertion_signed": True,
                        "reject_deprecated_algorithm": True,
                        "reject_idp_initiated_sso": True,
                    },
                },
            }
        ]
        if ATS_SAML_METADATA_URL
        else [],
    },
}
# The login's form is answered by a redirect to the provider: to the issuer, or to the
# SAML provider's login address, at its metadata's origin unless said (a federation's
# metadata may be served elsewhere).
ATS_SAML_LOGIN_ORIGIN = env("ATS_SAML_LOGIN_ORIGIN", default=ATS_SAML_METADATA_URL)
for signs_in in (ATS_OIDC_ISSUER, ATS_SAML_LOGIN_ORIGIN):
    if signs_in:
        CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
            "{0.scheme}://{0.netloc}".format(urlsplit(signs_in))
        )
# Accounts kept by the identity provider over SCIM 2.0 at /scim/v2/ (config/provisioning/)
# with this token of its own; none: every request is refused (check --deploy warns).
ATS_SCIM_TOKEN = env("ATS_SCIM_TOKEN", default="")
SCIM_SERVICE_PROVIDER = {
    "NETLOC": "unused",  # resources' addresses come from the request (base_location)
    "BASE_LOCATION_GETTER": "config.provisioning.adapters.base_location",
    "AUTHENTICATION_SCHEMES": [
        {
            "type": "oauthbearertoken",
            "name": "Bearer token",
            "description": "The token set as ATS_SCIM_TOKEN, as Authorization: Bearer",
            "primary": True,
        }
    ],
    "AUTH_CHECK_MIDDLEWARE": "config.provisioning.adapters.TokenCheck",
    "USER_ADAPTER": "config.provisioning.adapters.StaffAccount",
    "GROUP_ADAPTER": "config.provisioning.adapters.ProviderGroup",
    "USER_FILTER_PARSER": "config.provisioning.filters.StaffAccountFilter",
    "GROUP_FILTER_PARSER": "config.provisioning.filters.ProviderGroupFilter",
    "SERVICE_PROVIDER_CONFIG_MODEL": "config.provisioning.adapters.ServiceProviderConfig",
    "GET_EXTRA_MODEL_EXCLUDE_KWARGS_GETTER": "config.provisioning.adapters.provider_reach",
}
MFA_TOTP_ISSUER = env("ATS_CONTROLLER_NAME", default="") or "ats"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A staff session ends after an hour without a request, and 8 hours after its login
# in any case (config/middleware.py). A candidate's session is shorter still.
SESSION_COOKIE_AGE = env.int("STAFF_SESSION_IDLE_MINUTES", default=60) * 60
SESSION_SAVE_EVERY_REQUEST = True
STAFF_SESSION_MAX_AGE = timedelta(hours=env.int("STAFF_SESSION_MAX_HOURS", default=8))

# Behind HTTPS in production; see the example .env in docs/configuration.md.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = env.bool(
    "SECURE_COOKIES", default=not DEBUG
)
if SESSION_COOKIE_SECURE:
    # Over HTTPS only, for this host only, path /: no subdomain or plain-HTTP page can
    # set or shadow them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading is a promise to every browser, slow to take back: the operator opts in,
# and Django's reminder that it is off (security.W021) is silenced.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# Fields of a form without files, read into memory: the largest form (a decision
# naming the hired) is a few KB. Larger bodies are refused before they are read, by
# every view (config.middleware.BodyLimit, files included); the application form's own
# limit follows ATS_CV_MAX_BYTES (ats/views/body_limits.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 1

# Errors go to stderr and, when ADMINS is set (comma-separated addresses), by email:
# both without personal data or self-service tokens (ats/error_reports.py).
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]
SERVER_EMAIL = env("SERVER_EMAIL", default="root@localhost")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_personal_data": {"()": "ats.error_reports.WithoutPersonalData"}},
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["without_personal_data"],
            "formatter": "plain",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["without_personal_data"],
            "include_html": False,
            "reporter_class": "ats.error_reports.ErrorReportWithoutPersonalData",
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {  # on to the root's console, each through the filter
        "django": {"handlers": ["mail_admins"]},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "ats": {"handlers": ["mail_admins"], "level": "INFO"},
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)  # EMAIL_BACKEND, EMAIL_HOST, ... as django-environ documents
# A mail server that stalls fails the send after this long, well within the email
# drain's lease (two minutes), so that no second worker takes over mid-send.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="jobs@localhost")

# The employer, as candidates see it: links in emails, and who to ask about their data.
ATS_SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
ATS_CONTROLLER_NAME = env("ATS_CONTROLLER_NAME", default="")
ATS_CONTROLLER_EMAIL = env("ATS_CONTROLLER_EMAIL", default="")
ATS_CLIENT_IP_HEADER = env("ATS_CLIENT_IP_HEADER", default=None)

LANGUAGE_CODE = "sv"
LANGUAGES = [("en", "English"), ("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "ats" / "locale"]
TIME_ZONE = "Europe/Stockholm"
# Dates as each language writes them in text (ats/formats/): "12 december 2026 kl. 14.30",
# "12 December 2026, 14:30".
FORMAT_MODULE_PATH = ["ats.formats"]
USE_I18N = True
USE_TZ = True

# django-q2: the ORM broker works everywhere (SQLite included); REDIS_URL selects
# Redis. `retry` must exceed `timeout`, or a slow task is handed out twice.
REDIS_URL = env("REDIS_URL", default="")
# Shared by every web process, so that rate limits hold across workers: Redis, or else
# a table in the database (made by `manage.py createcachetable`).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ats_cache",
            # Full, it drops a third of its rows, rate-limit counts included: room enough
            # that strangers cannot empty it by asking from many addresses (ats.W008).
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    )
}
Q_CLUSTER = {
    "name": "ats",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "catch_up": False,
    **({"redis": REDIS_URL} if REDIS_URL else {"orm": "default", "poll": 2}),
}
