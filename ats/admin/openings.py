"""Openings in the admin: the ads the user sees, edited through the same form and
services as on /recruit/, with their team, screening questions and criteria."""

from django.contrib import admin

from ..forms.openings import OpeningForm
from ..models import (
    AdTemplate,
    Criterion,
    HiringTeamMember,
    Opening,
    PipelineStage,
    ScreeningQuestion,
)
from ..selectors.access import visible_openings
from ..services import erasure, openings
from .base import ReadOnlyAdmin


class OfVisibleOpeningsAdmin(admin.ModelAdmin):
    """Rows of the openings the user sees on the recruiter pages, no others (ASVS 8.2.2)."""

    def get_queryset(self, request):
        visible = visible_openings(request.user)
        return super().get_queryset(request).filter(opening__in=visible)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "opening":  # nobody adds to an opening they cannot see
            kwargs["queryset"] = visible_openings(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class HiringTeamInline(admin.TabularInline):
    model = HiringTeamMember
    extra = 1


class ScreeningQuestionInline(admin.TabularInline):
    model = ScreeningQuestion
    extra = 0
    fields = ["position", "text", "kind", "choices", "unmet_answer"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "name"]


@admin.register(Opening)
class OpeningAdmin(admin.ModelAdmin):
    """The ads the user sees on the recruiter pages. The ad is edited with the recruiter
    pages' form and services, so the same rules hold (ASVS 8.2.1): a new one is a
    draft; a closed one is kept as it was published; publishing, scheduling, taking
    down and closing happen on /recruit/ only, with ats.publish_opening. Deleting an
    opening erases its applications first, files and tombstones included."""

    form = OpeningForm
    inlines = [HiringTeamInline, ScreeningQuestionInline, CriterionInline]

    list_display = ["title", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    state_fields = ["slug", "status", "publish_at", "published_at", "closed_at", "decided_at"]

    def get_queryset(self, request):
        return visible_openings(request.user)

    def get_fields(self, request, obj=None):
        return [*OpeningForm.Meta.fields, *(self.state_fields if obj else [])]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not openings.allows(obj, "edit"):
            return self.get_fields(request, obj)  # kept as it was published
        return self.state_fields if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            if changed := {name: form.cleaned_data[name] for name in form.changed_data}:
                openings.update_opening(opening=obj, fields=changed)
            return
        made = openings.create_opening(
            fields={name: form.cleaned_data[name] for name in OpeningForm.Meta.fields},
            created_by=request.user,
        )
        obj.pk, obj.slug, obj.status = made.pk, made.slug, made.status

    def delete_model(self, request, obj):
        erasure.delete_opening(opening=obj, deleted_by=request.user)

    def delete_queryset(self, request, queryset):
        for opening in queryset:
            self.delete_model(request, opening)

    def get_deleted_objects(self, objs, request):
        # The applications go through the erase service, not Django's cascade, so
        # PROTECT does not stand in the way; the page still lists what will go. The
        # pipeline's stages are part of the opening: deleting it needs no right of theirs.
        deleted, model_count, perms_needed, _protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(PipelineStage._meta.verbose_name)
        return deleted, model_count, perms_needed, []


@admin.register(HiringTeamMember)
class HiringTeamMemberAdmin(OfVisibleOpeningsAdmin):
    """Also inline on each opening; here to see one person's memberships."""

    list_display = ["user", "opening", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "opening"]


@admin.register(ScreeningQuestion)
class ScreeningQuestionAdmin(OfVisibleOpeningsAdmin):
    """Also inline on each opening; here to find them across openings."""

    list_display = ["text", "opening", "kind", "unmet_answer"]
    list_select_related = ["opening"]


@admin.register(Criterion)
class CriterionAdmin(OfVisibleOpeningsAdmin):
    """The requirement profiles; edited with each opening, on its page or inline."""

    list_display = ["name", "opening"]
    list_select_related = ["opening"]


@admin.register(AdTemplate)
class AdTemplateAdmin(ReadOnlyAdmin):
    """Read-only: kept at /recruit/ad-templates/, where the ad's own form checks them."""

    list_display = ["name", "department", "updated_at"]


@admin.register(PipelineStage)
class PipelineStageAdmin(ReadOnlyAdmin):
    """Read-only: shaped on each opening's stages page and the default pipeline's, where
    services/pipeline_stages.py keeps applicants and their counts in step."""

    list_display = ["__str__", "kind", "position", "opening"]
    list_filter = ["kind"]
    list_select_related = ["opening"]
