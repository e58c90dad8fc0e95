"""Applying through gunicorn (2 workers) on 127.0.0.1, loaded from a separate process:
sustained applications per second of the real endpoint (/apply/, a 200 KB PDF, with
consent) against a bare view that only stores the file of the same request in the
same storage, in alternating slices; and, for context, against a lower floor still: a
request with the file alone, to a view without the CSRF check.
Then, with one worker, how much a 10 MiB CV grows the worker's peak memory over a
100 KB one (uploads are streamed to disk, never held whole).

    .venv/bin/python bench/apply.py [--quick]
"""

import http.client
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

# Each endpoint gets ROUNDS slices of SLICE seconds, the endpoints taking turns.
ROUNDS, SLICE = 10, 2.0
QUICK_ROUNDS, QUICK_SLICE = 2, 0.5
CLIENTS = 4


def pdf(size: int) -> bytes:
    """The sample CV, grown to `size` by a comment in an update that adds no object:
    a PDF the checks read in full, as they read a real one."""
    original = (common.ROOT / "ats" / "samples" / "cv-astrid-lindqvist.pdf").read_bytes()
    startxref = re.findall(rb"startxref\s+(\d+)", original)[-1]
    tail = b"\nstartxref\n" + startxref + b"\n%%EOF\n"
    return original + b"%" + b"0" * max(size - len(original) - len(tail) - 1, 0) + tail


def multipart(fields: dict, file_bytes: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n'
        f"Content-Type: application/pdf\r\n\r\n".encode()
        + file_bytes
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Candidate:
    """One client: a keep-alive connection, and what a browser sends back from the form
    page: the CSRF cookie and token, and the privacy notice shown."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port)
        self.connection.request("GET", "/apply/")
        response = self.connection.getresponse()
        page = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie")
        self.cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.notice = re.search(r'name="notice" value="([^"]+)"', page).group(1)

    def form(self) -> dict:
        return {
            "csrfmiddlewaretoken": self.token,
            "name": "Astrid Lindqvist",
            "email": "astrid@example.se",
            "consent": "on",
            "notice": self.notice,
        }

    def apply(self, file_bytes: bytes) -> int:
        return self.post("/apply/", self.form(), file_bytes)

    def upload(self, file_bytes: bytes) -> int:
        """The same request, to the bare view."""
        return self.post("/bare-upload/", self.form(), file_bytes)

    def upload_file_only(self, file_bytes: bytes) -> int:
        return self.post("/bare-upload/file-only/", {}, file_bytes)

    def post(self, path: str, fields: dict, file_bytes: bytes) -> int:
        body, content_type = multipart(fields, file_bytes)
        self.connection.request(
            "POST",
            path,
            body,
            {"Content-Type": content_type, "Cookie": self.cookie, "Referer": "http://127.0.0.1/"},
        )
        response = self.connection.getresponse()
        response.read()
        return response.status


def sustained_rate(
    port: int, action: str, expected: int, file_bytes: bytes, duration: float
) -> float:
    """Requests per second that succeed, from CLIENTS threads, for `duration` seconds."""
    done, failed = [], []
    stop = time.monotonic() + duration

    def client():
        candidate = Candidate(port)
        count = 0
        while time.monotonic() < stop:
            status = getattr(candidate, action)(file_bytes)
            if status == expected:
                count += 1
            else:
                failed.append(status)
        done.append(count)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failed, f"{action}: unexpected statuses {set(failed)}"
    return sum(done) / (time.monotonic() - start)


def worker_peak_kib(server: subprocess.Popen) -> int:
    [worker] = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    status = Path(f"/proc/{worker}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def forget_stored_files(cv_dir: str) -> None:
    """Between slices, outside the measured time. In production CVs go to S3, never to
    the database's disk; here they share it, and gigabytes of CVs waiting to be written
    back would make the database's commits (the real endpoint's, not the bare view's)
    wait behind them. Deleted this soon, most never reach the disk."""
    shutil.rmtree(Path(cv_dir) / "cv", ignore_errors=True)


def main() -> None:
    args = common.arguments(__doc__.splitlines()[0])
    rounds, slice_seconds = (QUICK_ROUNDS, QUICK_SLICE) if args.quick else (ROUNDS, SLICE)
    common.create_database()
    common.setup_django()
    common.reset_tables()
    with tempfile.TemporaryDirectory() as cv_dir:
        server, port = common.start_gunicorn(2, cv_dir)
        try:
            cv = pdf(200 * 1024)
            sustained_rate(port, "apply", 302, cv, 1.0)  # warm up both workers
            # Alternating slices, so that all meet the same background work (the
            # database's autovacuum and checkpoints, the kernel writing files back).
            rates = {"apply": [], "upload": [], "upload_file_only": []}
            for _ in range(rounds):
                for action, status in (("apply", 302), ("upload", 201), ("upload_file_only", 201)):
                    rates[action].append(sustained_rate(port, action, status, cv, slice_seconds))
                    forget_stored_files(cv_dir)
            real, bare, file_only = (sum(r) / rounds for r in rates.values())
            round_ratios = [r / b for r, b in zip(rates["apply"], rates["upload"], strict=True)]
        finally:
            common.stop(server)
        server, port = common.start_gunicorn(1, cv_dir)
        try:
            candidate = Candidate(port)
            for _ in range(5):
                assert candidate.apply(pdf(100 * 1024)) == 302
            cold = worker_peak_kib(server)
            # The first upload past FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB) loads the
            # stream-to-disk code path once; warm it with 3 MiB, then compare sizes.
            assert candidate.apply(pdf(3 * 1024 * 1024)) == 302
            first_large = worker_peak_kib(server)
            assert candidate.apply(pdf(100 * 1024)) == 302
            small = worker_peak_kib(server)
            assert candidate.apply(pdf(10 * 1024 * 1024)) == 302
            large = worker_peak_kib(server)
        finally:
            common.stop(server)
    growth_mib = (large - small) / 1024
    rows = [
        ["real endpoint /apply/", f"{real:.1f}/s"],
        ["bare store-only view, the same request", f"{bare:.1f}/s"],
        ["ratio (target at least 0.5)", f"{real / bare:.2f}"],
        [
            f"lowest and highest ratio of the {rounds} rounds",
            f"{min(round_ratios):.2f} to {max(round_ratios):.2f}",
        ],
        ["bare view, the file alone and no CSRF check", f"{file_only:.1f}/s"],
        ["ratio to that lower floor", f"{real / file_only:.2f}"],
        [
            "worker peak memory, 10 MiB CV over 100 KB (target at most 3 MiB)",
            f"{growth_mib:+.1f} MiB",
        ],
        [
            "one-time cost of the first upload streamed to disk",
            f"{(first_large - cold) / 1024:+.1f} MiB",
        ],
    ]
    print(common.table(["measure", "value"], rows))
    common.save(
        "apply",
        {
            "machine": common.machine(),
            "quick": args.quick,
            "real_per_second": real,
            "bare_per_second": bare,
            "round_ratios": round_ratios,
            "bare_file_only_per_second": file_only,
            "peak_growth_mib": growth_mib,
            "first_streamed_upload_mib": (first_large - cold) / 1024,
        },
    )


if __name__ == "__main__":
    main()
