"""The operator's commands: ats_purge, ats_sweep_storage, ats_retention_report."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from ats.models import Application, DeletionRecord
from tests.factories import ApplicationFactory
from tests.helpers import run

pytestmark = pytest.mark.django_db


def test_purge_deletes_a_due_application_with_its_cv_on_s3(s3_cv_files):
    application = ApplicationFactory(consented=True, delete_after=timezone.now())
    assert s3_cv_files.remaining() == [application.cv.name]

    output = run("ats_purge")

    assert "Deleted: 1 application(s)" in output and "consent_expired: 1" in output
    assert not Application.objects.exists()
    assert s3_cv_files.remaining() == []
    assert DeletionRecord.objects.get().public_id == application.public_id


def test_purge_dry_run_deletes_nothing(cv_files):
    ApplicationFactory(consented=True, delete_after=timezone.now())
    ApplicationFactory(consented=True, delete_after=timezone.now(), hold_reason="Tvist")

    output = run("ats_purge", "--dry-run")

    assert "Due now: 1 application(s)" in output and "Held (legal hold): 1" in output
    assert Application.objects.count() == 2
    assert len(cv_files.remaining()) == 2
    assert not DeletionRecord.objects.exists()


def test_sweep_dry_run_deletes_nothing(cv_files):
    cv_files.put("cv/orphan.pdf", b"%PDF-1.7")
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert "Orphan CV files older than the grace period: 1" in run(
            "ats_sweep_storage", "--dry-run"
        )
        assert cv_files.remaining() == ["cv/orphan.pdf"]
        assert "Orphan CV files deleted: 1" in run("ats_sweep_storage")
    assert cv_files.remaining() == []
