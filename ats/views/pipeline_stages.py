"""A pipeline's editor: an opening's own stages (its hiring team's deciders), an ad
template's, which the ads made from it copy (`ats.change_adtemplate`), or the
employer's default that other new ads copy and the spontaneous pool runs
(`ats.change_pipelinestage`). Each button is one POST to one service."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from .. import selectors
from ..forms.pipeline_stages import PipelineEditForm
from ..models import AdTemplate, Application, Opening
from ..services import pipeline_stages
from .mixins import RecruiterMixin

Action = PipelineEditForm.Action


class PipelineStagesView(RecruiterMixin, TemplateView):
    """The default pipeline's editor; the subclasses an opening's and a template's."""

    template_name = "ats/recruit/pipeline_stages.html"
    permission_required = "ats.change_pipelinestage"

    @cached_property
    def owner(self) -> Opening | AdTemplate | None:
        return None

    def get_context_data(self, **kwargs):
        stages = selectors.pipeline_stages.pipeline_with_counts(self.owner)
        kinds = [
            (kind, [stage for stage in stages if stage.kind == kind]) for kind in Application.Stage
        ]
        return super().get_context_data(
            opening=self.owner if isinstance(self.owner, Opening) else None,
            ad_template=self.owner if isinstance(self.owner, AdTemplate) else None,
            kinds=kinds,
            max_per_kind=pipeline_stages.MAX_STAGES_PER_KIND,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        pipeline = selectors.pipeline_stages.pipeline_of(self.owner)
        form = PipelineEditForm(request.POST, pipeline=pipeline)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(request.path)
        data = form.cleaned_data
        action, stage = data["action"], data["stage"]
        try:
            if action == Action.ADD:
                stage = pipeline_stages.add_stage(
                    owner=self.owner, kind=data["kind"], name=data["name"]
                )
                done = _("The stage “%(stage)s” is added.")
            elif action == Action.RENAME:
                stage = pipeline_stages.rename_stage(stage=stage, name=data["name"])
                done = _("The stage is now called “%(stage)s”.")
            elif action in (Action.EARLIER, Action.LATER):
                by = -1 if action == Action.EARLIER else 1
                stage = pipeline_stages.move_stage(stage=stage, by=by)
                done = _("The stage “%(stage)s” is moved.")
            else:
                pipeline_stages.remove_stage(stage=stage)
                done = _("The stage “%(stage)s” is removed.")
        except pipeline_stages.PipelineRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(request.path)
        messages.success(request, done % {"stage": stage.label})
        return redirect(f"{request.path}#kind-{stage.kind}")


class PipelineStagesOfOpeningView(PipelineStagesView):
    permission_required = None

    @cached_property
    def owner(self) -> Opening:
        return get_object_or_404(
            selectors.access.deciding_openings(self.request.user), pk=self.kwargs["opening_id"]
        )


class PipelineStagesOfTemplateView(PipelineStagesView):
    permission_required = "ats.change_adtemplate"

    @cached_property
    def owner(self) -> AdTemplate:
        return get_object_or_404(selectors.ad_templates.ad_templates(), pk=self.kwargs["pk"])
