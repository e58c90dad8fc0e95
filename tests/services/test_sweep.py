"""The storage sweep removes files no application references, and nothing else."""

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from ats.services.sweep import sweep_storage
from tests.factories import ApplicationFactory
from tests.helpers import ROOT, S3_BUCKET

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


# Stores a CV large enough for boto3 to send in parts, and is killed once S3 has the
# first: the parts stay, in no listing of the bucket's files.
KILLED_UPLOAD = """
import json, os, signal, sys
import django
django.setup()
from django.conf import settings
from django.core.files.base import ContentFile
from django.test.utils import override_settings
from ats import storage
with override_settings(STORAGES={**settings.STORAGES, "ats_cv": json.loads(sys.argv[1])}):
    client = storage.cv_backend().connection.meta.client
    client.meta.events.register(
        "after-call.s3.UploadPart", lambda **kwargs: os.kill(os.getpid(), signal.SIGKILL)
    )
    storage.save_cv(ContentFile(b"Astrid Lindqvist 070-123 45 67\\n" * 300_000), extension=".pdf")
"""


@pytest.mark.slow  # an upload process, killed for real
def test_the_parts_of_an_upload_killed_midway_go_after_the_grace_period(
    s3_server, s3_cv_files, settings
):
    _, client = s3_server
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_UPLOAD, json.dumps(settings.STORAGES["ats_cv"])],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)},
        capture_output=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]

    def unfinished() -> list[str]:
        uploads = client.list_multipart_uploads(Bucket=S3_BUCKET).get("Uploads", [])
        return [u["Key"] for u in uploads if u["Key"].startswith(s3_cv_files.location)]

    assert len(unfinished()) == 1 and s3_cv_files.remaining() == []  # held, unlisted
    # One begun within the grace period may still be on its way (moto dates every
    # upload 10 November 2010: a sweep just after it leaves it).
    assert sweep_storage(now=datetime(2010, 11, 11, tzinfo=UTC)).unfinished == 0
    assert sweep_storage(now=timezone.now(), dry_run=True).unfinished == 1
    summary = sweep_storage(now=timezone.now())

    assert summary.unfinished == 1 and unfinished() == []
    assert summary.as_text().endswith("unfinished uploads dropped: 1")


def test_a_policy_that_may_not_list_unfinished_uploads_leaves_the_sweep_whole(
    s3_faults, s3_cv_files, caplog
):
    s3_cv_files.put("cv/left-by-a-rolled-back-upload.pdf", b"%PDF-1.7 orphan")
    s3_faults.fail(lambda method, path: method == "GET" and "uploads" in path)  # refused

    summary = sweep_storage(now=timezone.now() + timedelta(days=2))

    assert (summary.deleted, summary.failed, summary.unfinished) == (1, 0, 0)
    assert s3_cv_files.remaining() == []
    assert "S3 did not list the unfinished uploads: ServiceUnavailable" in caplog.text
