"""iCalendar (RFC 5545) invitations for interviews, so that any calendar adds, moves
or removes the event: one UID per interview, a SEQUENCE that grows with each change,
METHOD:CANCEL when it is called off. A candidate's copy names the opening; a team
member's copy names the opening too, and links to the application, never the person."""

from datetime import UTC

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .app_settings import app_settings
from .models import Interview

PRODUCT = "-//ats//interviews//EN"


def interview_ics(interview: Interview, *, language: str, link: str = "") -> bytes:
    """The interview as an invitation (or its cancellation), for one side."""
    cancelled = interview.status == Interview.Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", f"{interview.uid}@ats")
    event.add("sequence", interview.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", interview.starts_at.astimezone(UTC))
    event.add("dtend", interview.ends_at.astimezone(UTC))
    opening = interview.application.opening
    with translation.override(language):
        event.add(
            "summary",
            _("Interview: %(opening)s")
            % {"opening": opening.title if opening else _("spontaneous application")},
        )
    event.add("location", interview.place)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add(
        "organizer",
        f"mailto:{settings.DEFAULT_FROM_EMAIL}",
        parameters={"cn": app_settings.employer_name},
    )
    if link:
        event.add("url", link)
    calendar.add_component(event)
    return calendar.to_ical()


def ics_attachment(interview: Interview, *, language: str, link: str = "") -> tuple:
    """For EmailMessage(attachments=[...])."""
    method = "CANCEL" if interview.status == Interview.Status.CANCELLED else "REQUEST"
    return (
        "interview.ics",
        interview_ics(interview, language=language, link=link).decode(),
        f"text/calendar; method={method}; charset=utf-8",
    )
