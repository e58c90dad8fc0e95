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


def within_reach(user: AbstractBaseUser, *, prefix: str = "") -> Q:
    """The applications of openings the user recruits for (or all, with the permission),
    and the spontaneous pool with its own permission; `prefix` reaches them from a
    related model (e.g. "application__")."""
    opening = f"{prefix}opening"
    allowed = (
        Q(**{f"{opening}__isnull": False})
        if can_see_all_openings(user)
        else Q(**{f"{opening}__hiring_team": user})
    )
    if can_see_spontaneous(user):
        allowed |= Q(**{f"{opening}__isnull": True})
    return allowed


def visible_applications(
    user: AbstractBaseUser, *, now: datetime | None = None
) -> QuerySet[Application]:
    """The live applications within the user's reach: what recruiter pages show."""
    return Application.objects.live(now=now).filter(within_reach(user))


def editable_openings(user: AbstractBaseUser) -> QuerySet[Opening]:
    """Every opening with ats.change_opening; without it, the drafts of one's own."""
    if user.has_perm("ats.change_opening"):
        return Opening.objects.all()
    return Opening.objects.filter(hiring_team=user, status=Opening.Status.DRAFT)
