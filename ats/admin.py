"""Admin for support staff. Retention fields are never edited by hand: dates come from
the policy (retention.py) through the services, and deletion through the purge."""

from django.contrib import admin

from .models import Application, DeletionRecord, Opening, PrivacyNotice


@admin.register(Opening)
class OpeningAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["hiring_team"]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """Publish new versions; a published version is never changed, since consents cite it."""

    list_display = ["version", "published_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Read-only: applications change through the services and leave through the purge."""

    list_display = ["public_id", "opening", "stage", "submitted_at", "delete_after"]
    list_filter = ["stage", "opening"]
    list_select_related = ["opening"]
    exclude = ["cv"]  # the file is served only by the access-checked recruiter view


@admin.register(DeletionRecord)
class DeletionRecordAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "kind", "reason", "due_at", "deleted_at", "files_deleted"]
    list_filter = ["reason", "kind"]
    search_fields = ["=public_id"]
