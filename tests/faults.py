"""Real faults on the wire: proxies that sit between the app and a real service (the
local S3 server, PostgreSQL) and fail chosen requests the way networks and servers do.
"""

import contextlib
import http.client
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.db import connection

# Faults between two connections (a lost reply, row locks) need a server: SQLite has no
# connection to lose and no row locks. These run in the PostgreSQL run of .ci/run.
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's connections and row locks"
)

# Headers that belong to one hop, not to the request or reply they travel with.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}

S3_UNAVAILABLE = (
    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code>'
    b"<Message>Please reduce your request rate.</Message></Error>"
)


def free_port() -> int:
    """A port nothing listens on (until a test starts something there)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def refusing_port() -> Iterator[int]:
    """A port that refuses connections for as long as the block runs: bound and held,
    never listening, so that no other test's server (on the other xdist worker) can
    start there meanwhile."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


@contextlib.contextmanager
def listening_socket() -> Iterator[socket.socket]:
    """A socket listening on a port of its own, for a server given it as it starts
    (gunicorn's `--bind fd://`): no other process can take the port in between, and a
    connection waits in its backlog until the server accepts it."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(64)
        listening.set_inheritable(True)
        yield listening


def send_mail_to(settings, port: int) -> None:
    """Django's SMTP backend, sending to 127.0.0.1:`port` in the clear, as a test's
    server takes it (or, on a refusing port, does not)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


@contextlib.contextmanager
def smtp_server(handler) -> Iterator[int]:
    """A real SMTP server (aiosmtpd) with `handler`, running for the block: its port.
    On another port again where the chosen one was taken before the server bound it."""
    from aiosmtpd.controller import Controller

    for _ in range(5):
        # A loaded CI machine starts it slowly; a port taken shows only at the end.
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=15)
        try:
            controller.start()
        except OSError:  # the port was taken in the meantime (or it did not start)
            controller.stop(no_assert=True)
            continue
        try:
            yield controller.port
            return
        finally:
            controller.stop()
    raise RuntimeError("aiosmtpd did not start on any of five ports")


@contextlib.contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """A Redis server of the caller's own, answering: its URL. On another port again
    where the chosen one was taken before the server bound it (another test's server,
    on the other xdist worker); never yielded before it answers, so that a test cannot
    run against a cache that fails and passes as if the limits held."""
    for _ in range(5):
        port = free_port()
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
            cwd=directory,
            stdout=subprocess.DEVNULL,
        )
        try:
            client = redis.Redis(port=port, socket_connect_timeout=1, socket_timeout=1)
            if _answers(server, client):
                yield f"redis://127.0.0.1:{port}/0"
                return
        finally:
            server.terminate()
            server.wait()
    raise RuntimeError("redis-server did not start on any of five ports")


def _answers(server: subprocess.Popen, client: redis.Redis) -> bool:
    """Whether the server answers as itself (its process id) while it runs, within 30
    seconds (a loaded CI machine starts it slowly). Whatever else holds the port may
    not answer at all."""
    deadline = time.monotonic() + 30
    while server.poll() is None and time.monotonic() < deadline:
        try:  # ours, not another test's server on the port ours could not bind
            return client.info("server")["process_id"] == server.pid
        except redis.RedisError:
            time.sleep(0.05)
    return False


@dataclass
class Rule:
    matches: Callable[[str, str], bool]  # (method, path with query) -> bool
    action: str  # "unavailable": answer 503; "drop_reply": forward, then hang up
    times: int | None  # None: every matching request
    hits: int = 0


@dataclass
class S3FaultProxy:
    """An HTTP proxy in front of the local S3 server. Requests pass through unchanged
    (the signature covers them) unless a rule fails them."""

    upstream: str
    rules: list[Rule] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)

    def fail(self, matches: Callable[[str, str], bool], *, times: int | None = None) -> Rule:
        """Answer matching requests 503 Service Unavailable, as S3 does under load."""
        rule = Rule(matches, "unavailable", times)
        self.rules.append(rule)
        return rule

    def drop_reply(self, matches: Callable[[str, str], bool], *, times: int = 1) -> Rule:
        """Let matching requests reach S3, and lose its reply: the connection drops."""
        rule = Rule(matches, "drop_reply", times)
        self.rules.append(rule)
        return rule

    def _rule_for(self, method: str, path: str) -> Rule | None:
        for rule in self.rules:
            if (rule.times is None or rule.hits < rule.times) and rule.matches(method, path):
                rule.hits += 1
                return rule
        return None

    def start(self) -> str:
        proxy = self
        target = urlsplit(self.upstream)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while size := int(self.rfile.readline().split(b";")[0], 16):
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    self.rfile.readline()
                    return b"".join(chunks)
                return self.rfile.read(int(self.headers.get("Content-Length", 0)))

            def _forward(self):
                body = self._body()
                proxy.seen.append((self.command, self.path))
                rule = proxy._rule_for(self.command, self.path)
                if rule and rule.action == "unavailable":
                    self.send_response(503)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(S3_UNAVAILABLE)))
                    self.end_headers()
                    self.wfile.write(S3_UNAVAILABLE)
                    return
                upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                if self.headers.get("Transfer-Encoding"):
                    headers["Content-Length"] = str(len(body))
                upstream.request(self.command, self.path, body=body, headers=headers)
                reply = upstream.getresponse()
                content = reply.read()
                upstream.close()
                if rule and rule.action == "drop_reply":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(reply.status, reply.reason)
                for name, value in reply.getheaders():
                    if name.lower() not in HOP_BY_HOP | {"content-length"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class PostgresFaultProxy:
    """A TCP proxy in front of PostgreSQL that can lose the server's reply to a chosen
    statement: the statement reaches the server and runs (and, outside a transaction,
    commits), and then the connection drops before the client hears the outcome."""

    def __init__(self, host: str, port: int):
        self.upstream = (host, port)
        self.marker: bytes | None = None
        self.dropped = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []

    def drop_reply_to(self, marker: bytes) -> None:
        """Lose the reply to the next message the client sends that contains `marker`."""
        self.marker = marker

    def start(self) -> int:
        threading.Thread(target=self._accept, daemon=True).start()
        return self.port

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self._sockets += [client, server]
            swallowing = threading.Event()
            threading.Thread(
                target=self._pump_requests, args=(client, server, swallowing), daemon=True
            ).start()
            threading.Thread(
                target=self._pump_replies, args=(server, client, swallowing), daemon=True
            ).start()

    def _pump_requests(self, client, server, swallowing: threading.Event) -> None:
        with contextlib.suppress(OSError):
            while data := client.recv(65536):
                armed = self.marker is not None and self.marker in data
                if armed:
                    self.marker = None
                    swallowing.set()
                server.sendall(data)
                if armed:
                    time.sleep(0.5)  # the server runs the statement and answers...
                    self.dropped.set()
                    for end in (client, server):  # ...and the answer never arrives
                        with contextlib.suppress(OSError):
                            end.shutdown(socket.SHUT_RDWR)
                    return

    def _pump_replies(self, server, client, swallowing: threading.Event) -> None:
        with contextlib.suppress(OSError):
            while data := server.recv(65536):
                if not swallowing.is_set():
                    client.sendall(data)

    def stop(self) -> None:
        """Stop as a restarting server does: connections refused, open ones cut."""
        for end in [self._listener, *self._sockets]:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                end.close()


class RecordingSmtpHandler:
    """An aiosmtpd handler: keeps what it accepts, refuses the recipients it is told to
    ("*": all; for good by default, `refuse_with` a 4xx for "try later"), takes at most
    `per_connection` emails a connection, and counts the connections (EHLOs)."""

    def __init__(self):
        self.refuse: set[str] = set()
        self.refuse_with = "550 5.1.1 Mailbox unavailable"
        self.received: list[tuple[list[str], bytes]] = []
        self.connections = 0
        self.per_connection: int | None = None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        # As Postfix's rate limits do: so many emails a connection, then 421 and close.
        if self.per_connection and getattr(session, "taken", 0) >= self.per_connection:
            return "421 4.7.0 Too many messages on one connection, closing"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse or "*" in self.refuse:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        session.taken = getattr(session, "taken", 0) + 1
        return "250 Message accepted for delivery"


CSRF = "a" * 32  # a CSRF secret as the cookie holds it


def send_headers_and_a_little(live_server, path: str, *, declared: int) -> bytes:
    """POST `path` declaring `declared` bytes of a multipart body with a CSRF cookie
    (so that Django's CSRF check goes on to read the body), send 30 bytes of it, and
    read the answer."""
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as connection:
        connection.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: {address.hostname}\r\n"
                "Content-Type: multipart/form-data; boundary=xyz\r\n"
                f"Content-Length: {declared}\r\n"
                f"Cookie: {settings.CSRF_COOKIE_NAME}={CSRF}\r\n\r\n"
                "--xyz\r\nContent-Disposition: fo"
            ).encode()
        )
        answer = b""
        try:
            while b"</html>" not in answer and (chunk := connection.recv(65536)):
                answer += chunk
        except TimeoutError:
            return answer or b"(no answer: the server waits for the body)"
        return answer
