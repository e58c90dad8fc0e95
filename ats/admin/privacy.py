"""The privacy record in the admin: notices are published here; tombstones, claims,
the access log, privacy requests, statistics and the ledger's head are read-only."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import (
    AccessEvent,
    DeletionRecord,
    LedgerHead,
    PrivacyNotice,
    PrivacyRequest,
    PrivacyRequestItem,
    PurgeClaim,
)
from .base import ReadOnlyAdmin


class PrivacyNoticeForm(forms.ModelForm):
    class Meta:
        model = PrivacyNotice
        fields = [
            "version",
            "published_at",
            "text_sv",
            "text_en",
            "change_summary_sv",
            "change_summary_en",
        ]

    def clean(self):
        data = super().clean()
        if PrivacyNotice.objects.exists():  # every candidate kept is emailed the summary
            for name in ("change_summary_sv", "change_summary_en"):
                if not data.get(name, "").strip():
                    self.add_error(name, _("Say briefly what changed; candidates are emailed it."))
        return data


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """Publish new versions; a published version is never changed, since consents cite it.
    When a version comes into force, the worker emails its summary to every candidate
    whose application is kept, once."""

    form = PrivacyNoticeForm
    list_display = ["version", "published_at", "announced_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeletionRecord)
class DeletionRecordAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "kind", "reason", "due_at", "deleted_at", "files_deleted"]
    list_filter = ["reason", "kind"]
    search_fields = ["=public_id"]


@admin.register(PurgeClaim)
class PurgeClaimAdmin(ReadOnlyAdmin):
    """Applications a purge has claimed and not finished: its run was killed, or the
    storage refused the CV (the next run tries again). The address a receipt goes to
    is not shown."""

    list_display = ["public_id", "reason", "due_at", "claimed_at", "batch"]
    list_filter = ["reason"]
    search_fields = ["=public_id"]
    exclude = ["email", "language"]


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "user", "api_key", "api_key_made_by", "action", "public_id"]
    list_filter = ["action", "actor", ("user", admin.RelatedOnlyFieldListFilter), "api_key"]
    list_select_related = ["user", "api_key_made_by"]
    search_fields = ["=public_id"]  # every event of one application
    date_hierarchy = "at"


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "kind",
        "case_reference",
        "received_on",
        "deadline",
        "handled_at",
        "handled_by",
        "applications",
    ]
    list_filter = ["kind"]
    exclude = ["email_hash"]


@admin.register(PrivacyRequestItem)
class PrivacyRequestItemAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "request"]
    list_select_related = ["request"]
    search_fields = ["=public_id"]  # which request covered this application


@admin.register(LedgerHead)
class LedgerHeadAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "sha256", "settled"]
