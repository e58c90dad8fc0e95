"""Every email the app sends goes through one drain: the worker's (ats.tasks.send_emails).

What is to be sent is written to an outbox in the transaction that decides it: a
LinkRequest (/my-data/), the application row itself for its receipt, a CandidateEmail
for the employer's templates, the consent renewal and the recruiters' own answers, an
ErasureReceipt (the purge), a NoticeChangeEmail (a new privacy notice) and a StaffEmail
for team members (services/staff_emails.py). The drain takes them in that order
(outboxes()), oldest first, over one connection to the mail server, until every outbox
is empty, one worker at a time (a lease):
- each email is marked as soon as the server has it, in a commit of its own, so a
  killed worker sends again at most the email in flight;
- an email refused for good (5xx for its recipient, or one that cannot be built) is
  marked undeliverable, with why, and the drain goes on: one bad address blocks nothing.
  A 5xx counts once the server has taken another email in the run: a server that
  refuses everything is down, not marking every address bad;
- a recipient refused for now (4xx) waits for the next run, and the drain goes on;
- a mail server that is down, or refuses us, ends the run; the next one retries.
A batch is read before it is sent: an email taken back in the moment it is being sent
still goes (and, its row gone, is not recorded).
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
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .. import emails
from ..app_settings import app_settings
from ..models import (
    Application,
    EmailTemplate,
    ErasureReceipt,
    LinkRequest,
    NoticeChangeEmail,
    StaffEmail,
)
from .candidate_emails import (
    build_candidate_email,
    build_receipt,
    candidate_email_sent,
    candidate_emails_due,
    receipt_refused,
    receipt_sent,
    receipts_due,
)
from .leases import Held, lease
from .receipt_marks import receipt_left_outbox
from .self_service import issue_new_links

logger = logging.getLogger(__name__)

BATCH_SIZE = 100  # emails read at a time (a short window to take one back in)
# A link request is for now, but one that waited out a mail server's outage still helps.
LINK_REQUEST_MAX_AGE = timedelta(days=1)
# An undeliverable email to an address not tied to an application (an erasure receipt,
# a notice change, a link request, a team member's) is shown in the admin this long.
UNDELIVERABLE_SHOWN = timedelta(days=7)


class MailServerUnavailable(Exception):
    """The mail server is down, or refuses us: the run ends here."""


class LeaseLost(Exception):
    """This run stalled past its lease, and another worker took the drain over."""


@dataclass(frozen=True)
class Outbox:
    """One kind of email waiting to go."""

    what: str
    # Due and sendable, with what building needs: read a batch at a time.
    waiting: Callable[[datetime], models.QuerySet]
    build: Callable[[models.Model], EmailMessage | None]  # None: nothing to send after all
    sent: Callable[..., None]  # (row, *, built, at): the server has it, or None was built
    refused: Callable[..., None]  # (row, *, built, failure, at): it never will go
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
        run = Run(Post(get_connection()), held, drained)
        try:
            for outbox in outboxes():
                _drain(outbox, run=run, now=now)
        except MailServerUnavailable:
            drained.server_unavailable = True
        except LeaseLost:
            drained.another_worker = True
        finally:
            run.post.close()
            run.leave_unconfirmed()
    _forget_what_cannot_go(now=now)
    return drained


class Post:
    """The run's one connection to the mail server, opened by the first email."""

    def __init__(self, connection: BaseEmailBackend):
        self.connection = connection

    def send(self, built: EmailMessage) -> None:
        self.connection.open()  # once: open already, it keeps the one connection of the run
        built.connection = self.connection
        try:
            built.send()  # raises: Django's backends are not silent unless told to be
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as error:
            if getattr(error, "smtp_code", 421) != 421:  # 421: closing (RFC 5321, 4.2.2)
                raise
            # A server that takes so many emails a connection: once more, on a new one.
            self.connection.close()
            self.connection.open()
            built.send()

    def close(self) -> None:
        self.connection.close()


# A mail server that took none of this many emails in a row may refuse everything (a
# relay that no longer lets us send, say): one later email is tried (a probe, past the
# streak), and if the server takes none of it either, the run ends there.
MISSES_IN_A_ROW = 10


class _Streak(Exception):
    """MISSES_IN_A_ROW missed: the probe is next."""


@dataclass
class Run:
    """One drain: its connection, its lease, what it did, and the refusals not yet
    counted as final. A 5xx counts as final only once the server has taken another email
    in the same run: a server that refuses every email is not marking addresses bad."""

    post: Post
    held: Held
    drained: Drained
    unconfirmed: list[Callable[[], None]] = field(default_factory=list)
    misses: int = 0  # past MISSES_IN_A_ROW: the probe was missed too

    def took(self, outbox: Outbox) -> None:
        self.drained.sent[outbox.what] += 1
        for mark in self.unconfirmed:
            mark()
        self.drained.undeliverable += len(self.unconfirmed)
        self.unconfirmed.clear()
        self.misses = 0

    def refused(self, mark: Callable[[], None]) -> None:
        self.unconfirmed.append(mark)
        self.missed()

    def missed(self) -> None:
        self.misses += 1
        if self.misses == MISSES_IN_A_ROW:
            raise _Streak
        if self.misses > MISSES_IN_A_ROW:
            logger.warning("The mail server took none of %d emails in a row", self.misses)
            raise MailServerUnavailable

    def leave_unconfirmed(self) -> None:
        if self.unconfirmed:
            logger.warning(
                "%d email(s) refused, left for the next run: the server took none after them",
                len(self.unconfirmed),
            )


# What building (or its headers, checked as it is sent) raises for a message it cannot
# make: a template the employer broke, a header Django refuses (BadHeaderError).
UNBUILDABLE = (ValueError, LookupError, UnicodeError)


@dataclass(frozen=True)
class Verdict:
    email: EmailMessage | None  # None: there was nothing to send after all
    failure: str = ""  # why it never will go; empty once the server has it
    later: bool = False  # its recipient is refused for now (4xx): the next run tries
    final: bool = False  # the failure is the message's own (it cannot be built)


def _drain(outbox: Outbox, *, run: Run, now: datetime) -> None:
    after = 0
    while True:
        batch = list(outbox.waiting(now).filter(pk__gt=after).order_by("pk")[:BATCH_SIZE])
        for row in batch:
            if not run.held.renew():
                raise LeaseLost
            try:
                _send_one(outbox, row, run=run)
            except _Streak:
                # Refused addresses in a row, or a server that takes nothing: the newest
                # email after them tells (else the first of the next outbox).
                probe = outbox.waiting(now).filter(pk__gt=row.pk).order_by("-pk").first()
                if probe is None:
                    return
                _send_one(outbox, probe, run=run)
                after = row.pk
                break  # read on from there: the probe is no longer waiting
        else:
            if len(batch) < BATCH_SIZE:
                return
            after = batch[-1].pk


def _send_one(outbox: Outbox, row: models.Model, *, run: Run) -> None:
    if outbox.writes:  # what building writes goes with its own email
        _send_with_its_writes(outbox, row, run=run)
    else:
        _settle(outbox, row, _sent(outbox, row, post=run.post), run=run)


def _settle(outbox: Outbox, row: models.Model, verdict: Verdict, *, run: Run) -> None:
    """Write what the server's answer means, as soon as it came (a commit of its own),
    so that a killed worker sends again only the email it was sending."""
    now = timezone.now()
    if verdict.later:
        run.missed()
    elif not verdict.failure:
        outbox.sent(row, built=verdict.email, at=now)
        if verdict.email is not None:
            run.took(outbox)
    elif verdict.final:
        outbox.refused(row, built=verdict.email, failure=verdict.failure, at=now)
        run.drained.undeliverable += 1
    else:
        run.refused(
            lambda: outbox.refused(row, built=verdict.email, failure=verdict.failure, at=now)
        )


def _send_with_its_writes(outbox: Outbox, row: models.Model, *, run: Run) -> None:
    """Build (new link keys), send and mark in one transaction: the links sent before
    stop working only if the new ones went."""
    try:
        with transaction.atomic():
            verdict = _sent(outbox, row, post=run.post)
            if verdict.failure or verdict.later:
                raise _NotSent(verdict)  # and what building wrote is undone
            _settle(outbox, row, verdict, run=run)
    except _NotSent as not_sent:
        _settle(outbox, row, not_sent.verdict, run=run)


class _NotSent(Exception):
    def __init__(self, verdict: Verdict):
        self.verdict = verdict


def _sent(outbox: Outbox, row: models.Model, *, post: Post) -> Verdict:
    """Build the email of `row` and send it: what the server said. A server that is
    down, or refuses us rather than one recipient, ends the run (MailServerUnavailable)."""
    email = None
    try:
        email = outbox.build(row)
        if email is not None:
            post.send(email)
    except UNBUILDABLE as error:  # building, or the headers as it is sent
        logger.warning("One of the %s could not be built (%s)", outbox.what, type(error).__name__)
        return Verdict(email, f"could not be built: {type(error).__name__}", final=True)
    except smtplib.SMTPRecipientsRefused as error:
        codes = sorted(code for code, _ in error.recipients.values())
        if codes and codes[0] >= 500:
            logger.warning("The mail server refused one of the %s (%d)", outbox.what, codes[0])
            return Verdict(email, f"refused by the mail server ({codes[0]})")
        logger.warning("The mail server refused one of the %s for now (%s)", outbox.what, codes)
        return Verdict(email, later=True)
    except smtplib.SMTPDataError as error:
        if error.smtp_code >= 500:
            logger.warning(
                "The mail server refused one of the %s (%d)", outbox.what, error.smtp_code
            )
            return Verdict(email, f"refused by the mail server ({error.smtp_code})")
        return Verdict(email, later=True)
    except (smtplib.SMTPException, OSError) as error:  # down, or refusing us (the sender)
        logger.warning("The mail server is unavailable (%s)", type(error).__name__)
        raise MailServerUnavailable from error
    return Verdict(email)


def _forget_what_cannot_go(*, now: datetime) -> None:
    """Addresses are not kept for emails that will not go: nor, while the mail server is
    down, a new notice's announcement to an address no longer kept."""
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
    NoticeChangeEmail.objects.filter(~_address_kept(now)).delete()  # erased meanwhile


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
            _sent_and_gone,
            _mark_undeliverable,
            writes=True,
        ),
        Outbox(
            "receipts",
            lambda now: receipts_due(now=now, templates=templates),
            lambda application: build_receipt(application, templates=templates),
            receipt_sent,
            receipt_refused,
        ),
        Outbox(
            "candidate emails",
            lambda now: candidate_emails_due(now=now, templates=templates),
            lambda email: build_candidate_email(email, templates=templates),
            candidate_email_sent,
            _mark_undeliverable,
        ),
        Outbox(
            "erasure receipts",
            lambda now: ErasureReceipt.objects.filter(not_refused),
            emails.erasure_receipt,
            _erasure_receipt_sent,
            _mark_undeliverable,
        ),
        Outbox(
            "privacy notice changes",
            _notice_changes_due,
            emails.notice_change,
            _sent_and_gone,
            _mark_undeliverable,
        ),
        Outbox(
            "team emails",
            lambda now: StaffEmail.objects.filter(not_refused),
            _staff_email,
            _sent_and_gone,
            _staff_email_refused,
        ),
    ]


def _sent_and_gone(row: models.Model, *, built: EmailMessage | None, at: datetime) -> None:
    """No address is kept once its email went."""
    row.delete()


def _erasure_receipt_sent(
    receipt: ErasureReceipt, *, built: EmailMessage | None, at: datetime
) -> None:
    """Marked beside the erasure ledger first, where a restore of the database cannot
    bring it back to be sent again; then gone, address and all."""
    receipt_left_outbox(receipt=receipt)
    receipt.delete()


def _mark_undeliverable(
    row: models.Model, *, built: EmailMessage | None, failure: str, at: datetime
) -> None:
    type(row).objects.filter(pk=row.pk).update(undeliverable_at=at, failure=failure[:200])


def _staff_email_refused(
    email: StaffEmail, *, built: EmailMessage | None, failure: str, at: datetime
) -> None:
    """The admin shows the address, the subject and why; the text goes, as it may hold a
    link that signs in (a password reset): no one is to read it in its place."""
    StaffEmail.objects.filter(pk=email.pk).update(
        undeliverable_at=at, failure=failure[:200], body="", calendar=""
    )


def _address_kept(now: datetime) -> Exists:
    """Whether the row's address still has an application kept."""
    return Exists(Application.objects.live(now=now).of_email(OuterRef("email")))


def _notice_changes_due(now: datetime) -> models.QuerySet:
    """Only to an address that still has an application kept: one erased while the
    announcement waited is not told (its row goes after the run, however it ended)."""
    return NoticeChangeEmail.objects.filter(
        _address_kept(now), undeliverable_at__isnull=True
    ).select_related("notice")


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


def _staff_email(email: StaffEmail) -> EmailMessage:
    return emails.message(
        to=email.email, subject=email.subject, body=email.body, calendar=email.calendar
    )
