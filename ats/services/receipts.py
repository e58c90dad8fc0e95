"""Receipts to candidates, sent by the worker from the applications themselves.

The application row is the outbox: applying writes it and nothing else, so a candidate
never waits for the queue's broker, and a receipt cannot be lost with a queue message
(or, with the broker down, turn a stored application into an error page).
"""

import logging
import smtplib

from django.db import transaction
from django.utils import timezone

from .. import emails
from ..models import Application

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
