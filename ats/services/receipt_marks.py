"""Erasure receipts that left the outbox, marked in the CV storage beside the ledger:
the database cannot say, after a restore, which of the receipts it lost had gone. The
replay (services/ledger.py) writes again those that had not, and never one that had.

One empty object each, named by the day of the deletion and a keyed hash (SECRET_KEY)
of the address and the time of the deletion. The address itself is never stored there,
and the marks go once the receipts they mark are too old to be written again
(forget_old_receipt_marks).
"""

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .. import storage
from ..app_settings import app_settings
from ..models import DeletionReason, ErasureReceipt

logger = logging.getLogger(__name__)

# Deletions the candidate asked for: they are told when it is done.
RECEIPT_REASONS = [DeletionReason.CONSENT_WITHDRAWN, DeletionReason.ERASURE_REQUESTED]

RECEIPTS_PREFIX = "erasure-receipts/"


def _receipt_mark(email: str, deleted_at: datetime, *, secret: str) -> str:
    moment = deleted_at.astimezone(UTC)
    digest = salted_hmac(
        "ats.erasure-receipt",
        f"{email.lower()}|{moment.isoformat(timespec='microseconds')}",
        secret=secret,
        algorithm="sha256",
    ).hexdigest()
    return f"{RECEIPTS_PREFIX}{moment:%Y-%m-%d}/{digest}"


def _already_gone(email: str, deleted_at: datetime, gone: set[str]) -> bool:
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]  # marked before a rotation
    return any(_receipt_mark(email, deleted_at, secret=secret) in gone for secret in secrets)


def receipt_left_outbox(*, receipt: ErasureReceipt) -> None:
    """An erasure receipt whose email went (services/outbox.py): marked where a database
    restore cannot undo it, so that no replay writes it again.

    Written before the deletion commits: a mark whose deletion rolled back is of an
    email that went all the same. A storage that fails costs the mark, never the email.
    """
    if receipt.deleted_at < timezone.now() - app_settings.ERASURE_RECEIPT_MAX_AGE:
        return  # too old to be written again: nothing to mark
    mark = _receipt_mark(receipt.email, receipt.deleted_at, secret=settings.SECRET_KEY)
    try:
        storage.create_exclusively(mark, b"")
    except storage.STORAGE_ERRORS as error:
        logger.warning("An erasure receipt that went is not marked (%s)", type(error).__name__)


def receipts_gone() -> set[str]:
    """The marks of the erasure receipts that left the outbox: one listing."""
    return {key for key, _ in storage.list_files(RECEIPTS_PREFIX)}


def forget_old_receipt_marks(*, now: datetime) -> int:
    """Delete the marks of receipts too old to be written again (a day to spare);
    return how many went. Reads only as far as the old ones go."""
    oldest_kept = now - app_settings.ERASURE_RECEIPT_MAX_AGE - timedelta(days=1)
    first_kept = f"{RECEIPTS_PREFIX}{oldest_kept.astimezone(UTC):%Y-%m-%d}/"
    old = []
    for key, _ in storage.list_files(RECEIPTS_PREFIX):
        if key >= first_kept:
            break
        old.append(key)
    return len(old) - len(storage.delete_cv_files(old)) if old else 0


def lost_receipts(
    by_id: dict[UUID, dict], *, found: Iterable[QuerySet], gone: set[str]
) -> list[ErasureReceipt]:
    """The erasure receipts of these deletions that a restore lost before they went:
    asked for (by the ledger's reason), recent enough to be sent at all
    (ATS_ERASURE_RECEIPT_MAX_AGE, as the outbox keeps them), not marked as gone and not
    in the outbox. The address is the restored row's or claim's: the ledger holds none."""
    if not app_settings.SEND_ERASURE_RECEIPTS:
        return []
    since = timezone.now() - app_settings.ERASURE_RECEIPT_MAX_AGE
    asked = {
        public_id: (item["reason"], deleted_at)
        for public_id, item in by_id.items()
        if item["reason"] in RECEIPT_REASONS
        and (deleted_at := datetime.fromisoformat(item["deleted_at"])) >= since
    }
    if not asked:
        return []
    queued = {
        (email.lower(), at)
        for email, at in ErasureReceipt.objects.filter(
            deleted_at__in={at for _, at in asked.values()}
        ).values_list("email", "deleted_at")
    }
    receipts = []
    for rows in found:
        for public_id, email, language, title in rows.filter(public_id__in=asked).values_list(
            "public_id", "email", "language", "opening__title"
        ):
            reason, deleted_at = asked[public_id]
            if not email or (email.lower(), deleted_at) in queued:
                continue
            if _already_gone(email, deleted_at, gone):
                continue
            receipts.append(
                ErasureReceipt(
                    email=email,
                    language=language,
                    reason=reason,
                    opening_title=title or "",
                    deleted_at=deleted_at,
                )
            )
    return receipts


def drop_receipts_already_gone(gone: set[str]) -> int:
    """Receipts a restore put back in the outbox after they had gone: out again, before
    the worker sends them a second time."""
    went = [
        pk
        for pk, email, deleted_at in ErasureReceipt.objects.values_list("pk", "email", "deleted_at")
        if _already_gone(email, deleted_at, gone)
    ]
    if went:
        ErasureReceipt.objects.filter(pk__in=went).delete()
    return len(went)
