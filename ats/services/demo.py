"""Demo data for `make run`: openings with their requirement profiles and a few
applicants, and one recruiter.

The privacy notice comes from the migrations (version 1), as in production."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from ..cv_checks import validate_cv
from ..models import Criterion, Opening
from .applications import submit_application

SAMPLE_CV = Path(__file__).resolve().parent.parent / "samples" / "cv-astrid-lindqvist.pdf"
RECRUITER_USERNAME = "recruiter"

# slug, title, and the ad's own fields (a deadline a month on is added when loaded).
OPENINGS = [
    (
        "backend-developer",
        "Backend developer (Python)",
        {
            "description": "Join our platform team and build services that thousands rely "
            "on.\n\n**You have:**\n\n- a few years of Python and Django\n- PostgreSQL\n"
            "\n**We offer** a hybrid week, three days in the office.",
            "location": "Göteborg",
            "workplace_type": Opening.WorkplaceType.HYBRID,
            "department": "Platform",
            "salary_min": 45_000,
            "salary_max": 58_000,
            "language": Opening.Language.ENGLISH,
        },
    ),
    (
        "hr-coordinator",
        "HR-koordinator",
        {
            "description": "Du samordnar rekrytering och introduktion med våra chefer.\n\n"
            "**Krav:**\n\n- erfarenhet av rekrytering\n- god svenska i tal och skrift",
            "location": "Stockholm",
            "department": "HR",
            "salary_min": 36_000,
            "salary_max": 42_000,
            "employment_type": Opening.EmploymentType.FIXED_TERM,
        },
    ),
    (
        "warehouse-team-lead",
        "Teamledare lager",
        {
            "description": "Led ett team på tolv personer på vårt lager, dagtid.\n\n"
            "**Krav:** truckkort A och B.",
            "location": "Jönköping",
            "department": "Logistik",
            "salary_min": 34_000,
            "salary_max": 39_000,
            "positions": 2,
        },
    ),
]
# The requirement profile each opening's team scores applicants on.
CRITERIA = {
    "backend-developer": ["Python and Django", "PostgreSQL", "Working in a team"],
    "hr-coordinator": ["Rekrytering", "Svenska i tal och skrift", "Samarbete"],
    "warehouse-team-lead": ["Ledarskap", "Truckkort A och B"],
}
APPLICANTS = [
    ("Astrid Lindqvist", "astrid.lindqvist@example.se"),
    ("Johan Berg", "johan.berg@example.se"),
    ("Leila Haddad", "leila.haddad@example.se"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str


@transaction.atomic
def load_demo_data() -> DemoLogin:
    """Idempotent: openings are updated, applicants added only to empty openings, and
    the recruiter gets a fresh random password each time."""
    recruiter, _ = get_user_model().objects.get_or_create(
        username=RECRUITER_USERNAME, defaults={"is_staff": True}
    )
    password = secrets.token_urlsafe(9)
    recruiter.set_password(password)
    recruiter.save()
    recruiter.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="ats",
            codename__in=[
                "view_spontaneous_applications",
                "download_cv",
                "view_retention",
                "add_opening",
                "change_opening",
                "publish_opening",
                "handle_privacy_requests",  # the demo's one user plays the privacy contact too
                "set_legal_hold",
            ],
        )
    )
    deadline = timezone.localdate() + timedelta(days=30)
    for slug, title, ad in OPENINGS:
        opening, _ = Opening.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                **ad,
                "application_deadline": deadline,
                "status": Opening.Status.PUBLISHED,
                "published_at": timezone.now(),
            },
        )
        opening.hiring_team.add(recruiter)
        for position, name in enumerate(CRITERIA[slug]):
            Criterion.objects.get_or_create(
                opening=opening, name=name, defaults={"position": position}
            )
        if not opening.applications.exists():
            for name, email in APPLICANTS:
                with SAMPLE_CV.open("rb") as handle:
                    submit_application(
                        opening=opening,
                        name=name,
                        email=email,
                        consent=False,
                        cv=validate_cv(File(handle, name=SAMPLE_CV.name)),
                    )
    return DemoLogin(username=recruiter.username, password=password)
