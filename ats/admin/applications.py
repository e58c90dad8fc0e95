"""Applications in the admin, read-only and need-to-know, with what is held with them;
legal holds are placed and lifted here."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ..forms.recruit import LegalHoldForm
from ..models import (
    AccessEvent,
    Application,
    ApplicationText,
    Interview,
    InterviewSlot,
    MeritRequest,
    Note,
    Score,
    ScreeningAnswer,
    StageChange,
)
from ..selectors.access import can_decide_on, hidden_fields, within_reach
from ..services import erasure, holds
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


@admin.register(StageChange, Note, ScreeningAnswer, Score, Interview, MeritRequest)
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
