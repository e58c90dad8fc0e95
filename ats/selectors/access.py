"""Who may see what: the openings and applications a recruiter's role and permissions reach."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from ..models import (
    DECIDING_ROLES,
    INTERVIEW_STAGES,
    Application,
    HiringTeamMember,
    Opening,
)


def can_see_all_openings(user: AbstractBaseUser) -> bool:
    return user.has_perm("ats.view_all_applications")


def can_see_spontaneous(user: AbstractBaseUser) -> bool:
    return user.has_perm("ats.view_spontaneous_applications")


def visible_openings(user: AbstractBaseUser) -> QuerySet[Opening]:
    openings = Opening.objects.all()
    return openings if can_see_all_openings(user) else openings.filter(hiring_team=user)


def deciding_openings(user: AbstractBaseUser) -> QuerySet[Opening]:
    """The openings whose applicants the user may reject and decide on: as a recruiter
    or hiring manager of its team, or with ats.view_all_applications."""
    openings = Opening.objects.all()
    if can_see_all_openings(user):
        return openings
    return openings.filter(team_members__user=user, team_members__role__in=DECIDING_ROLES)


def can_decide_on(user: AbstractBaseUser, opening: Opening | None) -> bool:
    """Whether the user may move, reject, email and decide on the applicants of the
    opening (None: the spontaneous pool, with its permission). One query at most."""
    if opening is None:
        return can_see_spontaneous(user)
    return deciding_openings(user).filter(pk=opening.pk).exists()


# What of an applicant each role sees (ASVS 8.2.3), on the pages, in the API and in
# search alike: whoever decides on the applicants sees everything; an interviewer what
# the interview needs (name, answers, the CV inside the page), not how to reach the
# person, nor their letter.
FOR_DECIDERS_ONLY = frozenset({"email", "phone", "cover_letter"})


def hidden_fields(*, deciding: bool) -> frozenset[str]:
    """The applicant's fields a user may not see; `deciding` as can_decide_on says for
    the application's opening."""
    return frozenset() if deciding else FOR_DECIDERS_ONLY


def deciding_reach(user: AbstractBaseUser) -> Q:
    """Of the applications within reach, those the user decides on (can_decide_on, as a
    filter): whose fields FOR_DECIDERS_ONLY the user may see, and search."""
    allowed = (
        Q(opening__isnull=False)
        if can_see_all_openings(user)
        else Q(opening__in=deciding_openings(user).values("pk"))
    )
    if can_see_spontaneous(user):
        allowed |= Q(opening__isnull=True)
    return allowed


def within_reach(user: AbstractBaseUser, *, prefix: str = "") -> Q:
    """The applications of openings the user recruits for (or all, with the permission),
    and the spontaneous pool with its own permission; `prefix` reaches them from a
    related model (e.g. "application__")."""
    opening = f"{prefix}opening"
    if can_see_all_openings(user):
        allowed = Q(**{f"{opening}__isnull": False})
    else:  # one join to the membership: its user, and what its role lets them see
        allowed = Q(**{f"{opening}__team_members__user": user}) & (
            Q(**{f"{opening}__team_members__role__in": DECIDING_ROLES})
            | Q(**{f"{prefix}stage__in": INTERVIEW_STAGES})
        )
    if can_see_spontaneous(user):
        allowed |= Q(**{f"{opening}__isnull": True})
    return allowed


def visible_applications(
    user: AbstractBaseUser, *, now: datetime | None = None
) -> QuerySet[Application]:
    """The live applications within the user's reach: what recruiter pages show."""
    return Application.objects.live(now=now).filter(within_reach(user))


def can_hold(user: AbstractBaseUser) -> bool:
    return user.has_perm("ats.set_legal_hold")


def holdable_applications(user: AbstractBaseUser) -> QuerySet[Application]:
    """The applications whose legal hold the user may place or lift (ats.set_legal_hold):
    those within their reach; with ats.handle_privacy_requests too, every one, as the
    privacy page finds every application of a person. Restricted and held ones included,
    and those past their date that a hold keeps: a hold reads nothing of the person."""
    if not can_hold(user):
        return Application.objects.none()
    if user.has_perm("ats.handle_privacy_requests"):
        return Application.objects.all()
    return Application.objects.filter(within_reach(user))


def viewable_cvs(user: AbstractBaseUser) -> QuerySet[Application]:
    """The applications whose CV the user may read inside the page (can_view_cv)."""
    return visible_applications(user).filter(restricted_at__isnull=True)


def can_view_cv(user: AbstractBaseUser, application: Application) -> bool:
    """Whether the user may read the CV inside the page, as visible_applications(user)
    gave the application (its page, a search hit): every team member who may see it,
    interviewers included, unless the candidate has restricted its processing. Taking
    the file away is more (can_download_cv). No query."""
    return not application.is_restricted


def can_download_cv(user: AbstractBaseUser, application: Application) -> bool:
    """Whether the user may download the CV: who may read it, with ats.download_cv."""
    return can_view_cv(user, application) and user.has_perm("ats.download_cv")


def editable_openings(user: AbstractBaseUser) -> QuerySet[Opening]:
    """With ats.change_opening, every opening the user sees; without it, the drafts of
    their own. Never one they cannot see: that answers 404, as if it did not exist."""
    if user.has_perm("ats.change_opening"):
        return visible_openings(user)
    return Opening.objects.filter(hiring_team=user, status=Opening.Status.DRAFT)


def can_manage_team(
    user: AbstractBaseUser, opening: Opening, *, members: list[HiringTeamMember] | None = None
) -> bool:
    """A recruiter of the opening's team, or ats.change_opening. `members`: the team,
    when the page has read it already."""
    if user.has_perm("ats.change_opening"):
        return True
    if members is None:
        members = list(opening.team_members.all())
    recruiter = HiringTeamMember.Role.RECRUITER
    return any(m.user_id == user.pk and m.role == recruiter for m in members)


def possible_interviewers(application: Application) -> QuerySet:
    """Who may be asked to interview: the opening's team; for a spontaneous
    application, the staff who may see the pool."""
    users = get_user_model().objects.filter(is_staff=True, is_active=True)
    if application.opening_id:
        return users.filter(ats_team_memberships__opening_id=application.opening_id)
    return users.filter(
        Q(is_superuser=True)
        | Q(user_permissions__codename="view_spontaneous_applications")
        | Q(groups__permissions__codename="view_spontaneous_applications")
    ).distinct()


def colleagues_to_tell(application: Application, *, user: AbstractBaseUser) -> QuerySet:
    """Whom a note's author may mention: those who may interview, not the author."""
    return possible_interviewers(application).exclude(pk=user.pk)


def may_act_for(maker: AbstractBaseUser, user: AbstractBaseUser) -> bool:
    """Whether `maker` may make an API key or a webhook subscription that acts for
    `user` (and so sees what `user` sees): staff for themselves; a superuser for any
    active staff user. Nobody else lends another's reach (ASVS 8.2.1)."""
    if not (user.is_active and user.is_staff):
        return False
    return maker.pk == user.pk or maker.is_superuser


def users_to_act_for(maker: AbstractBaseUser) -> QuerySet:
    """The users `maker` may choose for a key or a subscription to act for."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users if maker.is_superuser else users.filter(pk=maker.pk)
