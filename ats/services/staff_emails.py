"""Emails to team members (a mention, an interview, a merit request, a reminder, a
paused webhook, the digest; the sign-in's password resets): rendered when queued, into
the StaffEmail outbox, which the drain (services/outbox.py) sends and then deletes."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from ..app_settings import app_settings
from ..models import StaffEmail
from ..validators import one_line


def queue_staff_email(*, to: str, template: str, context: dict, calendar: str = "") -> None:
    """An email to a team member, rendered now: links and openings, never a candidate's
    data. The worker sends it."""
    context = {**context, "employer": app_settings.employer_name}
    StaffEmail.objects.create(
        email=to,
        subject=one_line(render_to_string(f"ats/email/{template}_subject.txt", context)),
        body=render_to_string(f"ats/email/{template}_body.txt", context),
        calendar=calendar,
    )


def queue_account_email(*, message: EmailMessage) -> None:
    """An email the sign-in writes (django-allauth: a password reset, to a team member
    or to whatever address was typed), rendered in the request: into the outbox, which
    deletes it once it went, rather than into a task's arguments, which the queue keeps
    after the task ran, reset link and all. The text only: the drain builds the rest."""
    [to] = message.to
    StaffEmail.objects.create(email=to, subject=one_line(message.subject), body=message.body)
