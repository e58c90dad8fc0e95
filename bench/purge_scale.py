"""The purge at scale: 10,000 and 200,000 due applications (their CVs on the local S3
server) in a table that holds 1,000,000, against the floor (raw DeleteObjects plus one
SQL DELETE), with each run's peak memory; then candidates applying through gunicorn
(2 workers, 4 clients) while the engine purges 200,000: their rate against the same
load without the purge, and the longest any application waited; and the same while
the floor purges, for what this machine leaves them beside the least a purge does.

    .venv/bin/python bench/purge_scale.py [--quick]
"""

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common, purge
from bench.apply import CLIENTS, Candidate, forget_stored_files, pdf

TABLE = 1_000_000
SIZES = [10_000, 200_000]
QUICK_TABLE, QUICK_SIZES = 20_000, [1_000, 5_000]
OPENINGS = 200
ALONE_SECONDS = 10


def fill_living(count: int) -> None:
    """The applications that stay: over OPENINGS openings, none of them due. Inserted
    once; each run's due rows come and go beside them."""
    from ats.models import Opening

    common.reset_tables()
    openings = [
        Opening.objects.create(title=f"Tjänst {n}", slug=f"tjanst-{n}", status="published")
        for n in range(OPENINGS)
    ]
    first_id = openings[0].pk
    common.insert_applications(
        count,
        opening=f"{first_id} + i %% {OPENINGS}",
        cv="'cv/living-' || i || '.pdf'",
        submitted_at="now() - (i %% 500 || ' days')::interval",
        stage="'new'",
        consent_given_at="NULL",
        delete_after="NULL",
        deletion_reason="''",
        first=10_000_000,
    )


def prepare_due(n: int) -> None:
    """N due spontaneous applications and their files, beside the living ones; the
    tombstones of the previous run are cleared. Then vacuumed, as autovacuum would
    have done long before they fell due: otherwise it works through the rows just
    inserted (or the previous run's deleted ones) while the next run is measured, and
    the engine, always measured first, paid for it. And a checkpoint, so that every run
    starts as far from the next one: a checkpoint during a run makes it write whole
    pages to the log again."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE ats_deletionrecord")
    purge.prepare(n, beside_others=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")


def start_variant(variant: str, n: int, endpoint: str) -> subprocess.Popen:
    prepare_due(n)
    return launch(variant, endpoint)


def launch(variant: str, endpoint: str) -> subprocess.Popen:
    """The run in a process of its own, returned once it has begun deleting."""
    child = subprocess.Popen(
        [sys.executable, purge.__file__, "--child", variant, endpoint],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "BENCH_DATABASE_URL": common.DATABASE_URL},
    )
    assert child.stdout.readline().strip() == "deleting", variant
    return child


def finish(variant: str, n: int, child: subprocess.Popen, endpoint: str, stay: int) -> dict:
    """The run's result, once it has deleted every due row and file and nothing else."""
    from ats.models import Application, DeletionRecord

    output, _ = child.communicate()
    assert child.returncode == 0, variant
    result = json.loads(output.strip().splitlines()[-1])
    assert Application.objects.count() == stay, (variant, n)
    assert purge.remaining_objects(endpoint) == 0, (variant, n)
    assert DeletionRecord.objects.count() == (0 if variant == "floor" else n)
    return result


class Applying:
    """CLIENTS candidates applying one application after another, from a process of
    their own (not this one, whose threads serve the local S3 server), until the block
    ends: when each application was sent and how long it waited for its answer."""

    def __init__(self, port: int):
        context = multiprocessing.get_context("spawn")
        self.stop, self.results = context.Event(), context.Queue()
        self.process = context.Process(target=apply_until, args=(port, self.stop, self.results))

    def __enter__(self):
        self.process.start()
        assert self.results.get(timeout=60) == "applying"
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.sent, failed = self.results.get(timeout=60)
        self.process.join()
        assert not failed, f"unexpected statuses {set(failed)}"

    def between(self, start: float, end: float) -> dict:
        """The applications sent between two readings of time.monotonic() (the same
        clock in every process): their rate, and the longest wait."""
        waits = [wait for sent, wait in self.sent if start <= sent < end]
        return {"applications": len(waits), "rate": len(waits) / (end - start),
                "longest": max(waits)}  # fmt: skip


def apply_until(port: int, stop, results) -> None:
    cv, sent, failed = pdf(200 * 1024), [], []

    def client():
        candidate = Candidate(port)
        while not stop.is_set():
            begun = time.monotonic()
            status = candidate.apply(cv)
            if status == 302:
                sent.append((begun, time.monotonic() - begun))
            else:
                failed.append(status)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    results.put("applying")
    for thread in threads:
        thread.join()
    results.put((sent, failed))


def main() -> None:
    args = common.arguments(__doc__.splitlines()[0])
    table, sizes = (QUICK_TABLE, QUICK_SIZES) if args.quick else (TABLE, SIZES)
    common.create_database()
    endpoint = common.start_s3()
    common.setup_django(s3_endpoint=endpoint)
    results, rows = {}, []
    for n in sizes:
        living = table - n
        fill_living(living)
        for variant in ("engine", "floor"):
            child = start_variant(variant, n, endpoint)
            results[(variant, n)] = finish(variant, n, child, endpoint, living)
            print(variant, n, results[(variant, n)], flush=True)
        engine, floor = results[("engine", n)], results[("floor", n)]
        rows.append(
            [
                f"{n:,} of {table:,}", f"{engine['seconds']:.2f} s", f"{floor['seconds']:.2f} s",
                f"{engine['seconds'] / floor['seconds']:.2f}x", f"{engine['peak_rss_mib']:.0f} MiB",
            ]
        )  # fmt: skip
    print(common.table(["due", "engine", "floor", "engine / floor", "engine peak RSS"], rows))
    small, large = results[("engine", sizes[0])], results[("engine", sizes[-1])]
    memory = large["peak_rss_mib"] / small["peak_rss_mib"]
    print(f"peak memory {sizes[-1]:,} over {sizes[0]:,}: {memory:.2f}x (target at most 1.2x)")

    # Applying while the engine purges the largest size, against applying alone, and
    # while the floor does: what is left to the applications on this machine when the
    # least a purge can do runs beside them.
    n = sizes[-1]
    living = table - n
    during, purged = {}, {}
    with tempfile.TemporaryDirectory() as cv_dir:
        server, port = common.start_gunicorn(2, cv_dir)
        try:
            with Applying(port) as warming:  # both workers
                time.sleep(1)
            with Applying(port) as alone:
                began = time.monotonic()
                time.sleep(ALONE_SECONDS if not args.quick else 2)
                alone_window = (began, time.monotonic())
            applied = len(warming.sent) + len(alone.sent)
            for variant in ("engine", "floor"):
                forget_stored_files(cv_dir)
                prepare_due(n)
                with Applying(port) as load:
                    child = launch(variant, endpoint)
                    window = [time.monotonic()]
                    while child.poll() is None:
                        time.sleep(0.01)
                    window.append(time.monotonic())
                applied += len(load.sent)
                purged[variant] = finish(variant, n, child, endpoint, living + applied)
                during[variant] = load.between(*window)
        finally:
            common.stop(server)
    alone_load = alone.between(*alone_window)
    print(
        common.table(
            ["applying", "rate", "of alone", "longest wait", "applications"],
            [
                [name, f"{load['rate']:.1f}/s", f"{load['rate'] / alone_load['rate']:.2f}x",
                 f"{load['longest'] * 1000:.0f} ms", load["applications"]]
                for name, load in (
                    ("alone", alone_load),
                    *(
                        (f"during the {variant} of {n:,} ({purged[variant]['seconds']:.1f} s)",
                         during[variant])
                        for variant in ("engine", "floor")
                    ),
                )
            ],
        )
    )  # fmt: skip
    ratio = during["engine"]["rate"] / alone_load["rate"]
    print(f"rate during the purge: {ratio:.2f}x of alone (target at least 0.8x)")
    common.save(
        "purge_scale",
        {
            "machine": common.machine(),
            "quick": args.quick,
            "table": table,
            "results": {f"{v}:{size}": r for (v, size), r in results.items()},
            "applying_alone": alone_load,
            "applying_during": {
                variant: {**during[variant], "purge_seconds": purged[variant]["seconds"]}
                for variant in during
            },
        },
    )


if __name__ == "__main__":
    main()
