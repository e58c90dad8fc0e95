"""Who may see what: the openings and applications a recruiter's role and permissions reach."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from ..models import (
    Application,
    Opening,
)


def can_see_all_openings(user: AbstractBaseUser) -> bool:
    return user.has_perm("ats.view_all_applications")


def can_see_spontaneous(user: AbstractBaseUser) -> bool:
    return user.has_perm("ats.view_spontaneous_applications")


def visible_openings(user: AbstractBaseUser) -> QuerySet[Opening]:
    openings = Opening.objects.all()
    return openings if can_see_all_openings(user) else openings.filter(hiring_team=user)


def visible_applications(
    user: AbstractBaseUser, *, now: datetime | None = None
) -> QuerySet[Application]:
    """Live applications of openings the user recruits for (or all, with the permission),
    and the spontaneous pool with its own permission."""
    allowed = (
        Q(opening__isnull=False) if can_see_all_openings(user) else Q(opening__hiring_team=user)
    )
    if can_see_spontaneous(user):
        allowed |= Q(opening__isnull=True)
    return Application.objects.live(now=now).filter(allowed)
