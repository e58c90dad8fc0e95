"""The erasure ledger as it is stored (services/ledger.py writes it): where its
objects live in the CV storage, and how they are read. Reading only, for the services
and for the pages that cite an entry (a deletion certificate)."""

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from uuid import UUID

from .. import storage

PREFIX = "ledger/"
BATCH, COMMITTED, VOID = "json", "committed", "void"


def key(sequence: int, kind: str = BATCH) -> str:
    return f"{PREFIX}{sequence:012d}.{kind}"


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class LedgerObject:
    sequence: int
    outcomes: frozenset[str]  # COMMITTED, VOID, neither (unsettled) or, broken, both

    @cached_property
    def body(self) -> bytes:
        return storage.read(key(self.sequence))

    @cached_property
    def document(self) -> dict:
        return json.loads(self.body)

    @property
    def committed(self) -> bool:
        return self.outcomes == {COMMITTED}


def objects(*, after: int = 0) -> list[LedgerObject]:
    """The ledger's batch objects numbered above `after`, in order, with their outcomes:
    one listing of the storage, the same on every backend."""
    start = f"{PREFIX}{after:012d}~" if after else ""  # "~" sorts after ".json" and the rest
    kinds: dict[int, set[str]] = {}
    for key, _ in storage.list_files(PREFIX, after=start):
        number, _, kind = key.removeprefix(PREFIX).partition(".")
        if number.isdigit() and kind in (BATCH, COMMITTED, VOID):
            kinds.setdefault(int(number), set()).add(kind)
    return [
        LedgerObject(number, frozenset(found - {BATCH}))
        for number, found in sorted(kinds.items())
        if BATCH in found
    ]


def find(*, sequence: int, public_id: UUID) -> tuple[dict, str] | None:
    """The entry for `public_id` in ledger object `sequence`, and that object's SHA-256."""
    if not storage.cv_storage.exists(key(sequence)):  # a real key: one HEAD on S3
        return None
    body = storage.read(key(sequence))
    for item in json.loads(body)["entries"]:
        if item["public_id"] == str(public_id):
            return item, digest(body)
    return None
