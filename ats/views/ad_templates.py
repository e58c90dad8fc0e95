"""The departments' ad templates: kept at /recruit/ad-templates/ by those with
ats.change_adtemplate, and offered on /recruit/openings/new/ (views/openings.py) to
everyone who writes ads."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from .. import selectors
from ..forms.openings import AdTemplateForm
from ..models import AdTemplate, Department
from ..services import ad_templates
from .mixins import RecruiterMixin


class AdTemplateListView(RecruiterMixin, TemplateView):
    permission_required = "ats.change_adtemplate"
    template_name = "ats/recruit/ad_templates.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(templates=selectors.ad_templates.ad_templates(), **kwargs)


class AdTemplateEditView(RecruiterMixin, FormView):
    """A new template (no pk), or one to change or remove."""

    permission_required = "ats.change_adtemplate"
    template_name = "ats/recruit/ad_template_form.html"
    form_class = AdTemplateForm

    @cached_property
    def template(self) -> AdTemplate:
        pk = self.kwargs.get("pk")
        return get_object_or_404(AdTemplate, pk=pk) if pk else AdTemplate()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "template": self.template}

    def get(self, request, *args, **kwargs):
        self.may("add_adtemplate" if self.template.pk is None else "change_adtemplate")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if "remove" in request.POST and self.template.pk:
            self.may("delete_adtemplate")
            ad_templates.remove_ad_template(template=self.template)
            messages.success(request, _("“%(name)s” is removed.") % {"name": self.template.name})
            return redirect("ats:recruit-ad-templates")
        self.may("add_adtemplate" if self.template.pk is None else "change_adtemplate")
        return super().post(request, *args, **kwargs)

    def may(self, permission: str) -> None:
        if not self.request.user.has_perm(f"ats.{permission}"):
            raise Http404

    def form_valid(self, form):
        template = ad_templates.save_ad_template(
            template=self.template,
            name=form.cleaned_data["template_name"],
            department=form.cleaned_data["template_department"],
            ad=form.cleaned_data,
        )
        messages.success(self.request, _("“%(name)s” is saved.") % {"name": template.name})
        return redirect("ats:recruit-ad-templates")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            template=self.template, departments=Department.objects.exists(), **kwargs
        )
