"""The careers site, read-only: it is edited at /recruit/careers-site/, where pictures
are made safe and a renamed department or place is renamed in its ads."""

from django.contrib import admin

from ..models import CareersImage, CareersSection, CareersSite, Department, Place
from .base import ReadOnlyAdmin


@admin.register(CareersSite)
class CareersSiteAdmin(ReadOnlyAdmin):
    list_display = ["name", "headline", "language", "updated_at"]


@admin.register(CareersSection, Department, Place)
class CareersPartAdmin(ReadOnlyAdmin):
    list_display = ["name", "position"]


@admin.register(CareersImage)
class CareersImageAdmin(ReadOnlyAdmin):
    list_display = ["key", "content_type", "width", "height", "created_at"]
    exclude = ["data"]
