"""The documented deployment: nginx (deploy/nginx.conf, as shipped) in front of gunicorn
with two sync workers. Slow bodies tie up a worker each when they reach gunicorn;
through nginx they never reach it, and /jobs/ keeps answering."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ats.views.body_limits import application_max_bytes
from tests.faults import free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIG = ROOT / "deploy" / "nginx.conf"


def wait_for(port: int) -> None:
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


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
    }
    environment.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate"], ["createcachetable"]):
        subprocess.run([*manage, *command, "--verbosity", "0"], env=environment, check=True)
    app_port, proxy_port = free_port(), free_port()
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            *("--workers", "2", "--bind", f"127.0.0.1:{app_port}", "--timeout", "30"),
            *("--log-level", "error"),
        ],
        cwd=ROOT,
        env=environment,
    )
    config = (
        CONFIG.read_text()
        .replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
        .replace("listen 8080", f"listen 127.0.0.1:{proxy_port}")
        .replace("/run/nginx-ats.pid", str(folder / "nginx.pid"))
    )
    (folder / "nginx.conf").write_text(config)
    nginx = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
    )
    try:
        wait_for(app_port)
        wait_for(proxy_port)
        yield {"app": app_port, "proxy": proxy_port, "config": config}
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
            process.wait(timeout=10)


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


def jobs_page_answers(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=3) as connection:
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
        assert jobs_page_answers(site["proxy"])
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
