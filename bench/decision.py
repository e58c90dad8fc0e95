"""The hiring decision on an opening with 100, 10,000 and 100,000 applications on
PostgreSQL: statements issued and time of the decision itself, then time of the
worker's part (the batches it leaves); and, while both run, applications to another
opening sent through the service on a second connection: how many went in and the
longest any of them waited.

    .venv/bin/python bench/decision.py [--quick]
"""

import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common
from bench.applicant_list import prepare

SIZES = [100, 10_000, 100_000]
QUICK_SIZES = [100, 500]
TARGET_SECONDS = 1.0  # at 100,000


def apply_elsewhere(opening, stop: threading.Event, waits: list[float]) -> None:
    """Apply to `opening` again and again, each on this thread's own connection, until
    `stop`; each application's time into `waits`."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from ats.cv_checks import validate_cv
    from ats.services.applications import submit_application

    pdf = (common.ROOT / "ats" / "samples" / "cv-astrid-lindqvist.pdf").read_bytes()
    try:
        while not stop.is_set():
            cv = validate_cv(SimpleUploadedFile("cv.pdf", pdf, "application/pdf"))
            with common.stopwatch() as elapsed:
                submit_application(
                    opening=opening, name="Astrid Lindqvist", email=f"a{len(waits)}@example.se",
                    cv=cv, consent=False,
                )  # fmt: skip
            waits.append(elapsed["seconds"])
    finally:
        connection.close()


def main() -> None:
    args = common.arguments(__doc__.splitlines()[0])
    sizes = QUICK_SIZES if args.quick else SIZES
    common.create_database()
    common.setup_django(own_cv_folder=True)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ats.models import Application, Opening
    from ats.services.decisions import (
        SETTLE_BATCH,
        record_hiring_decision,
        settle_decided_applications,
    )

    rows, results = [], {}
    for n in sizes:
        opening, user = prepare(n)
        other = Opening.objects.create(title="Kock", slug="kock", status="published")
        hired = list(
            Application.objects.filter(opening=opening, stage="offer").values_list(
                "public_id", flat=True
            )[:3]
        )
        baseline = []  # applying alone, before the decision, for comparison
        stop = threading.Event()
        alone = threading.Thread(target=apply_elsewhere, args=(other, stop, baseline))
        alone.start()
        threading.Event().wait(1.0)
        stop.set()
        alone.join()
        during, stop = [], threading.Event()
        applying = threading.Thread(target=apply_elsewhere, args=(other, stop, during))
        applying.start()
        threading.Event().wait(0.2)  # it is applying when the decision starts
        started = len(during)
        with CaptureQueriesContext(connection) as queries, common.stopwatch() as elapsed:
            decision = record_hiring_decision(opening=opening, hired=hired, decided_by=user)
        with common.stopwatch() as worker:  # what the queued task does, here in turn
            settle_decided_applications(opening_id=opening.pk)
        ended = len(during)
        stop.set()
        applying.join()
        statements = len(queries)
        assert decision.applications == n
        assert (
            Application.objects.filter(opening=opening, delete_after=decision.delete_after).count()
            == n
        )
        longest = max(during[started : ended + 1])
        results[n] = {
            "statements": statements,
            "seconds": elapsed["seconds"],
            "worker_seconds": worker["seconds"],
            "applied_during": ended - started,
            "longest_wait_during": longest,
            "longest_wait_alone": max(baseline),
        }
        rows.append(
            [
                f"{n:,}", statements, f"{elapsed['seconds'] * 1000:.0f} ms",
                f"{worker['seconds'] * 1000:.0f} ms", ended - started,
                f"{longest * 1000:.0f} ms", f"{max(baseline) * 1000:.0f} ms",
            ]
        )  # fmt: skip
        print(rows[-1], flush=True)
    print(
        common.table(
            [
                "applications", "statements", "decision", "then the worker",
                "applied elsewhere meanwhile",
                "longest wait meanwhile", "longest wait alone",
            ],
            rows,
        )
    )  # fmt: skip
    # Past one batch the decision also queues the worker's task: one statement more.
    for batched in (False, True):
        counts = {results[n]["statements"] for n in sizes if (n > SETTLE_BATCH) == batched}
        if counts:
            kind = "more than one batch" if batched else "one batch"
            verdict = "constant" if len(counts) == 1 else "NOT constant"
            print(f"statements for {kind}: {sorted(counts)} ({verdict})")
    if not args.quick:
        met = results[sizes[-1]]["seconds"] < TARGET_SECONDS
        print(f"under {TARGET_SECONDS:.0f} s at {sizes[-1]:,}: {'yes' if met else 'NO'}")
    common.save("decision", {"machine": common.machine(), "quick": args.quick, "results": results})


if __name__ == "__main__":
    main()
