"""The erasure ledger: every deletion the engine performs, written to the CV storage
(under ledger/), outside the database, before the rows go.

One object per purge batch, numbered, each holding the SHA-256 of the one before: a
chain in which a missing or altered object shows. Written ahead of the commit, an object
is only a deletion once its outcome is known, so each has an outcome object beside it:
- `NNN.json`: the batch, written in the transaction that deletes its rows;
- `NNN.committed`: written after that commit; or
- `NNN.void`: the batch never committed (its run was killed, its transaction failed).
A batch whose outcome was not written (a crash right after the commit) is settled from
the database by the next purge, replay or verification: its tombstones show it
committed; without them it is void, and the rows it lists are dated as it said, so the
purge deletes them again and ledgers them afresh. The ledger so says what was
deleted, once, and when.

After a database restore brings deleted applications back, the replay deletes those
of committed batches again; the verification walks the chain and checks that nothing it
lists is still there, and that every tombstone is in it. A purge that runs after a
restore and before the operator's replay replays first what the restored database does
not know of (`replay_restored`), so no deletion is ever ledgered twice.

Erasure receipts sent (or dropped) are marked in the CV storage too, beside the ledger
(services/receipt_marks.py), so that the replay never writes one again.
"""

import json
import logging
from collections import defaultdict
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When

from .. import storage
from ..models import (
    Application,
    DeletionRecord,
    ErasureReceipt,
    LedgerHead,
    Opening,
    PurgeClaim,
    before_its_date,
)
from ..selectors.propagation import Propagation, propagation
from ..storage import ledger as in_storage  # the ledger as the storage holds it
from .receipt_marks import drop_receipts_already_gone, lost_receipts, receipts_gone
from .report_counts import count_deleted, count_deleted_applications

logger = logging.getLogger(__name__)


def _write_outcome(sequence: int, kind: str, digest: str) -> None:
    body = json.dumps({"sequence": sequence, "sha256": digest}, sort_keys=True).encode()
    storage.create_exclusively(in_storage.key(sequence, kind), body)  # once; a rewrite: a no-op


def append(entries: list[dict], *, batch: UUID, written_at: datetime, confirm_on: Executor) -> int:
    """Write one ledger object with `entries`; returns its number. Call inside the
    transaction that writes the tombstones: the head row's lock keeps appends in order,
    and the object is confirmed on `confirm_on` once that transaction commits (the
    purge's file thread: not a request to the storage in its way)."""
    head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    sequence, previous = head.sequence, head.sha256
    while True:
        body = json.dumps(
            {
                "sequence": sequence + 1,
                "previous_sha256": previous,
                "written_at": written_at.isoformat(),
                "batch": str(batch),
                "entries": entries,
            },
            sort_keys=True,
        ).encode()
        try:
            if storage.create_exclusively(in_storage.key(sequence + 1), body):
                break
            # Taken: after a database restore the head is behind the storage, or a batch
            # that did not commit wrote it. Catch up.
            sequence += 1
            previous = in_storage.digest(storage.read(in_storage.key(sequence)))
        except storage.STORAGE_ERRORS as error:  # the batch rolls back; the next run
            raise storage.StorageUnavailable("The ledger could not be written") from error
    head.sequence, head.sha256 = sequence + 1, in_storage.digest(body)
    head.save(update_fields=["sequence", "sha256"])
    written, digest = head.sequence, head.sha256

    def confirm() -> None:
        try:
            _write_outcome(written, in_storage.COMMITTED, digest)
        except Exception:  # the batch stands; the next run settles it from its tombstones
            logger.warning("Ledger object %d not confirmed", written, exc_info=True)

    def confirm_once_committed() -> None:
        try:
            confirm_on.submit(confirm)
        except RuntimeError:  # shut down: the run ended inside a wider transaction
            confirm()

    transaction.on_commit(confirm_once_committed)
    return written


def entry(
    *,
    public_id: UUID,
    opening_id: int | None,
    reason: str,
    due_at: datetime,
    deleted_at: datetime,
    cv_key: str,
) -> dict:
    return {
        "public_id": str(public_id),
        "opening_id": opening_id,
        "reason": reason,
        "due_at": due_at.isoformat(),
        "deleted_at": deleted_at.isoformat(),
        "cv_key": cv_key,
    }


@transaction.atomic
def settle() -> int:
    """Give every batch object without an outcome its outcome, from the database; return
    how many were settled. Holds the head row's lock, so no batch is between its ledger
    write and its commit meanwhile."""
    head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    objects = in_storage.objects(after=head.settled)
    unsettled = [obj for obj in objects if not obj.outcomes]
    for obj in unsettled:
        if DeletionRecord.objects.filter(ledger_object=obj.sequence).exists():
            _write_outcome(obj.sequence, in_storage.COMMITTED, in_storage.digest(obj.body))
        else:
            _date_as_listed(obj.document["entries"])
            _write_outcome(obj.sequence, in_storage.VOID, in_storage.digest(obj.body))
    if objects:
        head.settled = max(head.settled, objects[-1].sequence)
        head.save(update_fields=["settled"])
    return len(unsettled)


def _date_as_listed(entries: list[dict]) -> None:
    """The rows of a void batch are still due when it said, for the reason it said: date
    any that a restore brought back with a later date or none. One statement."""
    if not entries:
        return
    due = {UUID(item["public_id"]): datetime.fromisoformat(item["due_at"]) for item in entries}
    reasons = {UUID(item["public_id"]): item["reason"] for item in entries}
    later = Q()
    for public_id, due_at in due.items():
        later |= Q(public_id=public_id) & before_its_date(due_at)
    Application.objects.filter(later).update(
        delete_after=Case(
            *(When(public_id=public_id, then=Value(at)) for public_id, at in due.items()),
            default=F("delete_after"),
            output_field=DateTimeField(),
        ),
        deletion_reason=Case(
            *(When(public_id=public_id, then=Value(r)) for public_id, r in reasons.items()),
            default=F("deletion_reason"),
        ),
    )


@dataclass
class Verification:
    objects: int = 0
    committed: int = 0
    void: int = 0
    entries: int = 0  # in committed objects: the deletions the ledger vouches for
    breaks: list[str] = field(default_factory=list)  # gaps and edits in the chain
    live: list[str] = field(default_factory=list)  # ledgered, yet still in the database
    files: list[str] = field(default_factory=list)  # ledgered, yet still in the storage
    twice: list[str] = field(default_factory=list)  # ledgered more than once, unexplained
    # Ledgered again by a purge that ran after a database restore and before the replay
    # (as purges before replay_restored did): one deletion, carried out again. Not a
    # problem: shown, not failed.
    again: list[str] = field(default_factory=list)
    unledgered: list[str] = field(default_factory=list)  # tombstones the ledger lacks
    # Whether the connected systems acknowledged each deletion: not a ledger problem,
    # but what is left to chase.
    propagation: list[Propagation] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.breaks or self.live or self.files or self.twice or self.unledgered)

    def as_text(self) -> str:
        lines = [
            f"Ledger objects: {self.objects} ({self.committed} committed, {self.void} void), "
            f"entries: {self.entries}"
        ]
        lines += [f"BREAK: {problem}" for problem in self.breaks]
        lines += [f"STILL IN THE DATABASE: {public_id}" for public_id in self.live]
        lines += [f"FILE STILL STORED: {key}" for key in self.files]
        lines += [f"DELETED TWICE IN THE LEDGER: {public_id}" for public_id in self.twice]
        lines += [
            f"Deleted again after a database restore (not a problem): {public_id}"
            for public_id in self.again
        ]
        lines += [f"TOMBSTONE NOT IN THE LEDGER: {public_id}" for public_id in self.unledgered]
        for told in self.propagation:
            lines.append(
                f"Webhook {told.subscription}: {told.acknowledged} deletions acknowledged, "
                f"{len(told.waiting)} not yet"
            )
            lines += [f"NOT YET ACKNOWLEDGED by {told.subscription}: {p}" for p in told.waiting]
        lines.append(
            "The ledger is intact and everything in it is gone."
            if self.clean
            else "The ledger shows problems: see above."
        )
        return "\n".join(lines)


def verify() -> Verification:
    """Walk the chain, then check its committed entries against the database and the
    storage (every version, in a versioned bucket), and the tombstones against it."""
    settle()
    report, previous, expected = Verification(), "", 1
    entries: list[tuple[int, dict]] = []
    for obj in in_storage.objects():
        report.objects += 1
        document = obj.document
        if obj.sequence != expected:
            report.breaks.append(f"object {expected:012d} is missing (next is {obj.sequence:012d})")
        elif document.get("previous_sha256") != previous:
            report.breaks.append(f"object {obj.sequence:012d} does not follow its predecessor")
        if document.get("sequence") != obj.sequence:
            report.breaks.append(
                f"object {obj.sequence:012d} names itself {document.get('sequence')}"
            )
        if len(obj.outcomes) > 1:
            report.breaks.append(f"object {obj.sequence:012d} is both committed and void")
        report.committed += obj.committed
        report.void += obj.outcomes == {in_storage.VOID}
        previous, expected = in_storage.digest(obj.body), obj.sequence + 1
        if obj.committed:
            entries += [(obj.sequence, item) for item in document.get("entries", [])]
    report.entries = len(entries)
    listings: dict[str, list[int]] = defaultdict(list)  # each deletion's objects, in order
    for number, item in entries:
        listings[item["public_id"]].append(number)
    report.twice, report.again = _repeated(listings)
    report.live = sorted(
        str(public_id)
        for rows in (Application.objects, PurgeClaim.objects)  # a restored claim, too
        for public_id in rows.filter(public_id__in=list(listings)).values_list(
            "public_id", flat=True
        )
    )
    report.files = sorted(storage.still_stored([i["cv_key"] for _, i in entries if i["cv_key"]]))
    ledgered = {(UUID(item["public_id"]), number) for number, item in entries}
    report.unledgered = sorted(
        str(public_id)
        for public_id, number in DeletionRecord.objects.filter(
            ledger_object__isnull=False
        ).values_list("public_id", "ledger_object")
        if (public_id, number) not in ledgered
    )
    report.propagation = propagation()
    return report


def _repeated(listings: dict[str, list[int]]) -> tuple[list[str], list[str]]:
    """The deletions listed more than once: those no restore explains, and those a
    purge ledgered again after a restore.

    A restore leaves one trace in the database: the tombstones written after its backup
    are gone. A purge that found such a row back (before replay_restored) deleted it as
    new, ledgered it again and wrote a tombstone that cites the later object. So a
    deletion listed in objects of their own whose tombstone cites the last of them was
    carried out again after a restore; a repeat within one object, or while the
    database held the tombstone of the first listing, was not.
    """
    repeated = {public_id: numbers for public_id, numbers in listings.items() if len(numbers) > 1}
    cited = dict(
        DeletionRecord.objects.filter(public_id__in=list(repeated)).values_list(
            "public_id", "ledger_object"
        )
    )
    twice, again = [], []
    for public_id, numbers in sorted(repeated.items()):
        restored = len(set(numbers)) == len(numbers) and cited.get(UUID(public_id)) == numbers[-1]
        (again if restored else twice).append(public_id)
    return twice, again


@dataclass
class Replay:
    dry_run: bool
    entries: int = 0
    applications: int = 0  # back from a restore, deleted again
    files: int = 0
    tombstones: int = 0  # written because the restored database lacked them
    receipts: int = 0  # erasure receipts the restore lost before they went: written again

    def as_text(self) -> str:
        verb = "Would delete" if self.dry_run else "Deleted"
        write = "Would write" if self.dry_run else "Wrote"
        return (
            f"Ledger entries read: {self.entries}\n"
            f"{verb} applications restored from a backup: {self.applications}\n"
            f"{verb} their CV files: {self.files}\n"
            f"{write} missing tombstones: {self.tombstones}\n"
            f"{write} erasure receipts the restore lost: {self.receipts}"
        )


def replay(*, dry_run: bool = False) -> Replay:
    """Delete again whatever committed batches list and the database (after a restore)
    holds, and write what the restore lost: tombstones, statistics, and the erasure
    receipts that had not gone. Idempotent: a second replay finds nothing to do."""
    report = Replay(dry_run=dry_run)
    if not dry_run:
        settle()
    gone = receipts_gone()
    for obj in in_storage.objects():
        if obj.committed and (entries := obj.document.get("entries", [])):
            report.entries += len(entries)
            _replay_object(obj.sequence, entries, report, gone=gone)
    if not dry_run:
        drop_receipts_already_gone(gone)
    return report


def replay_restored() -> Replay:
    """The purge's first step, after settle(): bring the head up to the last object in
    the storage, replaying on the way each committed object the database does not know
    of. Returns what was deleted again.

    The head row is written in the transaction that commits a batch, so in the database
    that committed it the head is never behind a committed object. One numbered past the
    head was committed by a database that this one was restored from a backup of: the
    rows and claims it lists are back, and are deleted again here as the replay deletes
    them, never claimed, so the purge ledgers no deletion twice, whether the backup was
    taken before the purge or in the middle of it.

    Its cost is one listing of the ledger past the head per run. Objects are read only
    when there are some: after a restore, or once for a killed run's void object (which
    append() read before). The head moves one object at a time, under its lock: a run
    that dies halfway is finished by the next, and two runs never replay one object.
    """
    report = Replay(dry_run=False)
    head, _ = LedgerHead.objects.get_or_create(pk=1)
    objects = in_storage.objects(after=head.sequence)
    gone = receipts_gone() if any(obj.committed for obj in objects) else set()
    for obj in objects:
        with transaction.atomic():
            head = LedgerHead.objects.select_for_update().get(pk=1)
            if head.sequence >= obj.sequence:  # another run is past it
                continue
            if obj.committed and (entries := obj.document.get("entries", [])):
                report.entries += len(entries)
                _replay_object(obj.sequence, entries, report, gone=gone, ask_storage=False)
            head.sequence, head.sha256 = obj.sequence, in_storage.digest(obj.body)
            head.save(update_fields=["sequence", "sha256"])
    if report.entries:
        drop_receipts_already_gone(gone)
    if report.applications:
        logger.warning(
            "The database was restored: %d application(s) in the erasure ledger deleted again",
            report.applications,
        )
    return report


@transaction.atomic
def _replay_object(
    number: int, entries: list[dict], report: Replay, *, gone: set[str], ask_storage: bool = True
) -> None:
    """Delete again what one committed object lists and the database holds, with the
    files, and write what the restore lost. `ask_storage`: count the files still stored
    first (one request per file), for the operator's report; the purge deletes them all
    without asking (DeleteObjects, a key already gone counts as deleted)."""
    if not report.dry_run:  # one replay of an object at a time, and no batch meanwhile
        LedgerHead.objects.select_for_update().get_or_create(pk=1)
    by_id = {UUID(item["public_id"]): item for item in entries}
    back = Application.objects.filter(public_id__in=by_id)
    claims = PurgeClaim.objects.filter(public_id__in=by_id)  # a backup taken mid-purge
    keys = [item["cv_key"] for item in entries if item["cv_key"]]
    if ask_storage:
        keys = sorted(storage.still_stored(keys))
    tombstoned = set(
        DeletionRecord.objects.filter(public_id__in=by_id).values_list("public_id", flat=True)
    )
    missing = [public_id for public_id in by_id if public_id not in tombstoned]
    openings = set(
        Opening.objects.filter(pk__in=[i["opening_id"] for i in entries]).values_list(
            "pk", flat=True
        )
    )
    receipts = lost_receipts(by_id, found=(back, claims), gone=gone)
    report.applications += back.count() + claims.count()
    report.files += len(keys)
    report.tombstones += len(missing)
    report.receipts += len(receipts)
    if report.dry_run:
        return
    storage.delete_cv_files(keys)
    DeletionRecord.objects.bulk_create(
        DeletionRecord(
            public_id=public_id,
            opening_id=by_id[public_id]["opening_id"]
            if by_id[public_id]["opening_id"] in openings
            else None,
            kind=DeletionRecord.Kind.OPENING
            if by_id[public_id]["opening_id"]
            else DeletionRecord.Kind.SPONTANEOUS,
            reason=by_id[public_id]["reason"],
            due_at=datetime.fromisoformat(by_id[public_id]["due_at"]),
            deleted_at=datetime.fromisoformat(by_id[public_id]["deleted_at"]),
            files_deleted=1 if by_id[public_id]["cv_key"] else 0,
            ledger_object=number,
        )
        for public_id in missing
    )
    ErasureReceipt.objects.bulk_create(receipts)
    # Their deletions' counts went with the restore, too.
    count_deleted_applications(applications=back)
    count_deleted(claims=claims)
    back.delete_with_dependents()
    claims.delete()
