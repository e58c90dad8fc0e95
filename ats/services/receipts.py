"""Receipts to candidates, sent by the worker from outboxes in the database.

For an application, the application row is the outbox: applying writes it and nothing
else, so a candidate never waits for the queue's broker, and a receipt cannot be lost
with a queue message (or, with the broker down, turn a stored application into an error
page). For an erasure, the purge writes an ErasureReceipt in the transaction that
deletes the application; the worker sends it and deletes it.
"""

import logging
import smtplib

from django.db import transaction
from django.utils import timezone

from .. import emails
from ..app_settings import app_settings
from ..models import Application, ErasureReceipt

logger = logging.getLogger(__name__)

BATCH_SIZE = 100


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
    """Send every pending erasure receipt, each once; return how many went.

    A receipt that went is deleted with its address in the same transaction; one the
    mail server refuses stays for the next run, and the others are still sent (unless
    the server itself is down: then all wait). Two workers never take the same rows
    (SKIP LOCKED). Receipts unsent after ATS_ERASURE_RECEIPT_MAX_AGE are dropped.
    """
    sent, refused = 0, set()
    while True:
        with transaction.atomic():
            batch = list(
                ErasureReceipt.objects.exclude(pk__in=refused)
                .select_for_update(skip_locked=True)
                .order_by("pk")[:batch_size]
            )
            delivered, server_down = [], False
            for receipt in batch:
                try:
                    emails.send_erasure_receipt(receipt)
                except REFUSED_MESSAGE as error:
                    logger.warning(
                        "The mail server refused an erasure receipt (%s)", type(error).__name__
                    )
                    refused.add(receipt.pk)
                    continue
                except (smtplib.SMTPException, OSError) as error:
                    logger.warning(
                        "The mail server is unreachable (%s); erasure receipts wait",
                        type(error).__name__,
                    )
                    server_down = True
                    break
                delivered.append(receipt.pk)
            ErasureReceipt.objects.filter(pk__in=delivered).delete()
        sent += len(delivered)
        if server_down or len(batch) < batch_size:
            break
    expired, _ = ErasureReceipt.objects.filter(
        deleted_at__lt=timezone.now() - app_settings.ERASURE_RECEIPT_MAX_AGE
    ).delete()
    if expired:
        logger.warning("Dropped %d erasure receipt(s) the mail server never took", expired)
    return sent
