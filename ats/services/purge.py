"""The deletion engine: every due application goes, with its CV, leaving a tombstone.

Per batch (docs/architecture.md, "The deletion protocol"):
1. claim due rows that are not under legal hold: mark them with the batch's own id, in
   one short transaction that skips rows another worker has locked;
2. delete their CV files in one storage call (one S3 request per 1000 keys);
3. in one transaction: write the batch to the erasure ledger (services/ledger.py), then
   the tombstones, the statistics that identify nobody and the receipts to candidates
   who asked (an outbox the worker drains), and delete the rows with their notes and
   history.

The steps of one batch follow each other, but the batches overlap: a batch's files are
deleted, on a thread of the run's own, while the database claims the next batch and
deletes the rows of the one before. The storage and the database work at the same time
instead of taking turns.

A marked row is hidden everywhere (Application.objects.live). A run claims again any
marked row that is not in its own hands, so a crash at any step is finished by the next
run, and a row whose file could not be deleted stays marked until a later run succeeds.
If two runs meet on the same rows, the second finds them gone in step 3: each row is
deleted once and has one tombstone.
"""

import logging
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from .. import retention, storage
from ..app_settings import app_settings
from ..bulk import insert_from_select
from ..models import (
    AccessEvent,
    Application,
    ApplicationStatistic,
    DeletionReason,
    DeletionRecord,
    ErasureReceipt,
    past_its_date,
)
from ..queue import enqueue
from . import ledger

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000  # one S3 DeleteObjects request per batch
# Deletions the candidate asked for: they are told when it is done.
RECEIPT_REASONS = [DeletionReason.CONSENT_WITHDRAWN, DeletionReason.ERASURE_REQUESTED]


@dataclass(frozen=True)
class Run:
    """The mark a run leaves on rows whose file it could not delete, so that another
    run, never this one, tries them again."""

    retry_later: UUID = field(default_factory=uuid4)


@dataclass(frozen=True)
class Batch:
    """Rows one claim marked, under a mark of their own, and their CV keys."""

    mark: UUID
    keys: list[str]


@dataclass
class PurgeSummary:
    dry_run: bool = False
    deleted: Counter = field(default_factory=Counter)  # applications deleted, per reason
    due: Counter = field(default_factory=Counter)  # dry run: what would go, per reason
    files_deleted: int = 0
    failed: int = 0  # due, but the CV file could not be deleted: retried by the next run
    held: int = 0  # due, but under legal hold
    access_events: int = 0  # access log entries past ATS_ACCESS_LOG_RETENTION

    def as_text(self) -> str:
        counts = self.due if self.dry_run else self.deleted
        verb = "Due now" if self.dry_run else "Deleted"
        lines = [f"{verb}: {sum(counts.values())} application(s)"]
        lines += [f"  {reason}: {count}" for reason, count in sorted(counts.items())]
        if not self.dry_run:
            lines.append(f"CV files deleted: {self.files_deleted}")
            lines.append(f"Failed, left for the next run: {self.failed}")
        lines.append(f"Held (legal hold): {self.held}")
        lines.append(
            f"Access log entries {'due' if self.dry_run else 'deleted'}: {self.access_events}"
        )
        return "\n".join(lines)


def purge_due(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE, dry_run: bool = False
) -> PurgeSummary:
    """Delete every application whose date has passed and that is not on legal hold,
    and the access log entries that have been kept long enough."""
    now = now or timezone.now()
    expired_events = AccessEvent.objects.filter(at__lt=retention.access_log_cutoff(now))
    summary = PurgeSummary(
        dry_run=dry_run,
        held=Application.objects.filter(past_its_date(now)).held(now=now).count(),
    )
    if dry_run:
        summary.access_events = expired_events.count()
        summary.due.update(
            dict(
                Application.objects.due(now=now)
                .values_list("deletion_reason")
                .annotate(count=Count("pk"))
                .order_by()
            )
        )
        return summary
    ledger.settle()  # a killed run's ledger object: committed or void, before any claim
    run = Run()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ats-purge-files") as files:

        def delete_files(batch: Batch) -> Future:
            keys = [key for key in batch.keys if key]
            # Each batch asks whether the bucket keeps versions: an answer that cannot
            # be had fails that batch, which the next run retries.
            return files.submit(storage.delete_cv_files, keys)

        batch = _claim_batch(run=run, now=now, size=batch_size)
        deleting, claiming = batch and delete_files(batch), True
        while batch:
            following = (
                _claim_batch(run=run, now=now, size=batch_size, in_flight=batch)
                if claiming
                else None
            )
            failed_keys = deleting.result()
            with transaction.atomic():
                ledgered = _write_ledger(
                    batch=batch, run=run, failed_keys=failed_keys, now=now, summary=summary
                )
                # Not before: the ledger object would queue behind a whole batch of files,
                # with the rows and the ledger head locked.
                deleting = following and delete_files(following)
                _delete_rows(batch=batch, ledgered=ledgered, now=now, summary=summary)
            # Nothing deleted: the storage refuses, or another run took the batch and is
            # at work. Finish the batch in flight, claim no more: no spinning, and two
            # runs never take the same rows from each other back and forth.
            claiming = claiming and bool(ledgered.rows)
            batch = following
    summary.access_events, _ = expired_events.delete()
    if summary.failed:
        logger.warning("Purge left %d application(s) for the next run", summary.failed)
    return summary


def due_in_claiming_order(*, now: datetime) -> QuerySet[Application]:
    """The oldest due first, in the order of the index on the date. By id, PostgreSQL
    walked the primary key past every living row for each batch (800,000 of them in
    bench/purge_scale.py: 167 ms a claim, where this takes under one)."""
    return Application.objects.due(now=now).order_by("delete_after")


@transaction.atomic
def _claim_batch(
    *, run: Run, now: datetime, size: int, in_flight: Batch | None = None
) -> Batch | None:
    """Step 1: mark up to `size` due rows as a new batch of this run's.

    Unclaimed rows first, so that concurrent runs work on different rows; then rows
    another run claimed and has not finished (it crashed, or its files failed), never
    the run's own batch in flight. Each UPDATE picks its rows in a subquery that skips
    rows another worker has locked. The rows of the run's finished batches are gone,
    marked to retry later, or no longer due: none is claimed again.
    """
    mark = uuid4()
    due = due_in_claiming_order(now=now).select_for_update(skip_locked=True)
    claimed = Application.objects.filter(
        pk__in=due.filter(purge_run__isnull=True).values("pk")[:size]
    ).update(purge_run=mark)
    if claimed < size:
        own = [run.retry_later] + ([in_flight.mark] if in_flight else [])
        abandoned = due.exclude(purge_run__in=own).filter(purge_run__isnull=False)
        claimed += Application.objects.filter(
            pk__in=abandoned.values("pk")[: size - claimed]
        ).update(purge_run=mark)
    if not claimed:
        return None
    keys = Application.objects.filter(purge_run=mark).values_list("cv", flat=True)
    return Batch(mark=mark, keys=list(keys))


@dataclass(frozen=True)
class Ledgered:
    """A batch's rows, locked and written to the erasure ledger: (public_id, opening_id,
    reason, due_at, cv key) each."""

    rows: list[tuple]
    sequence: int | None = None
    deleted_at: datetime | None = None


def _write_ledger(
    *, batch: Batch, run: Run, failed_keys: set[str], now: datetime, summary: PurgeSummary
) -> Ledgered:
    """Step 3, first half, in the transaction that deletes the rows: lock the batch's
    rows whose files are gone and write them to the ledger.

    A row whose file could not be deleted gets the run's retry_later mark.
    """
    claimed = Application.objects.filter(purge_run=batch.mark)
    if failed_keys:
        summary.failed += claimed.filter(cv__in=failed_keys).update(purge_run=run.retry_later)
    locked = list(
        claimed.select_for_update()
        .filter(past_its_date(now))  # nothing before its time, whatever changed since
        .values_list("public_id", "opening_id", "deletion_reason", "delete_after", "cv")
    )
    if not locked:
        return Ledgered(rows=[])
    deleted_at = timezone.now()
    sequence = ledger.append(
        batch=batch.mark,
        entries=[
            ledger.entry(
                public_id=public_id,
                opening_id=opening_id,
                reason=reason,
                due_at=due_at,
                deleted_at=deleted_at,
                cv_key=key,
            )
            for public_id, opening_id, reason, due_at, key in locked
        ],
        written_at=deleted_at,
    )
    return Ledgered(rows=locked, sequence=sequence, deleted_at=deleted_at)


def _delete_rows(*, batch: Batch, ledgered: Ledgered, now: datetime, summary: PurgeSummary) -> None:
    """Step 3, second half: delete the ledgered rows with one tombstone each, in a fixed
    number of statements: no Python object per row."""
    if not ledgered.rows:
        return
    deleted_at, sequence = ledgered.deleted_at, ledgered.sequence
    rows = Application.objects.filter(past_its_date(now), purge_run=batch.mark)
    insert_from_select(
        into=DeletionRecord,
        rows=rows,
        public_id=F("public_id"),
        opening=F("opening_id"),
        kind=Case(
            When(opening__isnull=True, then=Value(DeletionRecord.Kind.SPONTANEOUS)),
            default=Value(DeletionRecord.Kind.OPENING),
        ),
        reason=F("deletion_reason"),
        due_at=F("delete_after"),
        deleted_at=Value(deleted_at, output_field=DateTimeField()),
        files_deleted=Case(When(cv="", then=Value(0)), default=Value(1)),
        ledger_object=Value(sequence, output_field=IntegerField()),
    )
    insert_from_select(
        into=ApplicationStatistic,
        rows=rows.values(
            "opening_id",
            "stage",
            "source",
            month_applied=TruncMonth("submitted_at", output_field=DateField()),
        ),
        opening=F("opening_id"),
        month=F("month_applied"),
        stage=F("stage"),
        source=F("source"),
        applications=Count("pk"),
    )
    asked = [reason for _, _, reason, _, _ in ledgered.rows if reason in RECEIPT_REASONS]
    if asked and app_settings.SEND_ERASURE_RECEIPTS:  # the outbox the worker drains
        insert_from_select(
            into=ErasureReceipt,
            rows=rows.filter(deletion_reason__in=RECEIPT_REASONS),
            email=F("email"),
            language=F("language"),
            reason=F("deletion_reason"),
            opening_title=Coalesce(F("opening__title"), Value("")),
            deleted_at=Value(deleted_at, output_field=DateTimeField()),
        )
    rows.delete_with_dependents()
    summary.deleted.update(reason for _, _, reason, _, _ in ledgered.rows)
    summary.files_deleted += sum(1 for *_, key in ledgered.rows if key)


def request_purge() -> None:
    """Have the queue delete what is due as soon as this transaction commits. Robust:
    with the broker down, the failure is logged and the committed change stands; the
    scheduled purge deletes what is due on its next run."""
    transaction.on_commit(lambda: enqueue("ats.tasks.purge_due_applications"), robust=True)
