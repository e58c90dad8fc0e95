"""The storage sweep removes files no application references, and nothing else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ats.services.sweep import sweep_storage
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_old_orphans_go_and_everything_else_stays(stored_files):
    application = ApplicationFactory()
    stored_files.put("cv/left-by-a-rolled-back-upload.pdf", b"%PDF-1.7 orphan")
    stored_files.put("cv/2026/nested-orphan.docx", b"PK orphan")
    stored_files.put("ledger/0001.json", b"{}")  # not a CV: outside the sweep's prefix

    summary = sweep_storage(now=timezone.now() + timedelta(days=2))

    assert (summary.orphans, summary.deleted, summary.failed) == (2, 2, 0)
    assert stored_files.remaining(prefix="") == sorted([application.cv.name, "ledger/0001.json"])


def test_fresh_orphans_are_left_within_the_grace_period(stored_files, settings):
    stored_files.put("cv/upload-in-progress.pdf", b"%PDF-1.7")
    assert sweep_storage().orphans == 0
    settings.ATS_ORPHAN_GRACE = timedelta(hours=1)
    assert sweep_storage(now=timezone.now() + timedelta(hours=2)).deleted == 1
    assert stored_files.remaining() == []


def test_dry_run_counts_and_deletes_nothing(stored_files):
    stored_files.put("cv/orphan.pdf", b"%PDF-1.7")
    summary = sweep_storage(now=timezone.now() + timedelta(days=2), dry_run=True)
    assert (summary.orphans, summary.deleted) == (1, 0)
    assert stored_files.remaining() == ["cv/orphan.pdf"]


def test_empty_storage_is_fine(stored_files):
    assert sweep_storage(now=timezone.now() + timedelta(days=2)).orphans == 0
