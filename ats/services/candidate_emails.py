"""Emails to candidates from the employer's templates, the receipt of an application
included (queued by services/pipeline.py, the decision and the interviews; the receipt's
outbox is the application row): taken back while waiting, rendered when the worker sends
them (services/outbox.py), which keeps what was sent for the timeline and the
candidate's export."""

from django.db.models import QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import retention
from ..app_settings import app_settings
from ..emails import (
    decision_link_end,
    first_name,
    self_service_url,
    until_interview,
)
from ..models import Application, CandidateEmail, EmailTemplate, Interview, RejectionReason

# The receipt's link works for as long as the application is kept; a link in an email
# about a decision for ATS_LINK_MAX_AGE.
RECEIPTS = {EmailTemplate.Key.RECEIVED, EmailTemplate.Key.RECEIVED_SPONTANEOUS}


def receipt_template(application: Application) -> str:
    if application.opening_id:
        return EmailTemplate.Key.RECEIVED
    return EmailTemplate.Key.RECEIVED_SPONTANEOUS


class Placeholders(dict):
    """A placeholder the template does not know is left as it was typed."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def waiting_emails(*, applications) -> QuerySet[CandidateEmail]:
    """What has not gone yet, so can still be taken back."""
    return CandidateEmail.objects.filter(
        application__in=applications, sent_at__isnull=True, undeliverable_at__isnull=True
    )


def cancel_waiting_emails(*, application: Application) -> int:
    """Take back what has not gone yet (a rejection within its day, say)."""
    deleted, _ = waiting_emails(applications=[application]).delete()
    return deleted


def language_of(application: Application) -> str:
    return "sv" if application.language == "sv" else "en"


def render_template_email(
    template: EmailTemplate, application: Application, *, interview: Interview | None = None
) -> tuple[str, str]:
    """The subject and text for this candidate, in the language they applied in. An
    email about an interview links to the page where its time is chosen, and the link
    works until the interview; the receipt's for as long as the application is kept;
    any other's for ATS_LINK_MAX_AGE."""
    language = language_of(application)
    with translation.override(language):
        values = _values(
            application,
            link=_link(template, application, interview),
            interview=describe_interview(interview) if interview else "",
        )
    subject = getattr(template, f"subject_{language}").format_map(values)
    body = getattr(template, f"body_{language}").format_map(values)
    return subject, body


def message_start(template: EmailTemplate, application: Application) -> str:
    """A template's text as the start of a message (services/conversations.py), in the
    candidate's language. The message is read on the candidate's own page, so {link}
    and {interview} are left as gaps for the writer to fill in or remove."""
    language = language_of(application)
    with translation.override(language):
        values = _values(application)
    return getattr(template, f"body_{language}").format_map(values)


def _values(application: Application, **given: str) -> Placeholders:
    deletion = (
        formats.date_format(timezone.localdate(application.delete_after), "DATE_FORMAT")
        if application.delete_after
        else _("%(period)s after the hiring decision")
        % {"period": retention.periods()["decision_period"]}
    )
    return Placeholders(
        first_name=first_name(application.name),
        opening=application.opening.title if application.opening else _("spontaneous application"),
        employer=app_settings.employer_name,
        deletion_date=deletion,
        # Only where the employer's template says so: never shown otherwise. In the
        # language the email is written in (its callers' override).
        reason=application.rejection_reason
        and RejectionReason.said_in(application.rejection_reason, get_language()),
        **given,
    )


def _link(template: EmailTemplate, application: Application, interview: Interview | None) -> str:
    """The page to choose a time, while there is one to choose; else the application."""
    if interview and interview.status != Interview.Status.CANCELLED:
        return self_service_url(application, "interview", until=until_interview(interview))
    if template.key in RECEIPTS:
        return self_service_url(application)
    return self_service_url(application, until=decision_link_end())


def describe_interview(interview: Interview) -> str:
    """Its time, length and place on one line once booked; before, the times offered,
    one a line, then its length and place. In the active language."""

    def when(moment) -> str:
        local = timezone.localtime(moment)
        return f"{formats.date_format(local, 'l')} {formats.date_format(local, 'DATETIME_FORMAT')}"

    facts = {"minutes": interview.length_minutes, "place": interview.place}
    if interview.starts_at:
        return _("%(when)s, %(minutes)d minutes, %(place)s") % {
            "when": when(interview.starts_at),
            **facts,
        }
    offered = "\n".join("- " + when(slot.starts_at) for slot in interview.slots.all())
    return _("%(when)s\n%(minutes)d minutes, %(place)s") % {"when": offered, **facts}
