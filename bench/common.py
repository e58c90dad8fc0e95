"""What every benchmark shares: Django on a PostgreSQL database of its own, CVs on the
local S3 server (moto, over HTTP, as in the tests), and a table printer.

Benchmarks are not tests: they measure, and say where a target is missed.
"""

import argparse
import json
import logging
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench"
SERVER_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
# One per benchmark; a benchmark's child process is given its parent's.
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", f"{SERVER_URL}/ats_bench_{Path(sys.argv[0]).stem}"
)
S3_BUCKET = "ats-bench"
S3_REGION = "eu-north-1"
REDIS_URL = "redis://127.0.0.1:6379/12"  # the web processes' cache and the queue's broker


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes, for CI: it runs, that is all"
    )
    return parser.parse_args()


def create_database() -> None:
    """A fresh database for this benchmark, migrated from nothing like a new install."""
    name = DATABASE_URL.rsplit("/", 1)[1]
    for statement in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-q", f"{SERVER_URL}/postgres", "-c", statement], check=True)


def quiet_deletes_as_s3() -> None:
    """moto answers a quiet DeleteObjects with every key it deleted; S3 lists only the
    errors (its documented quiet mode). Made to answer as S3 does: building and parsing
    1,000 needless entries a batch cost the benchmarks' purges a third of their
    processor time, which S3 would never have asked of them."""
    from moto.core.responses import ActionResult
    from moto.s3.responses import S3Response

    answer_in_full = S3Response._bucket_response_delete_keys

    def answer(self, bucket_name, authenticated=True):
        body = self.body if isinstance(self.body, bytes) else self.body.encode()
        if b"<Quiet>true</Quiet>" in body:  # a response object serves one request
            serialized = self.serialized
            self.serialized = lambda result: serialized(
                ActionResult({**result.result, "Deleted": []})
            )
        return answer_in_full(self, bucket_name, authenticated)

    S3Response._bucket_response_delete_keys = answer


def start_s3() -> str:
    """The moto server on a free port, with the bucket; returns its endpoint."""
    import boto3
    from moto.server import ThreadedMotoServer

    quiet_deletes_as_s3()

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name=S3_REGION).create_bucket(
        Bucket=S3_BUCKET, CreateBucketConfiguration={"LocationConstraint": S3_REGION}
    )
    return endpoint


def put_objects(keys: list[str], body: bytes) -> None:
    """Files for a benchmark to delete, put straight into the store of the local S3
    server that start_s3 runs in this process: preparing 200,000 as requests would take
    minutes. What is measured, the deleting, goes over HTTP."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    store = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    for name in keys:
        store.put_object(S3_BUCKET, name, body)


def setup_django(
    *, s3_endpoint: str | None = None, own_cv_folder: bool = False, test_client: bool = False
) -> None:
    """Configure the project through its own environment variables, then start Django;
    with `own_cv_folder`, the CVs go to a new temporary folder of this run's own; with
    `test_client`, the site answers Django's test Client (its host, "testserver")."""
    os.environ["DATABASE_URL"] = f"{DATABASE_URL}?conn_max_age=600"  # as in production
    if test_client:
        os.environ["ALLOWED_HOSTS"] = "testserver"
    if own_cv_folder:
        os.environ["ATS_CV_DIR"] = tempfile.mkdtemp(prefix="ats-bench-cv-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(40))  # DEBUG is off
    if s3_endpoint:
        os.environ.update(
            ATS_S3_BUCKET=S3_BUCKET, ATS_S3_REGION=S3_REGION, ATS_S3_ENDPOINT_URL=s3_endpoint
        )
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def reset_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE ats_note, ats_stagechange, ats_accessevent, ats_deletionrecord, "
            "ats_application, ats_stagecount, ats_reportcount, ats_arrivalcount, "
            "ats_opening_hiring_team, ats_opening "
            "RESTART IDENTITY CASCADE"
        )


def count_arrivals(rows: str, *params) -> None:
    """The kept arrivals (ArrivalCount) of `rows` (a SELECT with opening_id,
    submitted_at and source, with `params` if any), as applying counts each: per opening
    (0: the pool), day where the employer is, and source."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO ats_arrivalcount (opening_key, day, source, applications)
            SELECT coalesce(opening_id, 0),
                (submitted_at AT TIME ZONE 'Europe/Stockholm')::date, source, count(*)
            FROM ({rows}) a GROUP BY 1, 2, 3
            ON CONFLICT (opening_key, day, source) DO UPDATE
            SET applications = ats_arrivalcount.applications + excluded.applications
            """,
            params or None,  # none: a % in `rows` is SQL's, not a placeholder
        )


def fresh_openings(count: int, title: str, fields) -> list:
    """Empty tables, then `count` openings: the nth titled `title` and n, slugged as
    the app slugs a title, with the fields `fields(n)` gives."""
    from django.utils.text import slugify

    from ats.models import Opening

    reset_tables()
    return [
        Opening.objects.create(title=f"{title} {n}", slug=slugify(f"{title} {n}"), **fields(n))
        for n in range(count)
    ]


def half_decided_openings(count: int, *, towns: Sequence[str]) -> list:
    """`count` openings in `towns` by turns: every other one closed and decided two
    months ago, the rest published and taking applications."""
    from django.utils import timezone

    from ats.models import Opening

    now = timezone.now()
    return fresh_openings(
        count,
        "Tjänst",
        lambda n: {
            "location": towns[n % len(towns)],
            "status": Opening.Status.CLOSED if n % 2 else Opening.Status.PUBLISHED,
            "published_at": now,
            "decided_at": now - timezone.timedelta(days=60) if n % 2 else None,
        },
    )


def insert_applications(
    n: int,
    *,
    opening: str,
    cv: str,
    submitted_at: str,
    stage: str,
    consent_given_at: str,
    delete_after: str,
    deletion_reason: str,
    first: int = 1,
    source: str = "''",
    name: str = "'Sökande ' || i",
    email: str = "'sokande' || i || '@example.se'",
    phone: str = "''",
    cover_letter: str = "'Brev'",
) -> None:
    """N applications in one INSERT ... SELECT over generate_series (i = first..first +
    N - 1); each column (the opening's id too, or NULL) given as an SQL expression of i,
    fixed by the benchmark, never by input; `first` numbers them from there (unique
    emails); `source` the channel (none unless given); `name`, `email`, `phone` and
    `cover_letter` the applicant's (numbered, no phone and a short letter unless given).
    Their receipts went when they arrived, as a real application's do within a minute."""
    from django.db import connection

    from ats.models import PrivacyNotice

    notice = PrivacyNotice.objects.order_by("version").first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO ats_application (
                public_id, opening_id, name, email, phone, cover_letter, cv, cv_filename,
                submitted_at, stage, privacy_notice_id, consent_given_at, decided_at,
                delete_after, deletion_reason, hold_reason, hold_until, hold_set_by_id,
                hold_set_at, restricted_at, language, renewal_requested_at,
                receipt_sent_at, source)
            SELECT gen_random_uuid(), {opening}, {name}, {email}, {phone}, {cover_letter},
                {cv}, 'cv.pdf', {submitted_at}, {stage}, %s, {consent_given_at}, NULL,
                {delete_after}, {deletion_reason}, '', NULL, NULL, NULL, NULL, 'sv', NULL,
                {submitted_at}, {source}
            FROM generate_series(%s, %s) AS i
            """,
            [notice.pk, first, first + n - 1],
        )
        cursor.execute("ANALYZE ats_application")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(workers: int, cv_dir: str) -> tuple[subprocess.Popen, int]:
    """The project behind gunicorn on 127.0.0.1, configured as in production (Redis for
    the cache and the broker), on this benchmark's database; returns it and its port."""
    port = free_port()
    environment = {
        # CVs in `cv_dir`, even where this process talks to the local S3 server.
        **{name: value for name, value in os.environ.items() if not name.startswith("ATS_S3_")},
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{DATABASE_URL}?conn_max_age=600",
        "ATS_CV_DIR": cv_dir,
        "EMAIL_URL": "dummymail://",
        "REDIS_URL": REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


@contextmanager
def stopwatch():
    """Yields a dict that holds the elapsed seconds once the block ends."""
    result = {}
    start = time.perf_counter()
    yield result
    result["seconds"] = time.perf_counter() - start


def peak_rss_mib() -> float:
    """This process's own peak RSS. Not getrusage's ru_maxrss: on Linux a child process
    inherits the parent's peak through fork, which would blame the parent's memory."""
    status = Path("/proc/self/status").read_text()
    return (
        int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])
        / 1024
    )


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def machine() -> dict:
    import django

    memory_kib = int(
        next(
            line
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ).split()[1]
    )
    postgres = subprocess.run(
        ["psql", DATABASE_URL, "-tAc", "SHOW server_version"], capture_output=True, text=True
    )
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "postgresql": postgres.stdout.strip(),
    }


def save(name: str, payload: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2, default=str))


def table(headers: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
