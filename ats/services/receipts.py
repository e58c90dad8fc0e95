"""Receipts to candidates, sent by the worker from outboxes in the database.

For an application, the application row is the outbox: applying writes it and nothing
else, so a candidate never waits for the queue's broker, and a receipt cannot be lost
with a queue message (or, with the broker down, turn a stored application into an error
page). For an erasure, the purge writes an ErasureReceipt in the transaction that
deletes the application; the worker sends it and deletes it. A request for fresh
self-service links is written by /my-data/ whatever the address, and answered here.
"""

import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import F, IntegerField, Min, QuerySet, Value
from django.db.models.functions import Lower
from django.utils import timezone

from .. import emails
from ..app_settings import app_settings
from ..bulk import insert_from_select
from ..models import (
    Application,
    ErasureReceipt,
    LinkRequest,
    NoticeChangeEmail,
    PrivacyNotice,
)
from .self_service import issue_new_links

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
# A link request is for now: after this the person has long since asked again.
LINK_REQUEST_MAX_AGE = timedelta(hours=1)


def send_pending_receipts(*, batch_size: int = BATCH_SIZE) -> int:
    """Send the receipt of every live application that has none yet; return how many.

    Those that went are marked sent, in one statement, also when the mail server fails
    halfway, so nothing is sent twice; the rest wait for the next run. Two workers never
    take the same rows (SKIP LOCKED). An application erased before its receipt went gets
    none.
    """
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Application.objects.live()
                .filter(receipt_sent_at__isnull=True)
                .select_related("opening")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:batch_size]
            )
            delivered = []
            for application in batch:
                try:
                    emails.send_receipt(application)
                except (smtplib.SMTPException, OSError) as error:
                    logger.warning(
                        "The mail server refused a receipt (%s); the next run tries again",
                        type(error).__name__,
                    )
                    break
                delivered.append(application.pk)
            Application.objects.filter(pk__in=delivered).update(receipt_sent_at=timezone.now())
        sent += len(delivered)
        if len(delivered) < batch_size:  # all sent, or the mail server refuses
            return sent


# Refusals of one message: the next receipt may well go.
REFUSED_MESSAGE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def send_erasure_receipts(*, batch_size: int = BATCH_SIZE) -> int:
    """Send every pending erasure receipt, each once; return how many went. Receipts
    unsent after ATS_ERASURE_RECEIPT_MAX_AGE are dropped, address and all."""
    sent = _drain(
        ErasureReceipt.objects.all(),
        send=emails.send_erasure_receipt,
        what="erasure receipt",
        batch_size=batch_size,
    )
    _drop_older_than(
        ErasureReceipt.objects.filter(
            deleted_at__lt=timezone.now() - app_settings.ERASURE_RECEIPT_MAX_AGE
        ),
        what="erasure receipt",
    )
    return sent


def answer_link_requests(*, batch_size: int = BATCH_SIZE) -> int:
    """Answer every request from /my-data/: the links of the address's live
    applications, by email, or nothing when it has none. Returns how many requests
    were answered; each row goes once answered, and after LINK_REQUEST_MAX_AGE unsent."""
    answered = _drain(
        LinkRequest.objects.all(),
        send=_send_requested_links,
        what="link request",
        batch_size=batch_size,
    )
    _drop_older_than(
        LinkRequest.objects.filter(requested_at__lt=timezone.now() - LINK_REQUEST_MAX_AGE),
        what="link request",
    )
    return answered


def announce_notice_changes(*, batch_size: int = BATCH_SIZE) -> int:
    """Email every candidate whose application is kept about each new version of the
    privacy notice that has come into force, once per version and address; return how
    many emails went. The consents given before keep citing their own version."""
    now = timezone.now()
    with transaction.atomic():
        for notice in PrivacyNotice.objects.in_force(now=now).filter(announced_at__isnull=True):
            # One row per address (its first application's language), set-based.
            insert_from_select(
                into=NoticeChangeEmail,
                rows=Application.objects.live(now=now)
                .annotate(address=Lower("email"))
                .values("address")
                .annotate(first_language=Min("language")),
                notice=Value(notice.pk, output_field=IntegerField()),
                email=F("address"),
                language=F("first_language"),
            )
            notice.announced_at = now
            notice.save(update_fields=["announced_at"])
    return _drain(
        NoticeChangeEmail.objects.select_related("notice"),
        send=emails.send_notice_change,
        what="privacy notice change",
        batch_size=batch_size,
    )


def _send_requested_links(request: LinkRequest) -> None:
    applications = list(
        Application.objects.live().of_email(request.email).select_related("opening")
    )
    if applications:
        issue_new_links(applications)  # the links sent before stop working
        emails.send_links(email=request.email, applications=applications)


def _drain(outbox: QuerySet, *, send: Callable, what: str, batch_size: int) -> int:
    """Send each row of `outbox` once, deleting it in the transaction that sent it.

    A row the mail server refuses stays for the next run and the others still go;
    when the server itself is down, all wait. Two workers never take the same rows
    (SKIP LOCKED)."""
    sent, refused = 0, set()
    while True:
        with transaction.atomic():
            batch = list(
                outbox.exclude(pk__in=refused)
                .select_for_update(skip_locked=True)
                .order_by("pk")[:batch_size]
            )
            delivered, server_down = [], False
            for row in batch:
                try:
                    send(row)
                except REFUSED_MESSAGE as error:
                    logger.warning("The mail server refused a %s (%s)", what, type(error).__name__)
                    refused.add(row.pk)
                    continue
                except (smtplib.SMTPException, OSError) as error:
                    logger.warning(
                        "The mail server is unreachable (%s); %ss wait", type(error).__name__, what
                    )
                    server_down = True
                    break
                delivered.append(row.pk)
            outbox.filter(pk__in=delivered).delete()
        sent += len(delivered)
        if server_down or len(batch) < batch_size:
            return sent


def _drop_older_than(expired: QuerySet, *, what: str) -> None:
    dropped, _ = expired.delete()
    if dropped:
        logger.warning("Dropped %d %s(s) the mail server never took", dropped, what)
