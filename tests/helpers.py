"""What test modules share and no single one of them owns. No test module imports
another: what two of them need lives here, and fixtures live in the conftest.py files."""

import csv
import http.client
import io
import re
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from datetime import timedelta
from io import StringIO
from multiprocessing import Value
from pathlib import Path
from queue import Queue
from urllib.parse import urlsplit
from uuid import uuid4

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.monitor import monitor
from django_q.worker import worker
from openpyxl import load_workbook
from pypdf import PdfWriter

from ats import cv_checks
from ats.models import AccessEvent, Application
from ats.services.applications import submit_application
from ats.services.pipeline import move_application
from tests.factories import (
    SAMPLES,
    ApplicationFactory,
    HiringTeamMemberFactory,
    OpeningFactory,
    UserFactory,
    grant,
    totp_code,
)
from tests.faults import listening_socket

# The checkout: manage.py, config/ and deploy/, for the processes a test starts there.
ROOT = Path(__file__).resolve().parent.parent

S3_REGION = "eu-north-1"
S3_BUCKET = "ats-test-cvs"

ARTIFACTS = ROOT / "tests" / "e2e" / "artifacts"


# Pages and emails, as a person reads them


# Month names as each language writes them in a date: Swedish in lower case.
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July")
ENGLISH_MONTHS += ("August", "September", "October", "November", "December")
SWEDISH_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli")
SWEDISH_MONTHS += ("augusti", "september", "oktober", "november", "december")


def text(response) -> str:
    """The page as a reader sees it: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def titles(response) -> list[str]:
    return sorted(
        re.findall(
            r'<h3><a href="/jobs/[^"]+/" lang="\w+">([^<]+)</a></h3>', response.content.decode()
        )
    )


def link_in(message) -> str:
    """The self-service link in an email (or its text), with its action if it has one."""
    body = message if isinstance(message, str) else message.body
    return re.search(r"https?://[^/\s]+(/my-application/[^/\s]+/(?:[a-z]+/)?)", body).group(1)


def open_link(client, link: str) -> str:
    """Follow an emailed link as the candidate's browser does: the page it leads to."""
    response = client.get(link)
    assert response.status_code == 302, response.status_code
    assert "/my-application/" in response.url and link.split("/")[2] not in response.url
    return response.url


# Files taken away, as a spreadsheet reads them


def csv_rows(response) -> list[list[str]]:
    """A streamed CSV's rows, its note and header first."""
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def xlsx_rows(response) -> list[list]:
    """A workbook's rows (of its first sheet), its note and header first."""
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def queries_to_download(client: Client, url: str) -> tuple[int, bytes]:
    """How many queries asking for a file and reading it to its end take, and the file."""
    with CaptureQueriesContext(connection) as captured:
        body = b"".join(client.get(url).streaming_content)
    return len(captured), body


def named_in(rows) -> list:
    """The public ids of the applications a file's rows name (past its note and header),
    sorted."""
    names = [row[0] for row in rows[2:]]
    return sorted(Application.objects.filter(name__in=names).values_list("public_id", flat=True))


def logged_as_exported(user) -> list:
    """The public ids the access log holds as taken away in a list by `user`, sorted."""
    logged = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT_LIST, user=user)
    return sorted(logged.values_list("public_id", flat=True))


# What a candidate sends, and what an employer publishes


def form_data(cv="", **overrides):
    return {
        "name": "Astrid Lindqvist",
        "email": "astrid.lindqvist@example.se",
        "phone": "+46 70 123 45 67",
        "cover_letter": "Hej! Jag söker tjänsten.",
        "cv": cv,
        **overrides,
    }


def sample_bytes(extension: str) -> bytes:
    return (SAMPLES / f"cv-astrid-lindqvist.{extension}").read_bytes()


def docx_with_body(body: str, *, relationships: str = "") -> bytes:
    """The sample DOCX with `body` (WordprocessingML) as its text, and `relationships`
    added to its document's."""
    return _sample_with("docx", {
        "word/document.xml": lambda xml: re.sub(
            r"<w:body>.*</w:body>", lambda _: f"<w:body>{body}</w:body>", xml, flags=re.S
        ),
        "word/_rels/document.xml.rels": lambda xml: xml.replace(
            "</Relationships>", f"{relationships}</Relationships>"
        ),
    })  # fmt: skip


def odt_with_text(text: str) -> bytes:
    """The sample ODT with `text` (OpenDocument's text:, table: elements) as its text."""
    return _sample_with("odt", {
        "content.xml": lambda xml: re.sub(
            r"<office:text>.*</office:text>",
            lambda _: f"<office:text>{text}</office:text>",
            xml,
            flags=re.S,
        ),
    })  # fmt: skip


def _sample_with(extension: str, changes: dict) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(sample_bytes(extension))) as sample,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as changed,
    ):
        for entry in sample.infolist():
            content = sample.read(entry)
            if entry.filename in changes:
                content = changes[entry.filename](content.decode()).encode()
            changed.writestr(entry, content)
    return out.getvalue()


def pdf_with_pages(*sizes: tuple[float, float]) -> bytes:
    """A PDF of blank pages, each `(width, height)` in points."""
    writer = PdfWriter()
    for width, height in sizes:
        writer.add_blank_page(width=width, height=height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_size(data: bytes) -> tuple[int, int]:
    """The width and height of a PNG, read as a viewer reads it: the signature, every
    chunk's checksum, and the pixel rows inflated to the size the header says (8-bit
    grey, RGB or RGBA)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks[kind] = chunks.get(kind, b"") + body
        at += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    channels = {0: 1, 2: 3, 6: 4}[color]
    assert depth == 8 and b"IEND" in chunks
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + width * channels)
    return width, height


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def open_ad(**fields):
    return OpeningFactory(
        **{
            "title": "Lagerchef",
            "location": "Göteborg",
            "salary_min": 38_000,
            "salary_max": 45_000,
            "application_deadline": timezone.localdate() + timedelta(days=10),
            "department": "Logistik",
            "published_at": timezone.now(),
            "description": "**Krav:** truckkort",
            **fields,
        }
    )


def applicant(opening, name: str, **fields):
    """An application to `opening` from `name`, at an address made of the name, its CV
    a shared stored file (none written)."""
    return ApplicationFactory(
        **{
            "opening": opening,
            "name": name,
            "email": f"{'.'.join(name.lower().split())}@example.se",
            "cv": "cv/shared.pdf",
            **fields,
        }
    )


# The CV of the nurse whom search finds (conftest.py's `nurse`).
NURSE_CV = (
    "Karin Nyström\nLegitimerad sjuksköterska · Karlstad\n"
    "Erfarenhet: 2019-nu sjuksköterska på Centralsjukhuset i Karlstad, avdelning 12."
)


# The staff


def logged_in(user, client: Client | None = None) -> Client:
    """`client` (a new one unless given) with `user` logged in, past the second factor
    as force_login is."""
    client = Client() if client is None else client
    client.force_login(user)
    return client


def logged_in_staff(client: Client, username: str, *permissions: str):
    """A staff user with these permissions, logged in on `client`."""
    user = grant(UserFactory(username=username), *permissions)
    logged_in(user, client)
    return user


def staff_client(username: str, *permissions: str) -> Client:
    """A new client logged in as a staff user with these permissions (none: a colleague
    on no team, who reaches no application)."""
    return logged_in(grant(UserFactory(username=username), *permissions))


def on_team(opening, username: str | None = None, *, role: str = "recruiter"):
    """A staff user on the opening's hiring team in `role`, named `username` (else after
    the role), with an email address at the employer's."""
    username = username or role
    return HiringTeamMemberFactory(
        opening=opening,
        role=role,
        user__username=username,
        user__email=f"{username}@arbetsgivare.se",
    ).user


def team_client(opening, username: str | None = None, *, role: str = "recruiter") -> Client:
    """A client logged in as a member of the opening's hiring team (on_team)."""
    return logged_in(on_team(opening, username, role=role))


def received(opening, *, at, source: str = "linkedin", consent: bool = False) -> Application:
    """An application to `opening` (None: spontaneous) as a candidate sends it, through
    the service that stores it and counts it, received at `at`."""
    submission = submit_application(
        opening=opening,
        name="Astrid Lindqvist",
        email="astrid@example.se",
        cv=cv_checks.validate_cv(upload("CV.pdf", sample_bytes("pdf"))),
        consent=consent,
        submitted_at=at,
        source=source,
    )
    return Application.objects.filter(public_id=submission.public_id).first()


def reject_without_email(application, *, by) -> None:
    """Reject the application as its recruiter may on its page: with a reason, and no
    email to the candidate."""
    move_application(
        application=application, stage="rejected", moved_by=by, reason="Fel profil", email=False
    )


# Configuration, services and processes


def run(*args) -> str:
    """What a management command prints; a CommandError is its non-zero exit."""
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def s3_options(settings, **options) -> None:
    """Change options of the S3 CV storage a test uses."""
    current = settings.STORAGES["ats_cv"]
    settings.STORAGES = {
        **settings.STORAGES,
        "ats_cv": {**current, "OPTIONS": {**current["OPTIONS"], **options}},
    }


def database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    return (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}"
        f"/{database['NAME']}"
    )


def twice_at_once(work) -> None:
    """Run `work` in two threads that start it at the same moment, each on a database
    connection of its own, closed after; return when both are done."""
    start = threading.Barrier(2)

    def thread() -> None:
        start.wait()
        try:
            work()
        finally:
            connection.close()

    threads = [threading.Thread(target=thread) for _ in range(2)]
    for each in threads:
        each.start()
    for each in threads:
        each.join()


def while_one_holds(holder, other, *, blocked_for: float = 1) -> None:
    """Two connections of their own, in the order a race needs: `holder(held)` runs
    until it calls `held()` (inside its transaction, its locks taken), and waits there;
    then `other` runs, is given `blocked_for` seconds to reach those locks and wait on
    them, and `holder` goes on to commit. Returns when both are done."""
    reached, release = threading.Event(), threading.Event()

    def held() -> None:
        reached.set()
        release.wait(10)

    def on_its_own_connection(work) -> threading.Thread:
        def thread() -> None:
            try:
                work()
            finally:
                connection.close()

        return threading.Thread(target=thread)

    first = on_its_own_connection(lambda: holder(held))
    first.start()
    assert reached.wait(10)
    second = on_its_own_connection(other)
    second.start()
    second.join(blocked_for)
    release.set()
    first.join()
    second.join()


def run_as_the_cluster(func: str) -> None:
    """The task `func` (a dotted path) as django-q2's cluster runs and records it, in
    this process: a worker runs it, then the monitor saves what came of it (a failure
    with what it raised)."""
    tasks, results = Queue(), Queue()
    tasks.put(
        {"id": uuid4().hex, "name": func, "func": func, "args": (), "kwargs": {},
         "started": timezone.now()}
    )  # fmt: skip
    tasks.put("STOP")
    worker(tasks, results, Value("f", -1))
    results.put("STOP")
    monitor(results)


def start_gunicorn(environment: dict, *options: str) -> tuple[subprocess.Popen, int]:
    """gunicorn serving the demo site (config.wsgi) with `options`, given its socket
    already listening on a port of its own: its process and that port."""
    with listening_socket() as listening:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi",
             "--bind", f"fd://{listening.fileno()}", "--log-level", "error", *options],
            cwd=ROOT,
            env=environment,
            pass_fds=[listening.fileno()],
        )  # fmt: skip
        return server, listening.getsockname()[1]


def wait_until_served(port: int, *servers: subprocess.Popen) -> None:
    """Until an HTTP request to the port gets an answer (any status) from the servers
    started for it: a port that only accepts (a socket waiting for gunicorn's workers)
    is not ready. Raises when one of the servers stopped, or after a minute."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if stopped := [server.args[0] for server in servers if server.poll() is not None]:
            raise RuntimeError(f"{stopped} stopped before answering on {port}")
        page = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            page.request("GET", "/jobs/", headers={"Host": "127.0.0.1"})
            page.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
        finally:
            page.close()
    raise RuntimeError(f"nothing answered on {port} within a minute")


class ApiClient(Client):
    """A test client that sends the key on every request."""

    def __init__(self, secret: str):
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {secret}")


# The browser


def at_path(path: str):
    """For wait_for_url: the page's path is this one. A glob such as "**/recruit/" also
    matches the login page's "?next=/recruit/", so it returns before the login ends,
    and the next page.goto cuts off the response that carried the session's cookie."""
    return lambda url: urlsplit(url).path == path


def enter_totp_code(page) -> None:
    """The second factor, read off the authenticator once its field is on the page: a
    code read before (while the password went) may have expired when it arrives."""
    page.locator("#id_code").wait_for()
    page.fill("#id_code", totp_code())


def log_in(page, username: str, password: str) -> None:
    page.goto("/recruit/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in", exact=True).click()
    enter_totp_code(page)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(at_path("/recruit/"))


def log_in_by_keyboard(page, username: str, password: str) -> None:
    """The staff login in whatever language the page speaks: name and password, then
    the authenticator's code, each sent with Enter."""
    page.goto("/recruit/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    enter_totp_code(page)
    page.press("#id_code", "Enter")
    page.wait_for_url(at_path("/recruit/"))


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def ad_form(**overrides) -> dict:
    """What the ad editor sends for a whole ad, saved."""
    return {
        "title": "Lagerchef",
        "language": "sv",
        "location": "Göteborg",
        "workplace_type": "on_site",
        "employment_type": "permanent",
        "extent": "full_time",
        "positions": 1,
        "salary_min": 38000,
        "salary_max": 45000,
        "salary_currency": "SEK",
        "salary_period": "month",
        "application_deadline": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "description": "**Krav:** truckkort",
        "action": "save",
        **overrides,
    }
