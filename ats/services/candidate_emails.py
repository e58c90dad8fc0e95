"""Emails to candidates from the employer's templates (queued by services/pipeline.py,
the decision and the interviews): taken back while waiting, and sent by the worker,
which keeps what was sent for the timeline and the candidate's export."""

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .. import retention
from ..app_settings import app_settings
from ..calendar import ics_attachment
from ..emails import self_service_url
from ..models import Application, CandidateEmail, EmailTemplate, Interview

logger = logging.getLogger(__name__)
BATCH_SIZE = 100


class Placeholders(dict):
    """A placeholder the template does not know is left as it was typed."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def cancel_waiting_emails(*, application: Application) -> int:
    """Take back what has not gone yet (a rejection within its day, say)."""
    deleted, _ = CandidateEmail.objects.filter(
        application=application, sent_at__isnull=True
    ).delete()
    return deleted


def language_of(application: Application) -> str:
    return "sv" if application.language == "sv" else "en"


def render(
    template: EmailTemplate, application: Application, *, interview: Interview | None = None
) -> tuple[str, str]:
    """The subject and text for this candidate, in the language they applied in. An
    email about an interview links to the page where its time is chosen."""
    language = language_of(application)
    with translation.override(language):
        deletion = (
            formats.date_format(timezone.localdate(application.delete_after), "j F Y")
            if application.delete_after
            else _("%(period)s after the hiring decision")
            % {"period": retention.describe_period(app_settings.RETENTION_AFTER_DECISION)}
        )
        values = Placeholders(
            first_name=application.name.split()[0] if application.name.split() else "",
            opening=application.opening.title
            if application.opening
            else _("spontaneous application"),
            employer=app_settings.employer_name,
            deletion_date=deletion,
            link=self_service_url(application, "interview" if interview else ""),
            interview=describe_interview(interview) if interview else "",
            # Only where the employer's template says so: never shown otherwise.
            reason=application.rejection_reason,
        )
    subject = getattr(template, f"subject_{language}").format_map(values)
    body = getattr(template, f"body_{language}").format_map(values)
    return subject, body


def describe_interview(interview: Interview) -> str:
    """Its time (once chosen) and place, in the active language."""
    if interview.starts_at is None:
        return interview.place
    when = formats.date_format(timezone.localtime(interview.starts_at), "j F Y H:i")
    return _("%(when)s, %(minutes)d minutes, %(place)s") % {
        "when": when,
        "minutes": interview.length_minutes,
        "place": interview.place,
    }


def send_due_candidate_emails(*, now: datetime | None = None) -> int:
    """Send each email whose time has come, once; what was sent is kept with it. The
    mail server down: they wait for the next run. Two workers never take the same."""
    now = now or timezone.now()
    templates = {template.key: template for template in EmailTemplate.objects.all()}
    sent = 0
    with transaction.atomic():
        due = list(
            CandidateEmail.objects.filter(
                sent_at__isnull=True,
                send_after__lte=now,
                application__in=Application.objects.live(now=now),
            )
            .select_related("application__opening", "interview")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("send_after", "pk")[:BATCH_SIZE]
        )
        for email in _sendable(due, templates):
            application, interview = email.application, email.interview
            if email.template == CandidateEmail.WRITTEN:
                subject, body = email.subject, email.body
            else:
                subject, body = render(templates[email.template], application, interview=interview)
            attachments = []
            if interview and interview.starts_at:  # booked, moved or cancelled: the event
                attachments.append(ics_attachment(interview, language=language_of(application)))
            try:
                EmailMessage(
                    subject=subject,
                    body=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[application.email],
                    attachments=attachments,
                ).send()
            except (smtplib.SMTPException, OSError) as error:
                logger.warning(
                    "The mail server refused a candidate email (%s)", type(error).__name__
                )
                break
            CandidateEmail.objects.filter(pk=email.pk).update(
                sent_at=timezone.now(), subject=subject, body=body
            )
            sent += 1
    return sent


def _sendable(emails: Iterable[CandidateEmail], templates: dict) -> Iterable[CandidateEmail]:
    for email in emails:
        known = email.template in templates or email.template == CandidateEmail.WRITTEN
        if known and not email.application.is_restricted:
            yield email
