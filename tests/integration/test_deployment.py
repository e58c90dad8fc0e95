"""The documented deployment: nginx (deploy/nginx.conf, as shipped) in front of gunicorn
with two sync workers, configured as docs/deployment.md says an operator must behind a proxy
(ATS_CLIENT_IP_HEADER). Slow bodies tie up a worker each when they reach gunicorn;
through nginx they never reach it, and /jobs/ keeps answering. Visitors come from
addresses of their own (127.0.0.2, 127.0.0.3, ...: all of 127/8 is this machine), so
that what one of them does is counted against them, not against everyone behind nginx."""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.staticfiles import finders

from ats.views.body_limits import application_max_bytes
from tests.factories import TOTP_SECRET, totp_code
from tests.faults import free_port
from tests.helpers import ROOT, start_gunicorn, wait_until_served

# Slow: gunicorn and nginx, started for this module.
pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIG = ROOT / "deploy" / "nginx.conf"


STAFF_PASSWORD = "ett långt och bra lösenord"
MAKE_STAFF_USER = f"""
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
user = get_user_model().objects.create_user("hm", password={STAFF_PASSWORD!r}, is_staff=True)
TOTP.activate(user, {TOTP_SECRET!r})
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """gunicorn (2 sync workers) on one port, nginx with the shipped file on another."""
    if not Path(NGINX).exists():
        pytest.fail("The deployment test needs Debian's nginx: apt-get install nginx-light")
    folder = tmp_path_factory.mktemp("site")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
        "ATS_CV_DIR": str(folder / "cv"),
        "PYTHONPATH": str(ROOT),
        "ALLOWED_HOSTS": "127.0.0.1,jobb.example.se",
        "SECRET_KEY": "deployment-test-" + "x" * 40,
        "EMAIL_URL": "dummymail://",
        "ATS_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",  # as docs/deployment.md says, behind nginx
    }
    environment.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate"], ["createcachetable"], ["shell", "-c", MAKE_STAFF_USER]):
        subprocess.run([*manage, *command, "--verbosity", "0"], env=environment, check=True)
    # What collectstatic would put there, for one file, where nginx's workers (nobody,
    # when the tests run as root) may read it.
    static = Path(tempfile.mkdtemp(prefix="ats-static-"))
    static.chmod(0o755)
    (static / "ats").mkdir(mode=0o755)
    shutil.copy(finders.find("ats/ats.css"), static / "ats" / "ats.css")
    (static / "ats" / "ats.css").chmod(0o644)
    gunicorn, app_port = start_gunicorn(environment, "--workers", "2", "--timeout", "30")
    nginx = None
    try:
        wait_until_served(app_port, gunicorn)
        nginx, proxy_port, config = start_nginx(folder, app_port=app_port, static=static)
        yield {"app": app_port, "proxy": proxy_port, "config": config}
    finally:
        for process in (nginx, gunicorn):
            if process:
                process.terminate()
                process.wait(timeout=10)
        shutil.rmtree(static)


def start_nginx(folder: Path, *, app_port: int, static: Path) -> tuple[subprocess.Popen, int, str]:
    """nginx with the shipped configuration, in front of the app, answering: its process,
    port and configuration. On another port again where the chosen one was taken before
    nginx bound it (nginx exits: it cannot listen)."""
    for _ in range(5):
        proxy_port = free_port()
        config = (
            CONFIG.read_text()
            .replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
            .replace("listen 8080", f"listen 127.0.0.1:{proxy_port}")
            .replace("/run/nginx-ats.pid", str(folder / "nginx.pid"))
            .replace("/srv/ats/var/static/", f"{static}/")
        )
        (folder / "nginx.conf").write_text(config)
        nginx = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
        )
        try:
            wait_until_served(proxy_port, nginx)
            time.sleep(0.2)  # what answered was nginx only if it still runs a moment later
        except RuntimeError:
            if nginx.poll() is None:  # running, and not answering: no port is to blame
                nginx.terminate()
                raise
        if nginx.poll() is None:
            return nginx, proxy_port, config
    raise RuntimeError("nginx did not start on any of five ports")


def slow_bodies(port: int, count: int) -> list[socket.socket]:
    """Connections that declare a 1 MB body and send 30 bytes of it."""
    connections = []
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(
            b"POST /apply/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n"
            b"Content-Type: multipart/form-data; boundary=xyz\r\n\r\n--xyz\r\n" + b"x" * 23
        )
        connections.append(connection)
    time.sleep(0.5)  # let each reach a worker (or nginx)
    return connections


def jobs_page_answers(port: int, *, within: float = 3) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=within) as connection:
        connection.sendall(b"GET /jobs/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        try:
            return connection.recv(100).startswith(b"HTTP/1.1 200")
        except TimeoutError:
            return False


def test_two_slow_bodies_hold_both_workers_without_the_proxy(site):
    connections = slow_bodies(site["app"], 2)
    try:
        assert not jobs_page_answers(site["app"])  # the fault the proxy is there for
    finally:
        for connection in connections:
            connection.close()


def test_through_nginx_slow_bodies_never_reach_a_worker(site):
    connections = slow_bodies(site["proxy"], 20)
    try:
        # Blocked, it would never answer; on a machine busy with other tests it may be slow.
        assert jobs_page_answers(site["proxy"], within=30)
    finally:
        for connection in connections:
            connection.close()


def test_nginx_refuses_a_body_over_the_application_limit_itself(site):
    megabytes = int(site["config"].split("client_max_body_size ")[1].split("m;")[0])
    assert megabytes * 1024 * 1024 >= application_max_bytes()  # a CV at the limit passes
    with socket.create_connection(("127.0.0.1", site["proxy"]), timeout=3) as connection:
        connection.sendall(
            b"POST /apply/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 300000000\r\n\r\n"
        )
        assert connection.recv(100).startswith(b"HTTP/1.1 413")


class Visitor:
    """A browser at an address of its own, through nginx: keeps its cookies and sends
    the CSRF token with every form."""

    def __init__(self, port: int, number: int):
        self.port = port
        self.address = f"127.0.0.{number}"
        self.cookies = SimpleCookie()

    def get(self, path: str) -> http.client.HTTPResponse:
        return self._request("GET", path)

    def post(self, path: str, form: dict) -> http.client.HTTPResponse:
        if not any(name.endswith("csrftoken") for name in self.cookies):
            self.get(path)
        token = next(cookie.value for name, cookie in self.cookies.items() if "csrf" in name)
        return self._request("POST", path, {**form, "csrfmiddlewaretoken": token})

    def _request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=10, source_address=(self.address, 0)
        )
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.body = response.read()
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(cookie)
        return response


def form_errors(page) -> str:
    return " ".join(re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', page.body.decode(), re.S))


def log_in(visitor: Visitor, username: str, password: str):
    return visitor.post("/accounts/login/", {"login": username, "password": password})


def test_failed_logins_of_ten_visitors_leave_a_staff_users_login_working(site):
    for number in range(2, 12):  # ten strangers, each guessing a name that does not exist
        guess = log_in(Visitor(site["proxy"], number), f"gissning{number}", "fel lösenord")
        assert guess.status == 200  # the form again, with its error

    staff = Visitor(site["proxy"], 12)
    second_factor = log_in(staff, "hm", STAFF_PASSWORD)
    assert second_factor.status == 302, form_errors(second_factor)
    assert second_factor.headers["Location"] == "/accounts/2fa/authenticate/"
    logged_in = staff.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert (logged_in.status, logged_in.headers["Location"]) == (302, "/recruit/")
    assert staff.get("/recruit/").status == 200


def test_a_strangers_wrong_passwords_lock_the_account_only_at_the_strangers_address(site):
    stranger = Visitor(site["proxy"], 20)
    for _ in range(5):
        log_in(stranger, "hm", "fel lösenord")
    assert log_in(stranger, "hm", STAFF_PASSWORD).status == 200  # locked there, right or not

    staff = Visitor(site["proxy"], 21)
    assert log_in(staff, "hm", STAFF_PASSWORD).headers["Location"] == "/accounts/2fa/authenticate/"


def test_password_resets_of_seven_visitors_are_all_answered(site):
    answers = [
        Visitor(site["proxy"], 30 + number)
        .post("/accounts/password/reset/", {"email": f"person{number}@example.se"})
        .status
        for number in range(7)
    ]

    assert answers == [302] * 7


def test_static_files_keep_their_type_and_the_security_headers(site):
    stylesheet = Visitor(site["proxy"], 40).get("/static/ats/ats.css")

    assert stylesheet.status == 200
    assert stylesheet.headers["Content-Type"] == "text/css"
    assert stylesheet.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in stylesheet.headers["Content-Security-Policy"]


def test_nginxs_own_error_pages_carry_the_security_headers(site):
    with socket.create_connection(("127.0.0.1", site["proxy"]), timeout=3) as connection:
        connection.sendall(
            b"POST /apply/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 300000000\r\n\r\n"
        )
        head = connection.recv(4096).split(b"\r\n\r\n")[0].decode().lower()

    assert head.startswith("http/1.1 413")
    assert "content-security-policy: default-src 'none'" in head
    assert "x-content-type-options: nosniff" in head


def test_the_apps_own_headers_pass_through_nginx_once(site):
    page = Visitor(site["proxy"], 41).get("/jobs/")

    assert page.status == 200
    assert len(page.headers.get_all("Content-Security-Policy")) == 1
    assert "form-action 'self'" in page.headers["Content-Security-Policy"]  # the app's own
    assert page.headers.get_all("X-Content-Type-Options") == ["nosniff"]
