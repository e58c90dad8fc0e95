"""The counts the database's triggers keep, read-only."""

from django.contrib import admin

from ..models import DueCount, StageCount
from .base import ReadOnlyAdmin


@admin.register(StageCount)
class StageCountAdmin(ReadOnlyAdmin):
    """Kept by the database's triggers; shown so support staff can compare with the lists."""

    list_display = ["opening_key", "stage", "applications"]
    list_filter = ["stage"]


@admin.register(DueCount)
class DueCountAdmin(ReadOnlyAdmin):
    """Kept by the database's triggers; shown so support staff can compare with the
    dashboard."""

    list_display = ["hour", "reason", "applications"]
    list_filter = ["reason"]
