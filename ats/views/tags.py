"""The employer's tags: their list (made and removed with ats.add_tag and
ats.delete_tag), and setting one on an application or taking it off, from the
application's page (the list and the board tag many at once: views/pipeline.py)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from ..forms.recruit import TagChoiceForm, TagForm
from ..models import Application, Tag
from ..services import tags
from .mixins import ApplicationMixin, RecruiterMixin


class TagListView(RecruiterMixin, TemplateView):
    """The site's tags, for those who may make or remove them; 404 for anyone else."""

    template_name = "ats/recruit/tags.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (
            user.has_perm("ats.add_tag") or user.has_perm("ats.delete_tag")
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("ats.add_tag"):
            raise Http404
        form = TagForm(request.POST)
        if form.is_valid():
            try:
                tag = tags.create_tag(name=form.cleaned_data["name"])
            except tags.TagRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("Tag “%(name)s” added.") % {"name": tag.name})
        else:
            messages.error(request, _("A tag needs a name of one line, at most 50 characters."))
        return redirect("ats:recruit-tags")

    def get_context_data(self, **kwargs):
        return super().get_context_data(tags=Tag.objects.all(), form=TagForm(), **kwargs)


class TagRemoveView(RecruiterMixin, View):
    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("ats.delete_tag"):
            raise Http404
        tag = get_object_or_404(Tag, pk=kwargs["tag_id"])
        count = tags.remove_tag(tag=tag)
        messages.success(
            request,
            ngettext(
                "Tag “%(name)s” removed, from %(count)d application.",
                "Tag “%(name)s” removed, from %(count)d applications.",
                count,
            )
            % {"name": tag.name, "count": count},
        )
        return redirect("ats:recruit-tags")


class ApplicationTagView(ApplicationMixin, View):
    """Set a tag on the application, or take one off: those who decide on it (not an
    interviewer, not on a restricted application: 404)."""

    def post(self, request, *args, **kwargs):
        application = self.get_application(deciding=True)
        form = TagChoiceForm(request.POST)
        if form.is_valid():
            one = Application.objects.filter(pk=application.pk)
            tag = form.cleaned_data["tag"]
            if request.POST.get("action") == "untag":
                tags.untag_applications(applications=one, tag=tag, untagged_by=request.user)
                messages.success(request, _("Tag “%(name)s” taken off.") % {"name": tag.name})
            else:
                tags.tag_applications(applications=one, tag=tag, tagged_by=request.user)
                messages.success(request, _("Tagged “%(name)s”.") % {"name": tag.name})
        else:
            messages.error(request, _("Choose a tag."))
        return redirect("ats:recruit-application", public_id=application.public_id)
