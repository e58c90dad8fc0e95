"""The storage sweep: CV files that no application references, past a grace period.

They come from uploads whose row was never written (a rolled-back transaction, a
killed process); an upload killed while sending a large file in parts to S3 leaves
parts that no listing shows, dropped as well. The grace period keeps the sweep away
from an upload whose row is still being written.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .. import storage
from ..app_settings import app_settings
from ..models import Application


@dataclass
class SweepSummary:
    dry_run: bool
    orphans: int = 0
    deleted: int = 0
    failed: int = 0
    unfinished: int = 0  # uploads left in parts

    def as_text(self) -> str:
        if self.dry_run:
            text = f"Orphan CV files older than the grace period: {self.orphans} (none deleted)"
        else:
            text = f"Orphan CV files deleted: {self.deleted}; failed: {self.failed}"
        if self.unfinished:
            text += (
                f"; unfinished uploads {'found' if self.dry_run else 'dropped'}: {self.unfinished}"
            )
        return text


def sweep_storage(*, now: datetime | None = None, dry_run: bool = False) -> SweepSummary:
    now = now or timezone.now()
    cutoff = now - app_settings.ORPHAN_GRACE
    summary = SweepSummary(dry_run=dry_run)
    referenced = set(Application.objects.values_list("cv", flat=True).iterator())
    orphans: list[str] = []
    for key, modified in storage.list_cv_files():
        if key not in referenced and modified < cutoff:
            orphans.append(key)
            if len(orphans) == storage.DELETE_BATCH:
                _delete(orphans, summary)
                orphans = []
    _delete(orphans, summary)
    summary.unfinished = storage.drop_unfinished_cv_uploads(started_before=cutoff, dry_run=dry_run)
    return summary


def _delete(keys: list[str], summary: SweepSummary) -> None:
    summary.orphans += len(keys)
    if summary.dry_run or not keys:
        return
    failed = storage.delete_cv_files(keys)
    summary.deleted += len(keys) - len(failed)
    summary.failed += len(failed)
