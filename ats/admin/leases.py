"""Leases in the admin, read-only."""

from django.contrib import admin

from ..models import Lease
from .base import ReadOnlyAdmin


@admin.register(Lease)
class LeaseAdmin(ReadOnlyAdmin):
    """Which worker's turn it is (the email drain), and until when."""

    list_display = fields = ["name", "until"]
