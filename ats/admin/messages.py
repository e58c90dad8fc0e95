"""Email in the admin: the employer's templates and rejection reasons are edited here;
the outboxes are shown read-only, addresses hidden."""

from django.contrib import admin

from ..models import (
    CandidateEmail,
    EmailTemplate,
    ErasureReceipt,
    LinkRequest,
    NoticeChangeEmail,
    RejectionReason,
    StaffEmail,
)
from .applications import ApplicationHistoryAdmin
from .base import ReadOnlyAdmin


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    """The employer's emails to candidates; ats.change_emailtemplate edits them. The
    placeholders: {first_name}, {opening}, {employer}, {deletion_date}, {link},
    {reason} (the rejection reason) and {interview} in the interview emails."""

    list_display = ["key", "subject_sv", "subject_en"]
    readonly_fields = ["key"]

    def has_add_permission(self, request):
        return False  # one of each, shipped by the migrations

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "label_sv", "label_en"]


@admin.register(CandidateEmail)
class CandidateEmailAdmin(ApplicationHistoryAdmin):
    """What each candidate was sent, is waiting, or could not be delivered (and why)."""

    list_display = [
        "__str__",
        "application",
        "send_after",
        "sent_at",
        "undeliverable_at",
        "failure",
    ]
    list_filter = [("undeliverable_at", admin.EmptyFieldListFilter)]


class OutboxAdmin(ReadOnlyAdmin):
    """Emails the worker has yet to send, and those it could not deliver (with why), to
    see that the mail goes; the addresses stay hidden."""

    list_filter = [("undeliverable_at", admin.EmptyFieldListFilter)]
    outbox_fields = ["undeliverable_at", "failure"]

    def get_fields(self, request, obj=None):
        return [*self.list_display]


@admin.register(NoticeChangeEmail)
class NoticeChangeEmailAdmin(OutboxAdmin):
    list_display = ["notice", "language", *OutboxAdmin.outbox_fields]


@admin.register(LinkRequest)
class LinkRequestAdmin(OutboxAdmin):
    list_display = ["requested_at", *OutboxAdmin.outbox_fields]


@admin.register(ErasureReceipt)
class ErasureReceiptAdmin(OutboxAdmin):
    list_display = ["reason", "language", "deleted_at", *OutboxAdmin.outbox_fields]


@admin.register(StaffEmail)
class StaffEmailAdmin(OutboxAdmin):
    list_display = ["subject", "queued_at", *OutboxAdmin.outbox_fields]
