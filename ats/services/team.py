"""An opening's hiring team: who is on it, in which role. Changed by a recruiter of the
opening (or with ats.change_opening); the last recruiter stays, so that someone always
can."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import HiringTeamMember, Opening


class TeamError(Exception):
    """A change the team does not allow; the message is safe to show."""


@transaction.atomic
def set_member(*, opening: Opening, user: AbstractBaseUser, role: str) -> HiringTeamMember:
    """Add an active staff user to the team, or change their role."""
    if role not in HiringTeamMember.Role.values:
        raise TeamError(_("Choose a role."))
    if not (user.is_staff and user.is_active):
        raise TeamError(_("Only an active staff user can join a hiring team."))
    member, _created = HiringTeamMember.objects.select_for_update().get_or_create(
        opening=opening, user=user, defaults={"role": role}
    )
    if member.role != role:
        _keep_a_recruiter(opening, leaving=member)
        member.role = role
        member.save(update_fields=["role"])
    return member


@transaction.atomic
def remove_member(*, opening: Opening, member_id: int) -> None:
    member = (
        HiringTeamMember.objects.select_for_update().filter(opening=opening, pk=member_id).first()
    )
    if member is not None:
        _keep_a_recruiter(opening, leaving=member)
        member.delete()


def _keep_a_recruiter(opening: Opening, *, leaving: HiringTeamMember) -> None:
    recruiters = opening.team_members.filter(role=HiringTeamMember.Role.RECRUITER)
    if leaving.role == HiringTeamMember.Role.RECRUITER and recruiters.count() == 1:
        raise TeamError(_("An opening keeps at least one recruiter."))
