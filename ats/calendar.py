"""Interview invitations as calendars treat them as meetings: iCalendar (RFC 5545)
scheduling messages per iTIP (RFC 5546), sent by email per iMIP (RFC 6047).

One UID per interview and a SEQUENCE that grows with each change, so that a calendar
adds, moves or removes the one event; METHOD:REQUEST while it stands, METHOD:CANCEL
once it is called off. Each copy names as ATTENDEE only the people that email goes to:
a candidate's copy the candidate, a team member's copy that team member, so that no
calendar carries the other side's address. A team member's copy links to the
application, never to the person."""

from collections.abc import Sequence
from datetime import UTC
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .app_settings import app_settings
from .models import Interview

# RFC 5545 3.1 allows no control character but HTAB in a value; names, titles and places
# can hold any: one_line makes each value one clean line.
from .validators import one_line as _clean

PRODUCT = "-//ats//interviews//EN"
ATTACHMENT = "invite.ics"


def _parameter(value: str) -> str:
    """A parameter value (a CN): a DQUOTE cannot appear in one (RFC 5545 3.1), and
    RFC 6868's ^' for it is read literally by most calendars."""
    return _clean(value).replace('"', "'")


def _address(address: str) -> str:
    return "mailto:" + _clean(address).replace(" ", "")


def organizer() -> tuple[str, str]:
    """The employer as the organizer: (name, bare address) from DEFAULT_FROM_EMAIL,
    whose display name, when it has one, is the name its emails come from."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return name or app_settings.employer_name, address or settings.DEFAULT_FROM_EMAIL


def method_of(interview: Interview) -> str:
    return "CANCEL" if interview.status == Interview.Status.CANCELLED else "REQUEST"


def interview_ics(
    interview: Interview,
    *,
    language: str,
    attendees: Sequence[tuple[str, str]],
    link: str = "",
) -> str:
    """The interview as an iTIP REQUEST (or CANCEL, once cancelled) for the people one
    email goes to: `attendees` is (name, address) of each recipient of that email."""
    if not attendees:
        raise ValueError("An iTIP REQUEST or CANCEL names at least one ATTENDEE.")
    method = method_of(interview)
    if method == "REQUEST" and interview.starts_at is None:
        raise ValueError("An interview without a time is no event to invite to.")
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"{interview.uid}@ats")
    # Present even at 0: a CANCEL requires it (RFC 5546 3.2.5), a REQUEST may have it.
    event.add("sequence", interview.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    if interview.starts_at is not None:  # in UTC: no VTIMEZONE is needed
        event.add("dtstart", interview.starts_at.astimezone(UTC))
        event.add("dtend", interview.ends_at.astimezone(UTC))
    opening = interview.application.opening
    with translation.override(language):
        summary = _("Interview: %(opening)s") % {
            "opening": opening.title if opening else _("spontaneous application")
        }
    event.add("summary", _clean(summary))
    event.add("location", _clean(interview.place))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    name, address = organizer()
    event.add("organizer", _address(address), parameters={"cn": _parameter(name)} if name else {})
    for name, address in attendees:
        parameters = {
            "cutype": "INDIVIDUAL",
            "role": "REQ-PARTICIPANT",
            "partstat": "NEEDS-ACTION",
            # Nobody reads replies: a calendar should not send one to the organizer.
            "rsvp": "FALSE",
        }
        if _parameter(name):
            parameters["cn"] = _parameter(name)
        event.add("attendee", _address(address), parameters=parameters)
    if link:
        event.add("url", _clean(link))
    calendar.add_component(event)
    return calendar.to_ical().decode()


class Invitation(EmailMultiAlternatives):
    """An email carrying a calendar as iMIP has it (RFC 6047 2.4): the text/calendar
    part with a `method` parameter equal to its METHOD. Django gives a text/* part one
    charset and takes no other parameter, so the method is added to the built message."""

    def __init__(self, *args, method: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.method = method

    def message(self, *args, **kwargs):
        message = super().message(*args, **kwargs)
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                part.set_param("method", self.method, requote=False)
        return message


def as_invitation(message: EmailMessage, *, ics: str) -> EmailMessage:
    """`message` (subject, text, sender, recipients, Reply-To, headers kept) as an iMIP
    message: multipart/mixed [multipart/alternative [the text, text/calendar;
    method=...], invite.ics]. The calendar part comes first, where Outlook looks for
    it; the attachment (application/ics, base64) is for clients that show only
    attachments, and is no second scheduling message."""
    method = str(Calendar.from_ical(ics)["method"]).upper()
    invitation = Invitation(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=message.to,
        cc=message.cc,
        bcc=message.bcc,
        reply_to=message.reply_to,
        headers=message.extra_headers,
        connection=message.connection,
        alternatives=[(ics, "text/calendar")],
        attachments=[*message.attachments, (ATTACHMENT, ics.encode(), "application/ics")],
        method=method,
    )
    invitation.content_subtype = message.content_subtype
    invitation.encoding = message.encoding
    return invitation
