"""An opening's hiring team and requirement profile: shown on its applicant list, and
changed there by a POST of their own, by those who may manage the team."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy
from django.views import View

from .. import selectors
from ..forms.recruit import TeamMemberForm
from ..models import Opening
from ..services import scorecards, team
from ..staff import name_order
from .mixins import OpeningMixin, said


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
    """One change (the view's `change`), then back to the applicant list; a change the
    service refuses (`refusal`) is said there. Anyone who may not manage the team: 404,
    before anything is stored."""

    refusal: type[Exception]
    done: str

    def post(self, request, *args, **kwargs):
        if not selectors.access.can_manage_team(request.user, self.opening):
            raise Http404
        with said(request, done=self.done, refused=self.refusal):
            self.change(request.POST)
        return redirect("ats:recruit-opening", opening_id=self.opening.pk)


class TeamMemberSetView(TeamChangeMixin, View):
    """Add a colleague to the team, or give a member another role."""

    refusal = team.TeamError
    done = gettext_lazy("The hiring team is saved.")

    def change(self, data: QueryDict) -> None:
        form = TeamMemberForm(data)
        if not form.is_valid():
            raise team.TeamError(form.problem())
        team.set_member(opening=self.opening, **form.cleaned_data)


class TeamMemberRemoveView(TeamChangeMixin, View):
    refusal = team.TeamError
    done = gettext_lazy("The hiring team is saved.")

    def change(self, data: QueryDict) -> None:
        if data.get("member", "").isdigit():
            team.remove_member(opening=self.opening, member_id=int(data["member"]))


class CriterionAddView(TeamChangeMixin, View):
    """Add a requirement to the profile the team scores applicants on."""

    refusal = scorecards.ScorecardError
    done = gettext_lazy("The requirement profile is saved.")

    def change(self, data: QueryDict) -> None:
        scorecards.add_criterion(opening=self.opening, name=data.get("name", ""))


class CriterionRemoveView(TeamChangeMixin, View):
    refusal = scorecards.ScorecardError
    done = gettext_lazy("The requirement profile is saved.")

    def change(self, data: QueryDict) -> None:
        if data.get("criterion", "").isdigit():
            scorecards.remove_criterion(opening=self.opening, criterion_id=int(data["criterion"]))
