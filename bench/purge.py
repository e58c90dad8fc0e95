"""Purge N due applications with their CVs on the local S3 server and PostgreSQL:
the engine, the loop a newcomer would write, and the floor (raw DeleteObjects calls
plus one SQL DELETE). Each run is a process of its own, so its peak RSS is its own.

    .venv/bin/python bench/purge.py [--quick]
"""

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

SIZES = [1_000, 10_000, 50_000]
QUICK_SIZES = [200]
NAIVE_UP_TO = 10_000  # the naive loop is linear and slow; 50,000 would take minutes
CV_BYTES = b"%PDF-1.7\n" + b"0" * 1024 + b"\n%%EOF\n"


def key(number: int) -> str:
    return f"cv/bench-{number:08d}.pdf"


def prepare(n: int, *, beside_others: bool = False) -> None:
    """N due spontaneous applications (one SQL statement) and their N files; alone in
    the table unless `beside_others`."""
    if not beside_others:
        common.reset_tables()
    common.insert_applications(
        n,
        opening="NULL",
        cv="'cv/bench-' || lpad(i::text, 8, '0') || '.pdf'",
        submitted_at="now() - interval '3 years'",
        stage="'new'",
        consent_given_at="now() - interval '2 years 1 day'",
        delete_after="now() - interval '1 day'",
        deletion_reason="'consent_expired'",
    )
    common.put_objects([key(i) for i in range(1, n + 1)], CV_BYTES)


def remaining_objects(endpoint: str) -> int:
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, region_name=common.S3_REGION)
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=common.S3_BUCKET, Prefix="cv/")
    return sum(page.get("KeyCount", 0) for page in pages)


# The three ways to delete, each run in a child process.


def run_engine() -> None:
    from ats.services.purge import purge_due

    purge_due()


def run_naive() -> None:
    from django.utils import timezone

    from ats.models import Application, DeletionRecord

    for application in Application.objects.filter(delete_after__lte=timezone.now()):
        application.cv.delete(save=False)
        DeletionRecord.objects.create(
            public_id=application.public_id,
            kind="spontaneous",
            reason=application.deletion_reason,
            due_at=application.delete_after,
        )
        application.delete()


def run_floor() -> None:
    import boto3
    from django.db import connection

    client = boto3.client(
        "s3", endpoint_url=os.environ["ATS_S3_ENDPOINT_URL"], region_name=common.S3_REGION
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT cv FROM ats_application WHERE delete_after <= now()")
        keys = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(keys), 1000):
        client.delete_objects(
            Bucket=common.S3_BUCKET,
            Delete={"Objects": [{"Key": k} for k in keys[start : start + 1000]], "Quiet": True},
        )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ats_application WHERE delete_after <= now()")


VARIANTS = {"engine": run_engine, "naive": run_naive, "floor": run_floor}


def child(variant: str, endpoint: str) -> None:
    common.setup_django(s3_endpoint=endpoint)
    print("deleting", flush=True)  # what a parent waits for to measure beside it
    with common.stopwatch() as elapsed:
        VARIANTS[variant]()
    print(json.dumps({"seconds": elapsed["seconds"], "peak_rss_mib": common.peak_rss_mib()}))


def measure(variant: str, n: int, endpoint: str) -> dict:
    from ats.models import Application, DeletionRecord

    prepare(n)
    output = subprocess.run(
        [sys.executable, __file__, "--child", variant, endpoint],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    left_rows, left_files = Application.objects.count(), remaining_objects(endpoint)
    tombstones = DeletionRecord.objects.count()
    assert left_rows == 0 and left_files == 0, (variant, n, left_rows, left_files)
    assert tombstones == (0 if variant == "floor" else n), (variant, tombstones)
    return result


def main() -> None:
    args = common.arguments(__doc__.splitlines()[0])
    sizes = QUICK_SIZES if args.quick else SIZES
    common.create_database()
    endpoint = common.start_s3()
    common.setup_django(s3_endpoint=endpoint)
    results = {}
    for n in sizes:
        for variant in ("engine", "floor", "naive"):
            if variant == "naive" and n > NAIVE_UP_TO:
                continue
            results[(variant, n)] = measure(variant, n, endpoint)
            print(
                f"{variant:>6} N={n:>6}: {results[(variant, n)]['seconds']:8.2f} s, "
                f"peak RSS {results[(variant, n)]['peak_rss_mib']:.0f} MiB",
                flush=True,
            )
    rows = []
    for n in sizes:
        engine, floor = results[("engine", n)], results[("floor", n)]
        naive = results.get(("naive", n))
        rows.append(
            [
                f"{n:,}",
                f"{engine['seconds']:.2f} s",
                f"{naive['seconds']:.2f} s" if naive else "not run",
                f"{floor['seconds']:.2f} s",
                f"{naive['seconds'] / engine['seconds']:.1f}x" if naive else "-",
                f"{engine['seconds'] / floor['seconds']:.2f}x",
                f"{engine['peak_rss_mib']:.0f} MiB",
            ]
        )
    print(
        common.table(
            [
                "N",
                "engine",
                "naive loop",
                "floor",
                "engine vs naive",
                "engine / floor",
                "engine peak RSS",
            ],
            rows,
        )
    )
    common.save(
        "purge",
        {
            "machine": common.machine(),
            "quick": args.quick,
            "results": {f"{v}:{n}": r for (v, n), r in results.items()},
        },
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
