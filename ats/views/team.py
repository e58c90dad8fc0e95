"""An opening's hiring team and requirement profile: shown on its applicant list, and
changed there by a POST of their own, by those who may manage the team."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from .. import selectors
from ..forms.recruit import TeamMemberForm
from ..models import Opening
from ..services import scorecards, team
from ..staff import name_order, staff_name
from .mixins import OpeningMixin


def team_context(user: AbstractBaseUser, opening: Opening | None) -> dict:
    """The team and the profile for the applicant list (nothing for the spontaneous pool)."""
    members = (
        list(
            opening.team_members.select_related("user").order_by(
                "role", *name_order(get_user_model(), prefix="user__")
            )
        )
        if opening
        else []
    )
    can_manage = opening is not None and selectors.access.can_manage_team(
        user, opening, members=members
    )
    return {
        "team": members,
        "can_manage_team": can_manage,
        "team_form": TeamMemberForm() if can_manage else None,
        "criteria": list(opening.criteria.all()) if opening else [],
    }


class TeamChangeMixin(OpeningMixin):
    """One change (the view's `change`, which says what was done), then back to the
    applicant list at the section changed (`section`: the browser opens its <details>);
    a change the service refuses (`refusal`) is said there. Anyone who may not manage
    the team: 404, before anything is stored."""

    refusal: type[Exception]
    section: str

    def post(self, request, *args, **kwargs):
        if not selectors.access.can_manage_team(request.user, self.opening):
            raise Http404
        try:
            done = self.change(request.POST)
        except self.refusal as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, done)
        url = reverse("ats:recruit-opening", kwargs={"opening_id": self.opening.pk})
        return redirect(f"{url}#{self.section}")


class TeamMemberSetView(TeamChangeMixin, View):
    """Add a colleague to the team, or give a member another role."""

    refusal = team.TeamError
    section = "team-members"

    def change(self, data: QueryDict) -> str:
        form = TeamMemberForm(data)
        if not form.is_valid():
            raise team.TeamError(form.problem())
        member = team.set_member(opening=self.opening, **form.cleaned_data)
        return _("%(name)s is on the hiring team as %(role)s.") % {
            "name": staff_name(member.user),
            "role": member.get_role_display().lower(),
        }


class TeamMemberRemoveView(TeamChangeMixin, View):
    refusal = team.TeamError
    section = "team-members"

    def change(self, data: QueryDict) -> str:
        if data.get("member", "").isdigit():
            team.remove_member(opening=self.opening, member_id=int(data["member"]))
        return _("The hiring team is saved.")


class CriterionAddView(TeamChangeMixin, View):
    """Add a requirement to the profile the team scores applicants on."""

    refusal = scorecards.ScorecardError
    section = "criteria"

    def change(self, data: QueryDict) -> str:
        criterion = scorecards.add_criterion(opening=self.opening, name=data.get("name", ""))
        return _("“%(name)s” is in the requirement profile.") % {"name": criterion.name}


class CriterionRemoveView(TeamChangeMixin, View):
    refusal = scorecards.ScorecardError
    section = "criteria"

    def change(self, data: QueryDict) -> str:
        if data.get("criterion", "").isdigit():
            scorecards.remove_criterion(opening=self.opening, criterion_id=int(data["criterion"]))
        return _("The requirement profile is saved.")
