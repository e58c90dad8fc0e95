"""The staff's to-dos in the admin, read-only."""

from django.contrib import admin

from ..models import StaffTodo
from .base import ReadOnlyAdmin


@admin.register(StaffTodo)
class StaffTodoAdmin(ReadOnlyAdmin):
    """When each user last opened /recruit/, and whether they get the daily digest (they
    choose it there)."""

    list_display = fields = [
        "user",
        "last_seen_at",
        "visit_since",
        "daily_digest",
        "digest_sent_at",
    ]
