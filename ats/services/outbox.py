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
from collections.abc import Callable, Iterator
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
from ..bulk import commits_not_awaiting_the_disk
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
from .leases import Held, lease
from .self_service import issue_new_links

logger = logging.getLogger(__name__)

BATCH_SIZE = 500  # ids read at a time; each message is then locked on its own
# A link request is for now, but one that waited out a mail server's outage still helps.
LINK_REQUEST_MAX_AGE = timedelta(days=1)
# An undeliverable email to an address not tied to an application (an erasure receipt,
# a notice change, a link request, a team member's) is shown in the admin this long.
UNDELIVERABLE_SHOWN = timedelta(days=7)


class MailServerUnavailable(Exception):
    """The mail server is down, or answered "try later": the run ends here."""


@dataclass(frozen=True)
class Outbox:
    """One kind of email waiting to go."""

    what: str
    # Due and sendable, with what building needs: read a batch at a time.
    waiting: Callable[[datetime], models.QuerySet]
    build: Callable[[models.Model], EmailMessage | None]  # None: nothing to send after all
    sent: Callable[[models.Model, EmailMessage | None, datetime], None]
    refused: Callable[[models.Model, EmailMessage | None, str, datetime], None]
    # Building writes (new link keys): undone with a message that does not go.
    writes: bool = False


@dataclass
class Drained:
    sent: Counter = field(default_factory=Counter)
    undeliverable: int = 0
    server_unavailable: bool = False
    another_worker: bool = False  # was draining: this run did nothing

    def as_text(self) -> str:
        went = "; ".join(f"{what}: {count}" for what, count in sorted(self.sent.items()))
        text = f"Emails sent: {sum(self.sent.values())} ({went or 'none'}); "
        text += f"undeliverable: {self.undeliverable}"
        if self.server_unavailable:
            text += "; the mail server is unavailable: the rest wait for the next run"
        if self.another_worker:
            text += "; another worker is sending them"
        return text


def drain_outbox(*, now: datetime | None = None) -> Drained:
    """Send everything that is due, each message once; see the module's docstring."""
    now = now or timezone.now()
    drained = Drained()
    with lease("email drain") as held:
        if held is None:
            drained.another_worker = True
            return drained
        post = Post(get_connection())
        try:
            with commits_not_awaiting_the_disk(CandidateEmail):  # a lost mark: a repeat
                for outbox in outboxes():
                    _drain(outbox, post=post, held=held, now=now, drained=drained)
        except MailServerUnavailable:
            drained.server_unavailable = True
        finally:
            post.close()
    _forget_what_cannot_go(now=now)
    return drained


class Post:
    """The run's one connection to the mail server, opened by the first email."""

    def __init__(self, connection: BaseEmailBackend):
        self.connection = connection

    def send(self, built: EmailMessage) -> None:
        self.connection.open()  # once: open already, it keeps the one connection of the run
        built.connection = self.connection
        built.send()  # raises: Django's backends are not silent unless told to be

    def close(self) -> None:
        self.connection.close()


# What building (or its headers, checked as it is sent) raises for a message it cannot
# make: a template the employer broke, a header Django refuses (BadHeaderError).
UNBUILDABLE = (ValueError, LookupError, UnicodeError)


def _drain(outbox: Outbox, *, post: Post, held: Held, now: datetime, drained: Drained) -> None:
    after = 0
    while True:
        batch = list(outbox.waiting(now).filter(pk__gt=after).order_by("pk")[:BATCH_SIZE])
        if outbox.writes:  # what building writes goes with its own email: one at a time
            outcomes = (_send_with_its_writes(outbox, row, post=post) for row in batch)
        else:
            outcomes = _send_each(outbox, batch, post=post)
        for outcome in outcomes:
            if outcome == "sent":
                drained.sent[outbox.what] += 1
            elif outcome == "undeliverable":
                drained.undeliverable += 1
            if not held.renew():
                raise MailServerUnavailable("another worker took the drain over")
        if len(batch) < BATCH_SIZE:
            return
        after = batch[-1].pk


def _send_each(outbox: Outbox, batch: list[models.Model], *, post: Post) -> Iterator[str]:
    """Each email of `batch`, marked as soon as it went (a commit of its own), so that a
    killed worker sends again only the one it was sending."""
    for row in batch:
        email, failure = _sent(outbox, row, post=post)
        if failure is None:
            outbox.sent(row, email, timezone.now())
            yield "sent" if email is not None else "skipped"
        else:
            outbox.refused(row, email, failure, timezone.now())
            yield "undeliverable"


class _Refused(Exception):
    def __init__(self, failure: str):
        self.failure = failure


def _send_with_its_writes(outbox: Outbox, row: models.Model, *, post: Post) -> str:
    """Build (new link keys), send and mark in one transaction: the links sent before
    stop working only if the new ones went."""
    try:
        with transaction.atomic():
            email, failure = _sent(outbox, row, post=post)
            if failure is not None:
                raise _Refused(failure)  # and what building wrote is undone
            outbox.sent(row, email, timezone.now())
            return "sent" if email is not None else "skipped"
    except _Refused as refused:
        outbox.refused(row, None, refused.failure, timezone.now())
        return "undeliverable"


def _sent(
    outbox: Outbox, row: models.Model, *, post: Post
) -> tuple[EmailMessage | None, str | None]:
    """Build and send the email of `row`: it (None when there was none to send after
    all), and None once the server has it, or why it never will. A server that is down
    or says "later" ends the run (MailServerUnavailable)."""
    email = None
    try:
        email = outbox.build(row)
        if email is not None:
            post.send(email)
    except UNBUILDABLE as error:  # building, or the headers as it is sent
        logger.warning("A %s could not be built (%s)", outbox.what, type(error).__name__)
        return email, f"could not be built: {type(error).__name__}"
    except smtplib.SMTPException as error:
        failure = refused_for_good(error)
        if failure is None:
            logger.warning("The mail server refused for now (%s)", type(error).__name__)
            raise MailServerUnavailable from error
        logger.warning("The mail server refused a %s for good (%s)", outbox.what, failure)
        return email, failure
    except OSError as error:
        logger.warning("The mail server is unreachable (%s)", type(error).__name__)
        raise MailServerUnavailable from error
    return email, None


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
    not_refused = Q(undeliverable_at__isnull=True)
    return [
        Outbox(
            "link requests",
            lambda now: LinkRequest.objects.filter(not_refused),
            _links,
            _deleted,
            _mark_undeliverable,
            writes=True,
        ),
        Outbox(
            "receipts",
            _receipts_due,
            _receipt,
            _receipt_sent,
            _receipt_refused,
        ),
        Outbox(
            "candidate emails",
            lambda now: _candidate_emails_due(now, templates),
            lambda email: _candidate_email(email, templates),
            _candidate_email_sent,
            _mark_undeliverable,
        ),
        Outbox(
            "erasure receipts",
            lambda now: ErasureReceipt.objects.filter(not_refused),
            emails.erasure_receipt,
            _deleted,
            _mark_undeliverable,
        ),
        Outbox(
            "privacy notice changes",
            lambda now: NoticeChangeEmail.objects.filter(not_refused).select_related("notice"),
            emails.notice_change,
            _deleted,
            _mark_undeliverable,
        ),
        Outbox(
            "team emails",
            lambda now: StaffEmail.objects.filter(not_refused),
            _staff_email,
            _deleted,
            _mark_undeliverable,
        ),
    ]


def _deleted(row, built, at) -> None:
    """No address is kept once its email went."""
    row.delete()


def _mark_undeliverable(row, built, failure: str, at: datetime) -> None:
    type(row).objects.filter(pk=row.pk).update(undeliverable_at=at, failure=failure[:200])


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


@transaction.atomic
def _receipt_sent(application: Application, built: EmailMessage, at: datetime) -> None:
    """The receipt leaves the outbox, and is kept as sent for the timeline and the
    candidate's export (unless the application was deleted as it went)."""
    if not Application.objects.filter(pk=application.pk).update(receipt_sent_at=at):
        return
    CandidateEmail.objects.create(
        application=application,
        template=EmailTemplate.Key.RECEIVED,
        send_after=application.submitted_at,
        sent_at=at,
        subject=built.subject,
        body=built.body,
    )


@transaction.atomic
def _receipt_refused(application: Application, built, failure: str, at: datetime) -> None:
    if not Application.objects.filter(pk=application.pk).update(receipt_sent_at=at):
        return
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
    CandidateEmail.objects.filter(pk=email.pk, sent_at__isnull=True).update(
        sent_at=at, subject=built.subject[:200], body=built.body
    )


def _staff_email(email: StaffEmail) -> EmailMessage:
    return emails.message(
        to=email.email, subject=email.subject, body=email.body, calendar=email.calendar
    )
