"""Emails as a mail client reads them: parsed from the bytes sent, with Python's own
parser, and their calendars with the icalendar package (not our own reading)."""

import email
import email.policy
from collections import Counter

from django.core.mail import EmailMessage
from icalendar import Calendar


def as_read(message: EmailMessage | bytes) -> email.message.EmailMessage:
    raw = message if isinstance(message, bytes) else message.message().as_bytes()
    return email.message_from_bytes(raw, policy=email.policy.default)


def calendars_in(message: EmailMessage | email.message.EmailMessage) -> list[Calendar]:
    """The calendars an email carries as iMIP parts (RFC 6047: text/calendar)."""
    read = message if isinstance(message, email.message.EmailMessage) else as_read(message)
    return [
        Calendar.from_ical(part.get_content())
        for part in read.walk()
        if part.get_content_type() == "text/calendar"
    ]


def received_by(smtp_server) -> Counter:
    """How many emails each address got from the test's SMTP server."""
    return Counter(to for recipients, _ in smtp_server.received for to in recipients)
