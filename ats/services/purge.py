"""The deletion engine: every due application goes, with its CV, leaving a tombstone.

Per batch (docs/architecture.md, "The deletion protocol"):
1. claim due rows that are not under legal hold, skipping rows another transaction has
   locked: in one short transaction, move what the tombstone, the ledger and the
   statistics need into a PurgeClaim under the batch's own id, and delete the rows
   with their notes and history;
2. delete their CV files in one storage call (one S3 request per 1000 keys);
3. in one transaction: write the batch to the erasure ledger (services/ledger.py), then
   the tombstones, the statistics that identify nobody and the receipts to candidates
   who asked (an outbox the worker drains), and delete the claims.

The steps of one batch follow each other, but the batches overlap: a batch's files are
deleted, on a thread of the run's own, while the database claims the next batch and
finishes the one before. The storage and the database work at the same time instead
of taking turns.

From its claim on, an application is gone from every page and no write can reach it.
A run takes again any claim that is not in its own hands, so a crash at any step is
finished by the next run, and a claim whose file could not be deleted stays until a
later run succeeds. If two runs meet on the same claims, the second finds them gone in
step 3: each application is ledgered once and has one tombstone. After a database
restore, what the erasure ledger already lists is deleted again before any claim
(services/ledger.replay_restored): never claimed, so never ledgered twice.
"""

import contextlib
import logging
from collections import Counter
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from uuid import UUID, uuid4

from django.conf import settings
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    UUIDField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .. import retention, storage
from ..app_settings import app_settings
from ..bulk import insert_from_select, sample_again
from ..models import (
    DEPENDENTS,
    AccessEvent,
    Application,
    DeletionRecord,
    ErasureReceipt,
    IdempotentRequest,
    PurgeClaim,
    past_its_date,
)
from ..queue import enqueue
from ..ratelimit import forget_ended_counts
from ..storage import STORAGE_ERRORS, StorageUnavailable, failure_code
from . import ledger
from .receipt_marks import RECEIPT_REASONS, forget_old_receipt_marks
from .report_counts import count_deleted
from .webhooks import queue_deletion_events

logger = logging.getLogger(__name__)

# Two S3 DeleteObjects requests (of 1000 keys, S3's limit) per batch. A batch costs the
# same statements, commits and ledger object whatever its size; BENCHMARKS.md has the
# measurements that chose this size.
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Run:
    """The batch a run moves the claims whose file it could not delete to, so that
    another run, never this one, tries them again."""

    retry_later: UUID = field(default_factory=uuid4)


@dataclass(frozen=True)
class Batch:
    """The claims one step 1 made, under a batch id of their own, and their CV keys."""

    batch_id: UUID
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
    # Already in the erasure ledger, back from a database restore: deleted again.
    restored: int = 0

    def as_text(self) -> str:
        counts = self.due if self.dry_run else self.deleted
        verb = "Due now" if self.dry_run else "Deleted"
        lines = [f"{verb}: {sum(counts.values())} application(s)"]
        lines += [f"  {reason}: {count}" for reason, count in sorted(counts.items())]
        if self.restored:
            lines.append(
                "Deleted again after a database restore (already in the erasure ledger): "
                f"{self.restored}"
            )
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
    and the access log entries that have been kept long enough.

    Raises StorageUnavailable, saying in one line how far it got, when the CV storage
    cannot be reached: what is left is left for the next run, as after a crash."""
    now = now or timezone.now()
    expired_events = AccessEvent.objects.filter(at__lt=retention.access_log_cutoff(now))
    summary = PurgeSummary(
        dry_run=dry_run,
        held=Application.objects.filter(past_its_date(now)).held(now=now).count(),
    )
    if dry_run:
        summary.access_events = expired_events.count()
        for due in (  # claims a run left (killed, or its files failed) go first
            PurgeClaim.objects.values_list("reason"),
            Application.objects.due(now=now).values_list("deletion_reason"),
        ):
            summary.due.update(dict(due.annotate(count=Count("pk")).order_by()))
        return summary
    unreachable: BaseException | None = None
    try:
        ledger.settle()  # a killed run's ledger object: committed or void, before any claim
        # After a database restore, what the ledger lists is deleted again before any
        # claim: never claimed, so never ledgered twice.
        summary.restored = ledger.replay_restored().applications
    except STORAGE_ERRORS as error:
        unreachable = error
    if not unreachable:
        try:
            _delete_in_batches(now=now, batch_size=batch_size, summary=summary)
        except StorageUnavailable as error:  # a batch's ledger object could not be written
            unreachable = error.__cause__ or error
    summary.access_events, _ = expired_events.delete()
    if summary.deleted.total() or summary.restored:  # what was sampled of them goes too
        transaction.on_commit(
            lambda: sample_again(models=(Application, *DEPENDENTS)), robust=True
        )  # robust: a failure is logged, and the deletions and the summary stand
    _clear_what_has_ended()
    if unreachable:
        # One line; the cause is logged. A client library's traceback says less.
        raise _unreachable(unreachable, summary)
    with contextlib.suppress(*STORAGE_ERRORS):  # the next run tries again
        forget_old_receipt_marks(now=now)
    if summary.failed:
        logger.warning("Purge left %d application(s) for the next run", summary.failed)
    return summary


def _clear_what_has_ended() -> None:
    """Ended sessions, the cache's expired rows and the API's ended idempotency keys.
    Each on its own: a failure (a cache table never created, say) is logged, and the
    purge's own work stands."""
    for clear in (_forget_expired_sessions, forget_ended_counts, _forget_ended_idempotency_keys):
        try:
            with transaction.atomic():  # inside a request's transaction, a savepoint
                clear()
        except Exception as error:
            logger.warning(
                "The purge could not clear %s (%s)", clear.__name__, type(error).__name__
            )


def _forget_expired_sessions() -> None:
    """An ended session stays stored (a row, a file) until something clears it, with
    what was kept in it: a colleague's search for a name or an address, the privacy
    officer's finds. A session engine that cannot list its sessions keeps its own."""
    with contextlib.suppress(NotImplementedError):
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


def _forget_ended_idempotency_keys() -> None:
    """A key's rows also go when it writes again; those of a key that never does, here.
    Its client chose the key, which may say whom the write was about."""
    IdempotentRequest.objects.ended(now=timezone.now()).delete()


def _unreachable(error: BaseException, summary: PurgeSummary) -> StorageUnavailable:
    """What to say when the storage fails the run: one line, no key, no address."""
    why = failure_code(error)
    deleted = summary.deleted.total() + summary.restored
    done = (
        f"{deleted} application(s) deleted, the rest is left for the next run"
        if deleted
        else "no application was deleted; the next run tries again"
    )
    logger.error("The purge stopped: the CV storage is unreachable (%s)", why)
    return StorageUnavailable(f"The CV storage is unreachable ({why}): {done}.")


def _delete_in_batches(*, now: datetime, batch_size: int, summary: PurgeSummary) -> None:
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
                    batch=batch,
                    run=run,
                    failed_keys=failed_keys,
                    summary=summary,
                    confirm_on=files,
                )
                # Not before: the ledger object would queue behind a whole batch of files,
                # with the claims and the ledger head locked.
                deleting = following and delete_files(following)
                _write_tombstones(batch=batch, ledgered=ledgered, summary=summary)
            # Nothing deleted: the storage refuses, or another run took the batch and is
            # at work. Finish the batch in flight, claim no more: no spinning, and two
            # runs never take the same rows from each other back and forth.
            claiming = claiming and bool(ledgered.rows)
            batch = following


def due_in_claiming_order(*, now: datetime) -> QuerySet[Application]:
    """The oldest due first, in the order of the index on the date. By id, PostgreSQL
    would walk the primary key past every living row for each batch (BENCHMARKS.md)."""
    return Application.objects.due(now=now).order_by("delete_after")


@transaction.atomic
def _claim_batch(
    *, run: Run, now: datetime, size: int, in_flight: Batch | None = None
) -> Batch | None:
    """Step 1: claim up to `size` due applications as a new batch of this run's.

    Unclaimed applications first, in the order of their dates, picked in a subquery
    that skips rows another transaction has locked (a write to one of them, a hold);
    then claims another run made and did not finish (it crashed, or its files failed),
    never the run's own batch in flight. The claims of the run's finished batches are
    gone, or moved to retry later: none is taken again.
    """
    batch_id = uuid4()
    due = due_in_claiming_order(now=now).select_for_update(skip_locked=True)
    claimed = insert_from_select(
        into=PurgeClaim,
        rows=Application.objects.filter(pk__in=due.values("pk")[:size]),
        application_id=F("pk"),
        batch=Value(batch_id, output_field=UUIDField()),
        public_id=F("public_id"),
        opening=F("opening_id"),
        reason=F("deletion_reason"),
        due_at=F("delete_after"),
        cv=F("cv"),
        stage=F("stage"),
        source=F("source"),
        submitted_at=F("submitted_at"),
        decided=ExpressionWrapper(Q(decided_at__isnull=False), output_field=BooleanField()),
        # The address only for a receipt the candidate asked for.
        email=Case(When(deletion_reason__in=RECEIPT_REASONS, then=F("email")), default=Value("")),
        language=Case(
            When(deletion_reason__in=RECEIPT_REASONS, then=F("language")), default=Value("")
        ),
        claimed_at=Value(now, output_field=DateTimeField()),
        event_sequence=F("event_sequence"),
    )
    if claimed < size:
        own = [batch_id, run.retry_later] + ([in_flight.batch_id] if in_flight else [])
        abandoned = PurgeClaim.objects.exclude(batch__in=own).select_for_update(skip_locked=True)
        claimed += PurgeClaim.objects.filter(
            pk__in=abandoned.values("pk")[: size - claimed]
        ).update(batch=batch_id)
    if not claimed:
        return None
    claims = PurgeClaim.objects.filter(batch=batch_id)
    Application.objects.filter(pk__in=claims.values("pk")).delete_with_dependents()
    return Batch(batch_id=batch_id, keys=list(claims.values_list("cv", flat=True)))


@dataclass(frozen=True)
class Ledgered:
    """A batch's claims, locked and written to the erasure ledger: (public_id,
    opening_id, reason, due_at, cv key) each."""

    rows: list[tuple]
    sequence: int | None = None
    deleted_at: datetime | None = None


def _write_ledger(
    *, batch: Batch, run: Run, failed_keys: set[str], summary: PurgeSummary, confirm_on: Executor
) -> Ledgered:
    """Step 3, first half, in the transaction that deletes the claims: lock the batch's
    claims whose files are gone and write them to the ledger.

    A claim whose file could not be deleted moves to the run's retry_later batch.
    """
    claims = PurgeClaim.objects.filter(batch=batch.batch_id)
    if failed_keys:
        summary.failed += claims.filter(cv__in=failed_keys).update(batch=run.retry_later)
    locked = list(
        claims.select_for_update().values_list("public_id", "opening_id", "reason", "due_at", "cv")
    )
    if not locked:
        return Ledgered(rows=[])
    deleted_at = timezone.now()
    sequence = ledger.append(
        batch=batch.batch_id,
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
        confirm_on=confirm_on,
    )
    return Ledgered(rows=locked, sequence=sequence, deleted_at=deleted_at)


def _write_tombstones(*, batch: Batch, ledgered: Ledgered, summary: PurgeSummary) -> None:
    """Step 3, second half: one tombstone for each ledgered claim, the statistics and
    the receipts, then delete the claims, in a fixed number of statements: no Python
    object per row."""
    if not ledgered.rows:
        return
    deleted_at, sequence = ledgered.deleted_at, ledgered.sequence
    claims = PurgeClaim.objects.filter(batch=batch.batch_id)
    insert_from_select(
        into=DeletionRecord,
        rows=claims,
        public_id=F("public_id"),
        opening=F("opening_id"),
        kind=Case(
            When(opening__isnull=True, then=Value(DeletionRecord.Kind.SPONTANEOUS)),
            default=Value(DeletionRecord.Kind.OPENING),
        ),
        reason=F("reason"),
        due_at=F("due_at"),
        deleted_at=Value(deleted_at, output_field=DateTimeField()),
        files_deleted=Case(When(cv="", then=Value(0)), default=Value(1)),
        ledger_object=Value(sequence, output_field=IntegerField()),
    )
    count_deleted(claims=claims)
    asked = [reason for _, _, reason, _, _ in ledgered.rows if reason in RECEIPT_REASONS]
    if asked and app_settings.SEND_ERASURE_RECEIPTS:  # the outbox the worker drains
        insert_from_select(
            into=ErasureReceipt,
            rows=claims.filter(reason__in=RECEIPT_REASONS),
            email=F("email"),
            language=F("language"),
            reason=F("reason"),
            opening_title=Coalesce(F("opening__title"), Value("")),
            deleted_at=Value(deleted_at, output_field=DateTimeField()),
        )
    queue_deletion_events(claims=claims, deleted_at=deleted_at)  # every copy goes too
    claims.delete()
    summary.deleted.update(reason for _, _, reason, _, _ in ledgered.rows)
    summary.files_deleted += sum(1 for *_, key in ledgered.rows if key)


def request_purge() -> None:
    """Have the queue delete what is due as soon as this transaction commits. Robust:
    with the broker down, the failure is logged and the committed change stands; the
    scheduled purge deletes what is due on its next run."""
    transaction.on_commit(lambda: enqueue("ats.tasks.purge_due_applications"), robust=True)
