"""Every email the app sends goes through one drain: the worker's (ats.tasks.send_emails).

What is to be sent is written to an outbox in the transaction that decides it: the
application row itself for its receipt, a CandidateEmail for the employer's templates,
the consent renewal and the recruiters' own answers, an ErasureReceipt (the purge), a
LinkRequest (/my-data/), a NoticeChangeEmail (a new privacy notice) and a StaffEmail for
team members. The drain takes them in that order, oldest first, over one SMTP
connection, until every outbox is empty:
- each message is locked, sent and marked in a transaction of its own, so a killed
  worker sends again at most the message in flight, and two workers never send the
  same one (SKIP LOCKED);
- a message refused for good (5xx for its recipient, or one that cannot be built) is
  marked undeliverable, with why, and the drain goes on: one bad address blocks nothing;
- a mail server that is down or answers "later" (4xx) ends the run; the next one retries.
"""

import logging
import smtplib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from .. import emails
from ..app_settings import app_settings
from ..calendar import interview_ics
from ..models import (
    Application,
    CandidateEmail,
    EmailTemplate,
    ErasureReceipt,
    LinkRequest,
    NoticeChangeEmail,
    StaffEmail,
)
from ..validators import one_line
from .candidate_emails import render_template_email
from .self_service import issue_new_links

logger = logging.getLogger(__name__)

BATCH_SIZE = 500  # ids read at a time; each message is then locked on its own
# A link request is for now, but one that waited out a mail server's outage still helps.
LINK_REQUEST_MAX_AGE = timedelta(days=1)
# An undeliverable email to an address not tied to an application (an erasure receipt,
# a notice change, a link request, a team member's) is shown in the admin this long.
UNDELIVERABLE_SHOWN = timedelta(days=7)


class Unbuildable(Exception):
    """This message cannot be made (a template or a header it refuses)."""


class MailServerUnavailable(Exception):
    """The mail server is down, or answered "try later": the run ends here."""


@dataclass(frozen=True)
class Outbox:
    """One kind of email waiting to go."""

    what: str
    waiting: Callable[[datetime], models.QuerySet]  # still to send, and sendable now
    build: Callable[[models.Model], EmailMessage | None]  # None: nothing to send after all
    sent: Callable[[models.Model, EmailMessage | None, datetime], None]
    refused: Callable[[models.Model, EmailMessage | None, str, datetime], None]


@dataclass
class Drained:
    sent: Counter = field(default_factory=Counter)
    undeliverable: int = 0
    server_unavailable: bool = False

    def as_text(self) -> str:
        went = "; ".join(f"{what}: {count}" for what, count in sorted(self.sent.items()))
        text = f"Emails sent: {sum(self.sent.values())} ({went or 'none'}); "
        text += f"undeliverable: {self.undeliverable}"
        if self.server_unavailable:
            text += "; the mail server is unavailable: the rest wait for the next run"
        return text


def drain_outbox(*, now: datetime | None = None) -> Drained:
    """Send everything that is due, each message once; see the module's docstring."""
    now = now or timezone.now()
    drained = Drained()
    connection = get_connection()
    try:
        for outbox in outboxes():
            _drain(outbox, connection=connection, now=now, drained=drained)
    except MailServerUnavailable:
        drained.server_unavailable = True
    finally:
        connection.close()
    _forget_what_cannot_go(now=now)
    return drained


def _drain(outbox: Outbox, *, connection: BaseEmailBackend, now: datetime, drained: Drained):
    after = 0
    while True:
        ids = list(
            outbox.waiting(now)
            .filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        for pk in ids:
            outcome = _send_one(outbox, pk, connection=connection, now=now)
            if outcome == "sent":
                drained.sent[outbox.what] += 1
            elif outcome == "undeliverable":
                drained.undeliverable += 1
        if len(ids) < BATCH_SIZE:
            return
        after = ids[-1]


def _send_one(outbox: Outbox, pk: int, *, connection: BaseEmailBackend, now: datetime) -> str:
    with transaction.atomic():
        row = (
            outbox.waiting(now)
            .filter(pk=pk)
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if row is None:  # sent or taken back meanwhile, or another worker has it
            return "skipped"
        built = None
        try:
            with transaction.atomic():  # what building wrote (new link keys) goes with it
                built = _build(outbox, row)
                if built is not None:
                    _send(built, connection=connection)
        except Unbuildable as error:
            logger.warning("A %s could not be built (%s)", outbox.what, error)
            outbox.refused(row, built, f"could not be built: {error}", timezone.now())
            return "undeliverable"
        except smtplib.SMTPException as error:
            failure = refused_for_good(error)
            if failure is None:
                logger.warning("The mail server refused for now (%s)", type(error).__name__)
                raise MailServerUnavailable from error
            logger.warning("The mail server refused a %s for good (%s)", outbox.what, failure)
            outbox.refused(row, built, failure, timezone.now())
            return "undeliverable"
        except OSError as error:
            logger.warning("The mail server is unreachable (%s)", type(error).__name__)
            raise MailServerUnavailable from error
        outbox.sent(row, built, timezone.now())
        return "sent" if built is not None else "skipped"


def _build(outbox: Outbox, row: models.Model) -> EmailMessage | None:
    try:
        built = outbox.build(row)
        if built is not None:
            built.message()  # every header checked here, before the server sees it
        return built
    except (ValueError, LookupError, UnicodeError) as error:  # BadHeaderError is a ValueError
        raise Unbuildable(type(error).__name__) from error


def _send(built: EmailMessage, *, connection: BaseEmailBackend) -> None:
    connection.open()  # once: open already, it keeps the one connection of the run
    built.connection = connection
    built.send()  # raises: Django's backends are not silent unless told to be


def refused_for_good(error: smtplib.SMTPException) -> str | None:
    """Why the mail server will never take this message (5xx for its recipient or its
    content), or None when it may take it later (4xx, a refused sender: the server's
    own setup, which fails every message alike). Only the status codes are kept: the
    server's text may hold the address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        permanent = codes and all(500 <= code < 600 for code in codes)
        return f"refused by the mail server ({codes[0]})" if permanent else None
    if isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600:
        return f"refused by the mail server ({error.smtp_code})"
    return None


def _forget_what_cannot_go(*, now: datetime) -> None:
    """Addresses are not kept for emails that will not go."""
    expired = [
        ErasureReceipt.objects.filter(deleted_at__lt=now - app_settings.ERASURE_RECEIPT_MAX_AGE),
        LinkRequest.objects.filter(requested_at__lt=now - LINK_REQUEST_MAX_AGE),
        *(
            model.objects.filter(undeliverable_at__lt=now - UNDELIVERABLE_SHOWN)
            for model in (ErasureReceipt, LinkRequest, NoticeChangeEmail, StaffEmail)
        ),
    ]
    for rows in expired:
        dropped, _ = rows.delete()
        if dropped:
            logger.warning(
                "Dropped %d %s(s) the mail server never took", dropped, rows.model.__name__
            )


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


# The outboxes, in the order they are drained: someone is waiting for a link or a
# receipt; announcements can wait a little.


def outboxes() -> list[Outbox]:
    templates = {template.key: template for template in EmailTemplate.objects.all()}
    return [
        Outbox("link requests", _link_requests, _links, _deleted, _mark_undeliverable),
        Outbox("receipts", _receipts_due, _receipt, _receipt_sent, _receipt_refused),
        Outbox(
            "candidate emails",
            lambda now: _candidate_emails_due(now, templates),
            lambda email: _candidate_email(email, templates),
            _candidate_email_sent,
            _mark_undeliverable,
        ),
        Outbox(
            "erasure receipts",
            _still_to_send(ErasureReceipt),
            emails.erasure_receipt,
            _deleted,
            _mark_undeliverable,
        ),
        Outbox(
            "privacy notice changes",
            lambda now: _still_to_send(NoticeChangeEmail)(now).select_related("notice"),
            emails.notice_change,
            _deleted,
            _mark_undeliverable,
        ),
        Outbox(
            "team emails", _still_to_send(StaffEmail), _staff_email, _deleted, _mark_undeliverable
        ),
    ]


def _still_to_send(model: type[models.Model]) -> Callable[[datetime], models.QuerySet]:
    return lambda now: model.objects.filter(undeliverable_at__isnull=True)


def _deleted(row, built, at) -> None:
    """No address is kept once its email went."""
    row.delete()


def _mark_undeliverable(row, built, failure: str, at: datetime) -> None:
    type(row).objects.filter(pk=row.pk).update(undeliverable_at=at, failure=failure[:200])


def _link_requests(now: datetime) -> models.QuerySet:
    return _still_to_send(LinkRequest)(now)


def _links(request: LinkRequest) -> EmailMessage | None:
    """The links of the address's live applications, signed with new keys: the links
    sent before stop working only if this email goes (the keys roll back with it)."""
    applications = list(
        Application.objects.live().of_email(request.email).select_related("opening")
    )
    if not applications:
        return None
    issue_new_links(applications)
    return emails.links(email=request.email, applications=applications)


def _receipts_due(now: datetime) -> models.QuerySet:
    return (
        Application.objects.live(now=now)
        .filter(receipt_sent_at__isnull=True)
        .select_related("opening")
    )


def _receipt(application: Application) -> EmailMessage:
    subject, body = emails.receipt(application)
    return emails.message(
        to=application.email, subject=subject, body=body, reply_to=emails.contact_of(application)
    )


def _receipt_sent(application: Application, built: EmailMessage, at: datetime) -> None:
    """The receipt leaves the outbox, and is kept as sent for the timeline and the
    candidate's export."""
    Application.objects.filter(pk=application.pk).update(receipt_sent_at=at)
    CandidateEmail.objects.create(
        application=application,
        template=EmailTemplate.Key.RECEIVED,
        send_after=application.submitted_at,
        sent_at=at,
        subject=built.subject,
        body=built.body,
    )


def _receipt_refused(application: Application, built, failure: str, at: datetime) -> None:
    Application.objects.filter(pk=application.pk).update(receipt_sent_at=at)
    CandidateEmail.objects.create(
        application=application,
        template=EmailTemplate.Key.RECEIVED,
        send_after=application.submitted_at,
        undeliverable_at=at,
        failure=failure[:200],
        subject=built.subject if built else "",
    )


def _candidate_emails_due(now: datetime, templates: dict) -> models.QuerySet:
    """Due, of a live application whose candidate has not restricted processing, and
    from a template that exists (or written, or the app's own)."""
    return CandidateEmail.objects.filter(
        Q(template__in=templates)
        | Q(template__in=(CandidateEmail.WRITTEN, CandidateEmail.RENEWAL)),
        sent_at__isnull=True,
        undeliverable_at__isnull=True,
        send_after__lte=now,
        application__in=Application.objects.live(now=now).filter(restricted_at__isnull=True),
    ).select_related("application__opening", "interview")


def _candidate_email(email: CandidateEmail, templates: dict) -> EmailMessage:
    application, interview = email.application, email.interview
    if email.template == CandidateEmail.WRITTEN:
        subject, body = email.subject, email.body
    elif email.template == CandidateEmail.RENEWAL:
        subject, body = emails.renewal_request(application)
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


def _candidate_email_sent(email: CandidateEmail, built: EmailMessage, at: datetime) -> None:
    """What was sent is kept with it, for the timeline and the candidate's export."""
    CandidateEmail.objects.filter(pk=email.pk).update(
        sent_at=at, subject=built.subject[:200], body=built.body
    )


def _staff_email(email: StaffEmail) -> EmailMessage:
    return emails.message(
        to=email.email, subject=email.subject, body=email.body, calendar=email.calendar
    )
