"""The purge and its ledger under real storage faults, injected by a proxy in front of
the local S3 server: a failing versioning check, a lost reply to a ledger write."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_q.models import Failure

from ats.models import Application, DeletionRecord, PurgeClaim
from ats.services.ledger import verify
from ats.services.purge import purge_due
from ats.storage import StorageUnavailable
from ats.storage.ledger import PREFIX
from tests.factories import ApplicationFactory
from tests.helpers import run_as_the_cluster, s3_options

pytestmark = pytest.mark.django_db


def versioning_check(method: str, path: str) -> bool:
    return method == "GET" and path.endswith("?versioning")


def test_an_unknown_versioning_state_deletes_nothing_and_the_next_run_deletes_every_version(
    versioned_bucket, s3_faults, s3_cv_files
):
    client, bucket = versioned_bucket
    due = ApplicationFactory(consented=True, delete_after=timezone.now())
    object_key = f"{s3_cv_files.location}/{due.cv.name}"
    client.put_object(Bucket=bucket, Key=object_key, Body=b"%PDF-1.7 second version")
    s3_faults.fail(versioning_check)  # GetBucketVersioning answers 503, however often asked

    summary = purge_due()

    assert summary.deleted.total() == 0 and summary.failed == 1
    assert not DeletionRecord.objects.exists()
    assert PurgeClaim.objects.get().public_id == due.public_id  # claimed, retried
    assert not Application.objects.exists()  # and gone from every page meanwhile
    versions = client.list_object_versions(Bucket=bucket, Prefix=object_key)
    assert len(versions["Versions"]) == 2 and "DeleteMarkers" not in versions

    s3_faults.rules.clear()  # S3 answers again
    assert purge_due().deleted.total() == 1
    versions = client.list_object_versions(Bucket=bucket, Prefix=object_key)
    assert "Versions" not in versions and "DeleteMarkers" not in versions
    assert DeletionRecord.objects.get().public_id == due.public_id


def test_verify_finds_an_old_version_left_in_a_versioned_bucket(
    versioned_bucket, s3_cv_files, django_capture_on_commit_callbacks
):
    client, bucket = versioned_bucket
    due = ApplicationFactory(consented=True, delete_after=timezone.now())
    object_key = f"{s3_cv_files.location}/{due.cv.name}"
    with django_capture_on_commit_callbacks(execute=True):
        purge_due()
    assert verify().clean

    # A version left behind, as a delete without version ids leaves one: the key itself
    # answers 404, its older version is still there.
    client.put_object(Bucket=bucket, Key=object_key, Body=b"%PDF-1.7")
    client.delete_object(Bucket=bucket, Key=object_key)
    assert s3_cv_files.remaining() == []
    report = verify()
    assert report.files == [due.cv.name] and not report.clean


def ledger_write(method: str, path: str) -> bool:
    return method == "PUT" and f"/{PREFIX}" in path and path.endswith(".json")


def test_a_ledger_write_whose_reply_was_lost_is_written_once(
    s3_faults, s3_cv_files, django_capture_on_commit_callbacks
):
    due = ApplicationFactory.create_batch(2, consented=True, delete_after=timezone.now())
    s3_faults.drop_reply(ledger_write)  # the PUT lands; its reply is lost; the client retries

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_due().deleted.total() == 2

    assert [m for m, p in s3_faults.seen if ledger_write(m, p)] == ["PUT", "PUT"]
    batches = [k for k in s3_cv_files.remaining(prefix=PREFIX) if k.endswith(".json")]
    assert batches == [f"{PREFIX}000000000001.json"]
    [entries] = [json.loads(s3_cv_files.read(key))["entries"] for key in batches]
    assert sorted(item["public_id"] for item in entries) == sorted(str(a.public_id) for a in due)
    report = verify()
    assert report.clean and (report.objects, report.entries) == (1, 2)


def s3_down_when_the_run_starts(settings, s3_faults) -> None:
    """The S3 server stops; the run starts after, in a process of its own: a client
    with no connection kept alive from before."""
    s3_faults.stop()
    s3_options(settings)


UNREACHABLE = (
    "The CV storage is unreachable (EndpointConnectionError): no application was deleted; "
    "the next run tries again."
)


def test_ats_purge_with_s3_unreachable_says_so_in_one_line_and_the_next_run_deletes(
    settings, s3_server, s3_faults
):
    due = ApplicationFactory(consented=True, delete_after=timezone.now())
    s3_down_when_the_run_starts(settings, s3_faults)

    with pytest.raises(CommandError) as stopped:
        call_command("ats_purge", stdout=StringIO())

    assert str(stopped.value) == UNREACHABLE  # one line, no traceback, no personal data
    assert list(Application.objects.all()) == [due] and not PurgeClaim.objects.exists()
    s3_options(settings, endpoint_url=s3_server[0])  # it answers again
    assert purge_due().deleted.total() == 1


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_purge_with_s3_unreachable_is_a_failed_task_that_says_why(
    settings, s3_faults
):
    ApplicationFactory(consented=True, delete_after=timezone.now())
    s3_down_when_the_run_starts(settings, s3_faults)
    run_as_the_cluster("ats.tasks.purge_due_applications")

    failed = Failure.objects.get()
    assert failed.result.splitlines()[0] == f"{UNREACHABLE} : Traceback (most recent call last):"
    assert "botocore" not in failed.result  # the cause is logged; the task says what it means
    assert Application.objects.count() == 1


def test_a_purge_whose_ledger_write_fails_midway_says_how_far_it_got(s3_faults):
    ApplicationFactory.create_batch(2, consented=True, delete_after=timezone.now())
    s3_faults.fail(lambda method, path: ledger_write(method, path) and "000000000002" in path)

    with pytest.raises(StorageUnavailable) as stopped:
        purge_due(batch_size=1)

    assert str(stopped.value) == (
        "The CV storage is unreachable (ServiceUnavailable): 1 application(s) deleted, "
        "the rest is left for the next run."
    )
    assert DeletionRecord.objects.count() == 1 and PurgeClaim.objects.count() == 1
    s3_faults.rules.clear()
    assert purge_due().deleted.total() == 1
    assert verify().clean
