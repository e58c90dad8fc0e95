"""The worker's email drain against its floor: 2,000 and 20,000 "position filled" emails
to a local aiosmtpd server (its own process, discarding what it receives), sent by
`drain_outbox` (each rendered from the employer's template, sent, and marked sent in a
commit of its own), and the same messages, built beforehand, sent by one smtplib connection in a
loop: the least any sender could do. Each side runs in a process of its own, so that
the worker's peak memory is its own.

    .venv/bin/python bench/emails.py [--quick]
"""

import json
import os
import smtplib
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

SIZES = [2_000, 20_000]
QUICK_SIZES = [100, 300]
TARGET_RATIO = 1.5  # of the floor
TARGET_SECONDS = 120  # at 20,000
MEMORY_FLAT = 1.25  # the worker's peak at the largest size, over the smallest


def prepare(n: int) -> None:
    """An opening decided with n applicants not hired, each with a "position filled"
    email waiting: what record_hiring_decision leaves, written set-based."""
    from django.db import connection

    from ats.models import Opening

    common.reset_tables()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE ats_candidateemail RESTART IDENTITY")
    opening = Opening.objects.create(title="Lagerchef", slug="lagerchef", status="closed")
    common.insert_applications(
        n, opening=str(opening.pk), cv="'cv/' || i || '.pdf'", submitted_at="now()",
        stage="'rejected'", consent_given_at="NULL",
        delete_after="now() + interval '2 years'", deletion_reason="'retention_expired'",
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ats_candidateemail (application_id, template, send_after, subject, body)"
            " SELECT id, 'position_filled', now(), '', '' FROM ats_application"
        )
        cursor.execute("ANALYZE")


def drain(port: int) -> dict:
    """The worker's part, in this (child) process."""
    from django.urls import reverse

    from ats.services.outbox import drain_outbox

    # A worker is a long-lived process: it loads the URLconf once, not at every run
    # (about a second here, which the floor's untimed building also pays).
    reverse("ats:my-data")
    with common.stopwatch() as elapsed:
        drained = drain_outbox()
    return {
        "seconds": elapsed["seconds"],
        "sent": sum(drained.sent.values()),
        "peak_mib": common.peak_rss_mib(),
    }


def floor(port: int) -> dict:
    """The same messages, built first (not timed), over one smtplib connection."""
    from ats.models import CandidateEmail, EmailTemplate
    from ats.services.outbox import outboxes

    [_, _, candidate_emails, *_] = outboxes()
    templates = {template.key: template for template in EmailTemplate.objects.all()}
    assert templates
    messages = [
        (built.from_email, built.to, built.message().as_bytes(linesep="\r\n"))
        for email in CandidateEmail.objects.select_related("application__opening")
        for built in [candidate_emails.build(email)]
    ]
    with common.stopwatch() as elapsed, smtplib.SMTP("127.0.0.1", port) as connection:
        for sender, recipients, content in messages:
            connection.sendmail(sender, recipients, content)
    return {"seconds": elapsed["seconds"], "sent": len(messages)}


def in_a_process(side: str, port: int) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--side", side, "--port", str(port)],
        env={**os.environ, "BENCH_DATABASE_URL": common.DATABASE_URL},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"the {side} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_smtp_server() -> tuple[subprocess.Popen, int]:
    port = common.free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
         "-l", f"127.0.0.1:{port}"],
    )  # fmt: skip
    for _ in range(100):
        try:
            smtplib.SMTP("127.0.0.1", port).quit()
            return server, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("aiosmtpd did not start")


def child() -> None:
    side, port = sys.argv[sys.argv.index("--side") + 1], int(sys.argv[sys.argv.index("--port") + 1])
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    common.setup_django()
    print(json.dumps({"drain": drain, "floor": floor}[side](port)))


def main() -> None:
    args = common.arguments(__doc__.splitlines()[0])
    sizes = QUICK_SIZES if args.quick else SIZES
    common.create_database()
    common.setup_django(own_cv_folder=True)
    from ats.models import CandidateEmail

    server, port = start_smtp_server()
    rows, results = [], {}
    try:
        for n in sizes:
            prepare(n)
            base = in_a_process("floor", port)
            worker = in_a_process("drain", port)
            assert base["sent"] == worker["sent"] == n, (base, worker)
            assert not CandidateEmail.objects.filter(sent_at__isnull=True).exists()
            ratio = worker["seconds"] / base["seconds"]
            results[n] = {"floor": base, "drain": worker, "ratio": ratio}
            rows.append(
                [
                    f"{n:,}", f"{base['seconds']:.1f} s", f"{worker['seconds']:.1f} s",
                    f"{ratio:.2f}x", f"{n / worker['seconds']:.0f}/s",
                    f"{worker['peak_mib']:.0f} MiB",
                ]
            )  # fmt: skip
            print(rows[-1], flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        common.table(
            ["emails", "floor (one smtplib connection)", "drain_outbox", "ratio", "rate",
             "worker peak memory"],
            rows,
        )
    )  # fmt: skip
    largest, smallest = results[sizes[-1]], results[sizes[0]]
    memory = largest["drain"]["peak_mib"] / smallest["drain"]["peak_mib"]
    print(f"worker's peak memory {sizes[-1]:,} over {sizes[0]:,}: {memory:.2f}x")
    if not args.quick:
        checks = {
            f"within {TARGET_RATIO}x of the floor": largest["ratio"] <= TARGET_RATIO,
            f"under {TARGET_SECONDS} s at {sizes[-1]:,}": largest["drain"]["seconds"]
            < TARGET_SECONDS,
            f"peak memory flat (within {MEMORY_FLAT}x)": memory <= MEMORY_FLAT,
        }
        for check, met in checks.items():
            print(f"{check}: {'yes' if met else 'NO'}")
    common.save("emails", {"machine": common.machine(), "quick": args.quick, "results": results})


if __name__ == "__main__":
    child() if "--side" in sys.argv else main()
