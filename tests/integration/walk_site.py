"""Run inside a project made by `django-admin startproject mysite`, in a virtual
environment that holds only the ats wheel and what it depends on (and django-allauth for
that host): add ats as its README says, under the prefix /karriar/, to a site whose
staff log in one of three ways (`python walk_site.py auth|allauth|admin`), then walk
every page as a candidate and a recruiter, and log out with the recruiter pages' button.
Prints one JSON document: what each page answered, and every problem seen."""

import io
import json
import os
import re
import sys
from pathlib import Path

PROJECT = Path.cwd()
PREFIX = "/karriar/"

SETTINGS = """
# --- added by the integrator, as the ats README says ---
INSTALLED_APPS += ["django_q", "ats"]
ALLOWED_HOSTS = ["testserver"]
LOGOUT_REDIRECT_URL = "/karriar/jobs/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "ats_cv": {
        "BACKEND": "ats.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": BASE_DIR / "private" / "cv"},
    },
}
Q_CLUSTER = {"name": "site", "orm": "default", "timeout": 60, "retry": 120}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
"""

WITHOUT_ADMIN = """
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "django.contrib.admin"]
"""
# How the site's staff log in and out: its settings, its URLs, where its login and log-out
# are. No site has a URL named `logout` but the first: ats's pages must need none.
HOSTS = {
    "auth": {  # Django's own views (django.contrib.auth.urls), no admin
        "settings": WITHOUT_ADMIN,
        "urls": 'path("accounts/", include("django.contrib.auth.urls"))',
        "login": "/accounts/login/",
        "log_out": "/accounts/logout/",
    },
    "allauth": {  # django-allauth's: its log-out is named account_logout; no admin
        "settings": WITHOUT_ADMIN
        + """
INSTALLED_APPS += ["allauth", "allauth.account"]
MIDDLEWARE += ["allauth.account.middleware.AccountMiddleware"]
""",
        "urls": 'path("accounts/", include("allauth.urls"))',
        "login": "/accounts/login/",
        "log_out": "/accounts/logout/",
    },
    "admin": {  # the admin's login alone: admin:login, admin:logout
        "settings": 'LOGIN_URL = "admin:login"\n',
        "urls": 'path("admin/", admin.site.urls)',
        "login": "/admin/login/",
        "log_out": "/admin/logout/",
    },
}
URLS = """
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    {urls},
    path("karriar/", include("ats.urls")),
]
"""


def configure(host: dict) -> None:
    settings = PROJECT / "mysite" / "settings.py"
    settings.write_text(settings.read_text() + SETTINGS + host["settings"])
    (PROJECT / "mysite" / "urls.py").write_text(URLS.format(urls=host["urls"]))
    sys.path.insert(0, str(PROJECT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "mysite.settings"


def main() -> None:
    host = HOSTS[sys.argv[1]]
    configure(host)
    import django

    django.setup()
    from django.contrib.auth.models import Permission, User
    from django.core import mail
    from django.core.management import call_command
    from django.test import Client

    import ats
    from ats import tasks, tokens
    from ats.models import Application, DeletionRecord, Opening

    quiet = io.StringIO()  # this script's output is its report alone
    call_command("migrate", verbosity=0)
    call_command("check", fail_level="ERROR", stdout=quiet)
    seen, problems = [], []

    def visit(client, method, url, **data):
        response = getattr(client, method)(url, data or None, follow=False)
        seen.append(f"{method.upper()} {url} {response.status_code}")
        if response.status_code not in (200, 302):
            problems.append(f"{method.upper()} {url}: {response.status_code}")
        location = response.headers.get("Location", "")
        if location and not location.startswith((PREFIX, host["login"])):
            problems.append(f"{url} redirects outside the prefix: {location}")
        if response.get("Content-Type", "").startswith("text/html"):
            for href in re.findall(r'(?:href|action|src)="(/[^"]*)"', response.content.decode()):
                if not href.startswith((PREFIX, "/static/", host["log_out"])):
                    problems.append(f"{url} links outside the prefix: {href}")
        return response

    opening = Opening.objects.create(title="Lagerchef", slug="lagerchef", status="published")
    candidate = Client()
    for page in ("jobs/", "jobs/lagerchef/", "apply/", "privacy/", "my-data/"):
        visit(candidate, "get", PREFIX + page)
    sample = Path(ats.__file__).parent / "samples" / "cv-astrid-lindqvist.pdf"
    with sample.open("rb") as cv:
        applied = visit(
            candidate,
            "post",
            f"{PREFIX}jobs/lagerchef/",
            name="Astrid Lindqvist",
            email="astrid@example.se",
            cv=cv,
        )
    visit(candidate, "get", applied.headers.get("Location", PREFIX + "missing-receipt/"))
    application = Application.objects.get()
    tasks.send_emails()  # what the worker (qcluster) does every minute
    token = tokens.make_token(public_id=application.public_id, key=application.link_key)
    link = visit(candidate, "get", PREFIX + f"my-application/{token}/").headers["Location"]
    visit(candidate, "get", link)
    for action in ("export", "edit", "restrict", "object", "erase"):
        visit(candidate, "get", f"{link}{action}/")

    recruiter = User.objects.create_user("rekryterare", is_staff=True)
    recruiter.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_all_applications",
                "view_spontaneous_applications",
                "download_cv",
                "view_retention",
                "handle_privacy_requests",
            ]
        )
    )
    staff = Client()
    visit(staff, "get", PREFIX + "recruit/")  # anonymous: to the login page
    staff.force_login(recruiter)
    for page in (
        "recruit/",
        f"recruit/openings/{opening.pk}/",
        f"recruit/openings/{opening.pk}/decision/",
        "recruit/spontaneous/",
        f"recruit/applications/{application.public_id}/",
        f"recruit/applications/{application.public_id}/cv/",
        f"recruit/applications/{application.public_id}/cv/view/",
        f"recruit/applications/{application.public_id}/cv/view/pages/2.png",
        "recruit/retention/",
        "recruit/privacy/",
    ):
        response = visit(staff, "get", PREFIX + page)
        button = f'<form method="post" action="{host["log_out"]}"'
        html = response.get("Content-Type", "").startswith("text/html")
        if html and button not in response.content.decode():  # not the CV, nor its pages
            problems.append(f"{page} has no log-out button for {host['log_out']}")
    visit(staff, "post", host["log_out"])  # the button
    visit(staff, "get", PREFIX + "recruit/")  # logged out: to the login again

    visit(candidate, "post", f"{link}erase/")
    call_command("ats_purge", stdout=quiet)
    print(
        json.dumps(
            {
                "seen": seen,
                "problems": problems,
                "applications_left": Application.objects.count(),
                "tombstones": list(DeletionRecord.objects.values_list("reason", flat=True)),
                "cv_files_left": sorted(
                    str(p.relative_to(PROJECT)) for p in (PROJECT / "private").rglob("*.pdf")
                ),
                "emails": [message.subject for message in mail.outbox],
            }
        )
    )


if __name__ == "__main__":
    main()
