"""Demo data for `make run`: the careers site (demo_brand.py), openings with their
requirement profiles and a few applicants, one recruiter who logs in, and two
colleagues on the teams, each in the groups that come ready (ats/staff.py).

The privacy notice comes from the migrations (version 1), as in production."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from ..cv_checks import validate_cv
from ..models import Criterion, HiringTeamMember, Opening
from .applications import submit_application
from .demo_brand import load_demo_brand
from .pipeline_stages import add_stage, copy_pipeline

SAMPLE_CV = Path(__file__).resolve().parent.parent / "samples" / "cv-astrid-lindqvist.pdf"
RECRUITER_USERNAME = "recruiter"
# user name, first and last name, the shipped groups, and the role on every team. The
# recruiter also plays the privacy contact and the administrator (the careers site);
# the colleagues have no password (an administrator gives them one to log in as them).
STAFF = [
    (
        RECRUITER_USERNAME,
        "Maja",
        "Sjöberg",
        ["ats.recruiter", "ats.privacy_officer", "ats.administrator"],
        "recruiter",
    ),
    ("hanna", "Hanna", "Berg", ["ats.hiring_manager"], "hiring_manager"),
    ("ivan", "Ivan", "Lund", ["ats.interviewer"], "interviewer"),
]

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
# Whom candidates ask about an opening, and where their replies to its emails go.
CONTACT = {"contact_name": "Maja Sjöberg", "contact_email": "rekrytering@example.se"}
# The requirement profile each opening's team scores applicants on.
CRITERIA = {
    "backend-developer": ["Python and Django", "PostgreSQL", "Working in a team"],
    "hr-coordinator": ["Rekrytering", "Svenska i tal och skrift", "Samarbete"],
    "warehouse-team-lead": ["Ledarskap", "Truckkort A och B"],
}
# The stages each opening's team added to the default pipeline: (kind, name).
OWN_STAGES = {
    "backend-developer": [("reviewing", "Kodprov"), ("interview", "Tekniskt samtal")],
    "hr-coordinator": [("interview", "Referenser")],
    "warehouse-team-lead": [("interview", "Besök på lagret")],
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
    team = {}
    for username, first_name, last_name, groups, role in STAFF:
        user, created = get_user_model().objects.update_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name},
            create_defaults={
                "first_name": first_name,
                "last_name": last_name,
                "is_staff": True,
                "email": "" if username == RECRUITER_USERNAME else f"{username}@example.se",
            },
        )
        if created and username != RECRUITER_USERNAME:
            user.set_unusable_password()
            user.save()
        user.groups.add(*Group.objects.filter(name__in=groups))
        team[user] = role
    recruiter = next(user for user in team if user.username == RECRUITER_USERNAME)
    password = secrets.token_urlsafe(9)
    recruiter.set_password(password)
    recruiter.save()
    deadline = timezone.localdate() + timedelta(days=30)
    for slug, title, ad in OPENINGS:
        opening, _ = Opening.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                **CONTACT,
                **ad,
                "application_deadline": deadline,
                "status": Opening.Status.PUBLISHED,
                "published_at": timezone.now(),
            },
        )
        for user, role in team.items():
            HiringTeamMember.objects.get_or_create(
                opening=opening, user=user, defaults={"role": role}
            )
        if not opening.pipeline_stages.exists():
            copy_pipeline(to=opening, source=None)
            for kind, name in OWN_STAGES[slug]:
                add_stage(owner=opening, kind=kind, name=name)
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
    load_demo_brand()
    return DemoLogin(username=recruiter.username, password=password)
