"""The counts kept for the pages and the reports, read-only."""

from django.contrib import admin

from ..models import ArrivalCount, DueCount, ReportCount, StageCount
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


@admin.register(ArrivalCount)
class ArrivalCountAdmin(ReadOnlyAdmin):
    """Applications per opening, day and source, kept as they arrive (services/report_counts.py)."""

    list_display = ["opening_key", "day", "source", "applications"]
    list_filter = ["source"]


@admin.register(ReportCount)
class ReportCountAdmin(ReadOnlyAdmin):
    """What the reports count, kept as things happen; nothing in it names anyone."""

    list_display = ["opening_key", "month", "source", "figure", "value", "days", "applications"]
    list_filter = ["figure", "month"]
