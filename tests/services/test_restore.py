"""Issue 29, point 8, with a real backup: pg_dump, the purge, pg_restore as an operator
runs it, and the scheduled purge before the operator's replay. tests/backups.py emulates
a restore on every database; this one is what PostgreSQL's own tools do (tables dropped
and created again, the stage-count triggers with them)."""

import json
import os
import subprocess
from collections import Counter

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.db.models.functions import Coalesce
from django_q.conf import Conf

from ats.models import Application, DeletionRecord, StageCount
from ats.services import candidate_rights
from ats.services.outbox import drain_outbox
from ats.services.purge import purge_due
from ats.storage.ledger import PREFIX
from tests.factories import ApplicationFactory, OpeningFactory
from tests.faults import needs_postgresql
from tests.helpers import run
from tests.mail import received_by


def postgres(program: str, *args: str) -> None:
    """Run pg_dump or pg_restore on the test database, with no connection of ours open:
    pg_restore --clean drops the tables, which an open session could hold up."""
    database = connection.settings_dict
    connections.close_all()  # Django reconnects at the next query
    reach = {"PGHOST": database["HOST"], "PGPORT": str(database["PORT"] or "")}
    reach |= {"PGUSER": database["USER"], "PGPASSWORD": database["PASSWORD"]}
    done = subprocess.run(
        [program, f"--dbname={database['NAME']}", *args],
        env=os.environ | {name: value for name, value in reach.items() if value},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr  # warnings are fine, errors are not


def ledgered_ids(files) -> Counter:
    """How often each application is listed in the ledger's batch objects."""
    objects = [json.loads(files.read(k)) for k in files.remaining(PREFIX) if k.endswith(".json")]
    return Counter(item["public_id"] for obj in objects for item in obj["entries"])


def stage_counts_agree() -> bool:
    """The counts the triggers keep match a fresh count of the rows."""
    by_triggers = {(c.opening_key, c.stage): c.applications for c in StageCount.objects.all()}
    rows = Application.objects.order_by().values_list(
        Coalesce("opening_id", StageCount.POOL), "stage"
    )
    fresh = {(o, s): n for o, s, n in rows.annotate(n=Count("pk"))}
    return {key: n for key, n in by_triggers.items() if n} == fresh


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_purge_between_pg_restore_and_the_replay_ledgers_and_tells_each_erasure_once(
    cv_files, smtp_server, monkeypatch, tmp_path
):
    # As in production, an erasure only queues the purge for the worker: the nightly
    # backup below falls between the candidates' requests and the purge.
    monkeypatch.setattr(Conf, "SYNC", False)
    opening = OpeningFactory()
    addresses = ["astrid@example.se", "bertil@example.se"]
    erased = [ApplicationFactory(opening=opening, email=address) for address in addresses]
    kept = ApplicationFactory(opening=opening)
    for application in erased:
        candidate_rights.request_erasure(application=application)
    kept_as_it_was = Application.objects.filter(pk=kept.pk).values().get()
    erased_ids = {str(application.public_id) for application in erased}
    backup = tmp_path / "ats.dump"
    postgres("pg_dump", "--format=custom", f"--file={backup}")

    purge_due()
    drain_outbox()
    assert received_by(smtp_server) == {address: 1 for address in addresses}
    assert cv_files.remaining() == [kept.cv.name]

    # The operator restores last night's backup. The CV storage is not part of it.
    postgres("pg_restore", "--clean", "--if-exists", "--no-owner", str(backup))
    back = Application.objects.values_list("public_id", flat=True)
    assert {str(public_id) for public_id in back} == erased_ids | {str(kept.public_id)}
    assert cv_files.remaining() == [kept.cv.name]

    summary = purge_due()  # the schedule's, before anyone thought of the replay

    assert list(Application.objects.values()) == [kept_as_it_was]
    # One deletion each, said once: in the ledger, in the tombstones, to the candidate.
    assert ledgered_ids(cv_files) == {public_id: 1 for public_id in erased_ids}
    tombstones = Counter(str(p) for p in DeletionRecord.objects.values_list("public_id", flat=True))
    assert tombstones == {public_id: 1 for public_id in erased_ids}
    assert (summary.restored, summary.deleted.total()) == (2, 0)  # deleted again, not anew
    assert stage_counts_agree()
    drain_outbox()
    assert received_by(smtp_server) == {address: 1 for address in addresses}

    # The operator's replay, afterwards, finds the work done; the ledger stays clean.
    replayed = run("ats_replay_erasures")
    assert "Deleted applications restored from a backup: 0" in replayed
    assert "Wrote missing tombstones: 0" in replayed
    assert "Wrote erasure receipts the restore lost: 0" in replayed
    verified = run("ats_verify_ledger")
    assert "DELETED TWICE" not in verified and "everything in it is gone" in verified
    assert stage_counts_agree()
