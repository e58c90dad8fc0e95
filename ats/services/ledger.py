"""The erasure ledger: every deletion the engine performs, written to the CV storage
(under ledger/), outside the database, before the rows go.

One object per purge batch, numbered, each holding the SHA-256 of the one before: a
chain in which a missing or altered object shows. After a database restore brings
deleted applications back, the replay deletes them again; the verification walks the
chain and checks that nothing it lists is still there.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.db import transaction

from .. import storage
from ..models import Application, DeletionRecord, LedgerHead, Note, Opening, StageChange

PREFIX = "ledger/"


def _key(sequence: int) -> str:
    return f"{PREFIX}{sequence:012d}.json"


def _read(sequence: int) -> bytes:
    with storage.cv_storage.open(_key(sequence), "rb") as handle:
        return handle.read()


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def append(entries: list[dict], *, written_at: datetime) -> int:
    """Write one ledger object with `entries`; returns its number. Call inside the
    transaction that deletes the rows: the head row's lock keeps appends in order."""
    head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    sequence, previous = head.sequence, head.sha256
    while True:
        body = json.dumps(
            {
                "sequence": sequence + 1,
                "previous_sha256": previous,
                "written_at": written_at.isoformat(),
                "entries": entries,
            },
            sort_keys=True,
        ).encode()
        if storage.create_exclusively(_key(sequence + 1), body):
            break
        # Taken: after a database restore the head is behind the storage. Catch up.
        sequence += 1
        previous = _digest(_read(sequence))
    head.sequence, head.sha256 = sequence + 1, _digest(body)
    head.save(update_fields=["sequence", "sha256"])
    return head.sequence


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


def _objects() -> list[tuple[int, bytes]]:
    """Every ledger object in the storage, in order."""
    if not storage.cv_storage.exists(PREFIX):
        return []
    _, names = storage.cv_storage.listdir(PREFIX)
    numbers = sorted(int(name.removesuffix(".json")) for name in names if name.endswith(".json"))
    return [(number, _read(number)) for number in numbers]


@dataclass
class Verification:
    objects: int = 0
    entries: int = 0
    breaks: list[str] = field(default_factory=list)  # gaps and edits in the chain
    live: list[str] = field(default_factory=list)  # ledgered, yet still in the database
    files: list[str] = field(default_factory=list)  # ledgered, yet still in the storage

    @property
    def clean(self) -> bool:
        return not (self.breaks or self.live or self.files)

    def as_text(self) -> str:
        lines = [f"Ledger objects: {self.objects}, entries: {self.entries}"]
        lines += [f"BREAK: {problem}" for problem in self.breaks]
        lines += [f"STILL IN THE DATABASE: {public_id}" for public_id in self.live]
        lines += [f"FILE STILL STORED: {key}" for key in self.files]
        lines.append(
            "The ledger is intact and everything in it is gone."
            if self.clean
            else "The ledger shows problems: see above."
        )
        return "\n".join(lines)


def verify() -> Verification:
    report, previous, expected = Verification(), "", 1
    entries = []
    for number, body in _objects():
        report.objects += 1
        document = json.loads(body)
        if number != expected:
            report.breaks.append(f"object {expected:012d} is missing (next is {number:012d})")
        elif document.get("previous_sha256") != previous:
            report.breaks.append(f"object {number:012d} does not follow its predecessor")
        if document.get("sequence") != number:
            report.breaks.append(f"object {number:012d} names itself {document.get('sequence')}")
        previous, expected = _digest(body), number + 1
        entries += document.get("entries", [])
    report.entries = len(entries)
    ids = [item["public_id"] for item in entries]
    report.live = sorted(
        str(public_id)
        for public_id in Application.objects.filter(public_id__in=ids).values_list(
            "public_id", flat=True
        )
    )
    report.files = sorted(
        item["cv_key"]
        for item in entries
        if item["cv_key"] and storage.cv_storage.exists(item["cv_key"])
    )
    return report


@dataclass
class Replay:
    dry_run: bool
    entries: int = 0
    applications: int = 0  # back from a restore, deleted again
    files: int = 0
    tombstones: int = 0  # written because the restored database lacked them

    def as_text(self) -> str:
        verb = "Would delete" if self.dry_run else "Deleted"
        return (
            f"Ledger entries read: {self.entries}\n"
            f"{verb} applications restored from a backup: {self.applications}\n"
            f"{verb} their CV files: {self.files}\n"
            f"{'Would write' if self.dry_run else 'Wrote'} missing tombstones: {self.tombstones}"
        )


def replay(*, dry_run: bool = False) -> Replay:
    """Delete again whatever the ledger lists and the database (after a restore) holds.
    Idempotent: a second replay finds nothing to do."""
    report = Replay(dry_run=dry_run)
    for number, body in _objects():
        entries = json.loads(body)["entries"]
        report.entries += len(entries)
        _replay_object(number, entries, report)
    return report


@transaction.atomic
def _replay_object(number: int, entries: list[dict], report: Replay) -> None:
    by_id = {UUID(item["public_id"]): item for item in entries}
    back = Application.objects.filter(public_id__in=by_id)
    keys = [
        item["cv_key"]
        for item in entries
        if item["cv_key"] and storage.cv_storage.exists(item["cv_key"])
    ]
    tombstoned = set(
        DeletionRecord.objects.filter(public_id__in=by_id).values_list("public_id", flat=True)
    )
    missing = [public_id for public_id in by_id if public_id not in tombstoned]
    openings = set(
        Opening.objects.filter(pk__in=[i["opening_id"] for i in entries]).values_list(
            "pk", flat=True
        )
    )
    report.applications += back.count()
    report.files += len(keys)
    report.tombstones += len(missing)
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
    Note.objects.filter(application__in=back).delete()
    StageChange.objects.filter(application__in=back).delete()
    back.delete()


def find(*, sequence: int, public_id: UUID) -> tuple[dict, str] | None:
    """The entry for `public_id` in ledger object `sequence`, and that object's SHA-256."""
    if not storage.cv_storage.exists(_key(sequence)):
        return None
    body = _read(sequence)
    for item in json.loads(body)["entries"]:
        if item["public_id"] == str(public_id):
            return item, _digest(body)
    return None
