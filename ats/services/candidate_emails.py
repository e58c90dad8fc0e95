"""Emails to candidates from the employer's templates, the receipt of an application
included (queued by services/pipeline.py, the decision, the interviews and the
conversations; the receipt's outbox is the application row): taken back while waiting;
for the worker's drain (services/outbox.py), the two outboxes read, each email built
when it goes, and what was sent kept for the timeline and the candidate's export."""

from datetime import datetime

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import emails, retention
from ..app_settings import app_settings
from ..calendar import interview_ics
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
    subject = _filled(getattr(template, f"subject_{language}"), values)
    body = _filled(getattr(template, f"body_{language}"), values)
    return subject, body


class BrokenTemplate(ValueError):
    """A template whose placeholders cannot be filled ({opening.name}, {first_name[x]}):
    the admin refuses them (validators.validate_placeholders), a row stored otherwise
    may still hold one. A ValueError, so that the outbox marks the email undeliverable."""


def _filled(text: str, values: Placeholders) -> str:
    try:
        return text.format_map(values)
    except (AttributeError, TypeError, LookupError, ValueError) as error:
        raise BrokenTemplate(type(error).__name__) from error


def message_start(template: EmailTemplate, application: Application) -> str:
    """A template's text as the start of a message (services/conversations.py), in the
    candidate's language. The message is read on the candidate's own page, so {link}
    and {interview} are left as gaps for the writer to fill in or remove."""
    language = language_of(application)
    with translation.override(language):
        values = _values(application)
    return _filled(getattr(template, f"body_{language}"), values)


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
    """The page to choose a time, while there is one to choose; else the application
    (a booked interview's until it has been)."""
    if interview and interview.status in Interview.OPEN:
        return self_service_url(application, "interview", until=until_interview(interview))
    if interview and interview.status == Interview.Status.BOOKED:
        return self_service_url(application, until=until_interview(interview))
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


# The outboxes of candidate emails, for the drain (services/outbox.py): the receipt's is
# the application row, the others' the CandidateEmail rows.


def receipts_due(*, now: datetime, templates: dict[str, EmailTemplate]) -> QuerySet[Application]:
    """Of live applications; a receipt waits while its template is missing."""
    kinds = Q(pk__in=[])
    if EmailTemplate.Key.RECEIVED in templates:
        kinds |= Q(opening__isnull=False)
    if EmailTemplate.Key.RECEIVED_SPONTANEOUS in templates:
        kinds |= Q(opening__isnull=True)
    return (
        Application.objects.live(now=now)
        .filter(kinds, receipt_sent_at__isnull=True)
        .select_related("opening")
    )


def build_receipt(application: Application, *, templates: dict[str, EmailTemplate]) -> EmailMessage:
    """The employer's "received" template (the admin edits it), for an opening or not."""
    subject, body = render_template_email(templates[receipt_template(application)], application)
    return emails.message(
        to=application.email, subject=subject, body=body, reply_to=emails.contact_of(application)
    )


def receipt_sent(application: Application, *, built: EmailMessage, at: datetime) -> None:
    """Kept as it was sent, but for the candidate's own link."""
    body = emails.without_own_links(built.body, language=language_of(application))
    _receipt_left(application, built, at=at, sent_at=at, body=body)


def receipt_refused(
    application: Application, *, built: EmailMessage | None, failure: str, at: datetime
) -> None:
    """Kept with why it never will go, and shown on the timeline."""
    _receipt_left(application, built, at=at, undeliverable_at=at, failure=failure[:200])


@transaction.atomic
def _receipt_left(
    application: Application, built: EmailMessage | None, *, at: datetime, **how
) -> None:
    """The receipt leaves the outbox (the application row), and is kept, sent or
    undeliverable, for the timeline and the candidate's export: unless the application
    was deleted as it went."""
    if not Application.objects.filter(pk=application.pk).update(receipt_sent_at=at):
        return
    CandidateEmail.objects.create(
        application=application,
        template=EmailTemplate.Key.RECEIVED,  # the receipt, for an opening or not
        send_after=application.submitted_at,
        subject=built.subject[:200] if built else "",
        **how,
    )


def candidate_emails_due(
    *, now: datetime, templates: dict[str, EmailTemplate]
) -> QuerySet[CandidateEmail]:
    """Due, of a live application whose candidate has not restricted processing, and
    from a template that exists (or written, or the app's own)."""
    return CandidateEmail.objects.filter(
        Q(template__in=templates)
        | Q(template__in=(CandidateEmail.WRITTEN, CandidateEmail.RENEWAL, CandidateEmail.MESSAGE)),
        sent_at__isnull=True,
        undeliverable_at__isnull=True,
        send_after__lte=now,
        application__in=Application.objects.live(now=now).filter(restricted_at__isnull=True),
    ).select_related("application__opening", "interview")


def build_candidate_email(
    email: CandidateEmail, *, templates: dict[str, EmailTemplate]
) -> EmailMessage:
    """Written by a recruiter, the app's own (a consent renewal, a message waiting), or
    from the employer's template; an interview's with its calendar event."""
    application, interview = email.application, email.interview
    if email.template == CandidateEmail.WRITTEN:
        subject, body = email.subject, email.body
    elif email.template == CandidateEmail.RENEWAL:
        subject, body = emails.own_email("renewal", application, action="renew")
    elif email.template == CandidateEmail.MESSAGE:
        subject, body = emails.own_email("message", application, action="messages")
    else:
        subject, body = render_template_email(
            templates[email.template], application, interview=interview
        )
    calendar = ""
    if interview and interview.starts_at:  # booked, moved or cancelled: the event
        calendar = interview_ics(
            interview,
            language=application.language,
            attendees=[(application.name, application.email)],
        )
    return emails.message(
        to=application.email,
        subject=subject,
        body=body,
        reply_to=emails.contact_of(application),
        calendar=calendar,
    )


def candidate_email_sent(email: CandidateEmail, *, built: EmailMessage, at: datetime) -> None:
    """What was sent is kept with it, for the timeline and the candidate's export: but
    for the candidate's own link."""
    CandidateEmail.objects.filter(pk=email.pk, sent_at__isnull=True).update(
        sent_at=at,
        subject=built.subject[:200],
        body=emails.without_own_links(built.body, language=language_of(email.application)),
    )
