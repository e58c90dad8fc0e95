"""Interviews: the times proposed to a candidate and the one chosen. Held with their
application and deleted with it (ApplicationQuerySet.delete_with_dependents)."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..validators import validate_one_line
from .fields import done_by, held_with_application


class Interview(models.Model):
    """An interview: proposed times, then the one the candidate chose. Its iCalendar
    UID and SEQUENCE let calendars update or cancel the event they were sent."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the candidate to choose a time")
        OTHER_TIMES = "other_times", _("The candidate asked for other times")
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.PROPOSED, Status.OTHER_TIMES)  # waiting for a time to be agreed

    application = held_with_application("interviews")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    length_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=45)
    place = models.CharField(
        _("place or video link"),
        max_length=300,
        help_text=_("Shown to the candidate."),
        validators=[validate_one_line],
    )
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="ats_interviews", verbose_name=_("interviewers")
    )
    starts_at = models.DateTimeField(_("time"), null=True, blank=True)  # once booked
    candidate_message = models.CharField(
        _("the candidate's message"), max_length=500, blank=True, validators=[validate_one_line]
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    proposed_by = done_by(_("proposed by"))
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)

    class Meta:
        ordering = ["application", "created_at", "pk"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self) -> str:
        return self.get_status_display()

    @property
    def ends_at(self) -> datetime | None:
        return self.starts_at and self.starts_at + timedelta(minutes=self.length_minutes)


class InterviewSlot(models.Model):
    """A time offered for an interview; the candidate picks one."""

    interview = models.ForeignKey(
        Interview, on_delete=models.DO_NOTHING, related_name="slots", verbose_name=_("interview")
    )
    starts_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["interview", "starts_at"]
        verbose_name = _("interview time")
        verbose_name_plural = _("interview times")

    def __str__(self) -> str:
        return date_format(timezone.localtime(self.starts_at), "SHORT_DATETIME_FORMAT")
