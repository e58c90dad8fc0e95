"""Demo data for `make run`: openings with a few applicants, and one recruiter.

The privacy notice comes from the migrations (version 1), as in production."""

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files import File
from django.db import transaction

from ..models import Opening
from ..validators import validate_cv
from .applications import submit_application

SAMPLE_CV = Path(__file__).resolve().parent.parent / "samples" / "cv-astrid-lindqvist.pdf"
RECRUITER_USERNAME = "recruiter"

OPENINGS = [
    (
        "backend-developer",
        "Backend developer (Python)",
        "Join our platform team in Gothenburg and build services that thousands rely on.",
    ),
    (
        "hr-coordinator",
        "HR coordinator",
        "Coordinate recruitment and onboarding with our managers in Stockholm.",
    ),
    (
        "warehouse-team-lead",
        "Warehouse team lead",
        "Lead a team of twelve in our Jönköping warehouse, day shifts.",
    ),
]
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
            codename__in=["view_spontaneous_applications", "download_cv", "view_retention"],
        )
    )
    for slug, title, description in OPENINGS:
        opening, _ = Opening.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "description": description,
                "status": Opening.Status.PUBLISHED,
            },
        )
        opening.hiring_team.add(recruiter)
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
