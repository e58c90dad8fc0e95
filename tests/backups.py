"""A database backup and its restore, for the tables the purge and the erasure ledger
write: what pg_dump and pg_restore do to them, on SQLite and PostgreSQL alike. The CV
storage (CVs and the ledger) is not part of it: a database restore leaves it as it is."""

from django.core import serializers
from django.db import connection

from ats.models import (
    Application,
    ArrivalCount,
    DeletionRecord,
    ErasureReceipt,
    LedgerHead,
    Note,
    PurgeClaim,
    ReportCount,
    StageChange,
)

# In the order a restore writes them back: an application before its notes.
TABLES = [
    LedgerHead,
    Application,
    Note,
    StageChange,
    PurgeClaim,
    DeletionRecord,
    ArrivalCount,
    ReportCount,
    ErasureReceipt,
]


def dump() -> str:
    return serializers.serialize("json", [row for model in TABLES for row in model.objects.all()])


def restore(backup: str) -> None:
    """Every table as the backup has it: what was written since is gone, what was
    deleted since is back. Plain SQL, as pg_restore: no model's signals."""
    Application.objects.all().delete_with_dependents()
    with connection.cursor() as cursor:
        for model in reversed(TABLES):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    for row in serializers.deserialize("json", backup):
        row.save()
