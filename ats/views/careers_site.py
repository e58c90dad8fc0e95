"""/recruit/careers-site/: the careers site as its administrator edits it (those with
ats.change_careerssite; 404 for anyone else): the site's looks and words on one page,
and its sections, departments and places each on a page of its own."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from ..forms.careers_site import CareersSiteForm, DepartmentForm, PlaceForm, SectionForm
from ..images import MAX_UPLOAD_BYTES
from ..models import CareersSection, CareersSite, Department, Place
from ..services import careers_site
from .mixins import RecruiterMixin


@dataclass(frozen=True)
class Part:
    model: type
    form: type
    label: str  # heading one of them
    new: str  # heading a new one


# The parts of the site, by the word in their addresses.
PARTS = {
    "sections": Part(
        CareersSection, SectionForm, gettext_lazy("Section"), gettext_lazy("New section")
    ),
    "departments": Part(
        Department, DepartmentForm, gettext_lazy("Department"), gettext_lazy("New department")
    ),
    "places": Part(Place, PlaceForm, gettext_lazy("Place"), gettext_lazy("New place")),
}


class PicturesMixin:
    """Takes a picture for each of the form's picture fields, and says when one was
    too large to be read."""

    def upload_allowance(self) -> tuple[int, int]:
        # Only its editors' bodies are read as far as pictures go (the body is read
        # before the login and permission are checked).
        if not self.request.user.has_perm(self.permission_required):
            return 0, 0
        return len(self.get_form_class().picture_fields), MAX_UPLOAD_BYTES

    def get_form_kwargs(self):
        too_large = bool(self.upload_limit and self.upload_limit.file_too_large)
        return {**super().get_form_kwargs(), "picture_too_large": too_large}


class CareersSiteView(PicturesMixin, RecruiterMixin, FormView):
    permission_required = "ats.change_careerssite"
    template_name = "ats/recruit/careers_site.html"
    form_class = CareersSiteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": CareersSite.objects.one()}

    def form_valid(self, form):
        careers_site.save_careers_site(site=form.instance, pictures=form.pictures())
        messages.success(self.request, _("The careers site is saved and shown to visitors."))
        return redirect("ats:recruit-careers-site")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            parts=[
                (kind, part, part.model._meta.verbose_name_plural, part.model.objects.all())
                for kind, part in PARTS.items()
            ],
            **kwargs,
        )


class CareersPartView(PicturesMixin, RecruiterMixin, FormView):
    """A new part (no pk), or one to change or remove."""

    permission_required = "ats.change_careerssite"
    template_name = "ats/recruit/careers_part.html"

    @cached_property
    def part_kind(self):
        if self.kwargs["kind"] not in PARTS:
            raise Http404
        return PARTS[self.kwargs["kind"]]

    @cached_property
    def part(self):
        model = self.part_kind.model
        pk = self.kwargs.get("pk")
        return get_object_or_404(model, pk=pk) if pk else model()

    def get_form_class(self):
        return self.part_kind.form

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.part}

    def post(self, request, *args, **kwargs):
        if "remove" in request.POST and self.part.pk:
            careers_site.remove_careers_part(part=self.part)
            messages.success(request, _("“%(name)s” is off the site.") % {"name": self.part.name})
            return redirect("ats:recruit-careers-site")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        careers_site.save_careers_part(part=form.instance, pictures=form.pictures())
        messages.success(self.request, _("“%(name)s” is saved.") % {"name": form.instance.name})
        return redirect("ats:recruit-careers-site")

    def get_context_data(self, **kwargs):
        return super().get_context_data(part=self.part, kind=self.part_kind, **kwargs)
