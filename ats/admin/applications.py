"""Applications in the admin, read-only and need-to-know, with what is held with them;
legal holds are placed and lifted here. The employer's tags, made and removed."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ..forms.privacy import LegalHoldForm
from ..models import (
    AccessEvent,
    Application,
    ApplicationTag,
    ApplicationText,
    Interview,
    InterviewSlot,
    MeritRequest,
    Message,
    Note,
    Score,
    ScreeningAnswer,
    StageChange,
    Tag,
)
from ..selectors.access import can_decide_on, deciding_reach, hidden_fields, within_reach
from ..services import erasure, holds, tags
from ..services.access_log import record_access
from .base import ReadOnlyAdmin

# What an application holds of the person; never shown once they restrict processing.
PERSONAL_FIELDS = ("name", "email", "phone", "cover_letter", "cv_filename")


class NeedToKnowAdmin(ReadOnlyAdmin):
    """Personal data in the admin as on the recruiter pages: only the applications within
    the user's reach (hiring team, permissions), nothing of the person once they have
    restricted processing, and each page that shows an application written to the access
    log (ASVS 8.2.2). Held and due rows stay listed: support staff lift holds here."""

    reach_prefix = ""  # from this model to its application

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(within_reach(request.user, prefix=self.reach_prefix))
        )

    def application_of(self, obj) -> Application:
        for name in self.reach_prefix.split("__")[:-1]:
            obj = getattr(obj, name)
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        shown = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and shown is not None:
            record_access(
                user=request.user,
                action=AccessEvent.Action.VIEW,
                public_ids=[self.application_of(shown).public_id],
            )
        return response


@admin.register(Application)
class ApplicationAdmin(NeedToKnowAdmin):
    """Read-only: applications change through the services. Deleting one erases it
    through the same engine as every deletion: file removed, tombstone written."""

    list_display = [
        "public_id",
        "opening",
        "stage",
        "submitted_at",
        "delete_after",
        "hold_reason",
        "hold_until",
    ]
    # The openings of the applications the user may see, not every title.
    list_filter = ["stage", ("opening", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["opening"]
    exclude = ["cv"]  # the file is served only by the access-checked recruiter view
    actions = ["place_legal_hold", "lift_legal_hold"]

    def get_exclude(self, request, obj=None):
        if obj is None:
            return self.exclude
        if obj.is_restricted:
            return [*self.exclude, *PERSONAL_FIELDS]
        # The recruiter pages' field policy: an interviewer sees no contact details.
        return [*self.exclude, *hidden_fields(deciding=can_decide_on(request.user, obj.opening))]

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("ats.delete_application")

    def delete_model(self, request, obj):
        self.delete_queryset(request, Application.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        erasure.erase_applications_now(applications=queryset, requested_by=request.user)

    def has_legal_hold_permission(self, request) -> bool:
        return request.user.has_perm("ats.set_legal_hold")

    @admin.action(description=_("Place on legal hold"), permissions=["legal_hold"])
    def place_legal_hold(self, request, queryset):
        form = LegalHoldForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                held = holds.place_legal_hold(
                    applications=queryset,
                    reason=form.cleaned_data["reason"],
                    until=form.held_until(),
                    placed_by=request.user,
                )
            except holds.HoldError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request, _("%(count)d application(s) placed on legal hold.") % {"count": held}
                )
                return None
        return TemplateResponse(
            request,
            "admin/ats/application/legal_hold.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Place on legal hold"),
                "form": form,
                "applications": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Lift legal hold"), permissions=["legal_hold"])
    def lift_legal_hold(self, request, queryset):
        lifted = holds.lift_legal_hold(applications=queryset, lifted_by=request.user)
        self.message_user(
            request, _("Legal hold lifted on %(count)d application(s).") % {"count": lifted}
        )


@admin.register(StageChange, Note, ScreeningAnswer, Score, Interview, MeritRequest, ApplicationTag)
class ApplicationHistoryAdmin(NeedToKnowAdmin):
    """Seen with their application on /recruit/; here read-only, under the same rule,
    and none of a restricted application's."""

    list_display = ["__str__", "application"]
    list_select_related = ["application"]
    reach_prefix = "application__"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(**{f"{self.reach_prefix}restricted_at__isnull": True})
        )


@admin.register(Message)
class MessageAdmin(ApplicationHistoryAdmin):
    """Only for whoever decides on the applicant, as on its page: an interviewer sees
    that messages went, not what they say."""

    def get_queryset(self, request):
        deciding = Application.objects.filter(deciding_reach(request.user))
        return super().get_queryset(request).filter(application__in=deciding)


@admin.register(ApplicationText)
class ApplicationTextAdmin(ApplicationHistoryAdmin):
    """The CV's text as it was read for search; the folded copies are search's own (and
    hold the email and letter, which an interviewer may not see)."""

    fields = ["application", "cv_text"]
    list_display = ["application"]


@admin.register(InterviewSlot)
class InterviewSlotAdmin(ApplicationHistoryAdmin):
    list_display = ["__str__", "interview"]
    list_select_related = ["interview__application"]
    reach_prefix = "interview__application__"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """The site's tags, as on /recruit/tags/: made (ats.add_tag) and removed
    (ats.delete_tag) through services/tags.py, which takes a removed tag off every
    application too; a tag is not renamed."""

    list_display = ["name", "created_at"]
    search_fields = ["name"]
    fields = ["name"]

    def has_change_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        def clean_name(self):  # the service's refusal, as the form's error
            name = self.cleaned_data["name"]
            if Tag.objects.filter(name__iexact=" ".join(name.split())).exists():
                raise ValidationError(_("There is a tag “%(name)s” already.") % {"name": name})
            return name

        form.clean_name = clean_name
        return form

    def save_model(self, request, obj, form, change):
        obj.pk = tags.create_tag(name=obj.name).pk

    def get_deleted_objects(self, objs, request):
        """The tag goes off its applications with it, which this admin may do, though
        it may not delete those links one by one (they are read-only here)."""
        deleted, counts, _needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request, obj):
        tags.remove_tag(tag=obj)

    def delete_queryset(self, request, queryset):
        for tag in queryset:  # a few tags, each with its applications in one statement
            tags.remove_tag(tag=tag)
