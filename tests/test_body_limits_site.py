"""ASVS 15.2.2: every view of the site measures a body before it is read, not only
ats's own (tests/views/test_request_limits.py): allauth's login and the admin's, with
no proxy in front, refuse a body over the form limit at once instead of spooling it to
disk; the application form keeps its own, larger limit."""

import io
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from pypdf import PdfWriter

from ats.models import Application
from ats.views.body_limits import form_max_bytes
from tests.conftest import upload
from tests.views.test_public import form_data

pytestmark = pytest.mark.django_db
SIXTY_MIB = 60 * 1024 * 1024
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


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/", "/accounts/password/reset/"])
def test_a_login_form_refuses_60_mib_before_reading_it(live_server, path):
    answer = send_headers_and_a_little(live_server, path, declared=SIXTY_MIB)

    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    head = answer.split(b"\r\n\r\n")[0].decode()
    assert "Content-Security-Policy: " in head and "default-src 'none'" in head


def test_a_body_over_the_form_limit_is_refused_and_one_at_it_is_read(client):
    at_the_limit = "login=x&password=" + "y" * (form_max_bytes() - len("login=x&password="))
    form = "application/x-www-form-urlencoded"

    read = client.post("/accounts/login/", at_the_limit, content_type=form)
    refused = client.post("/accounts/login/", at_the_limit + "y", content_type=form)

    assert read.status_code == 200  # the form again: a wrong login
    assert refused.status_code == 413


def test_the_application_form_keeps_its_own_larger_limit(client, notice, cv_files):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Subject": "Erfarenhet " * 40_000})  # about 440 KB
    pdf = io.BytesIO()
    writer.write(pdf)
    assert len(pdf.getvalue()) > form_max_bytes()

    response = client.post("/apply/", form_data(upload("cv.pdf", pdf.getvalue()), consent="on"))

    assert response.status_code == 302, response.content[-800:]
    assert Application.objects.count() == 1


def test_the_api_refuses_a_body_over_the_limit_as_a_problem(client):
    response = client.post(
        "/api/v1/openings/",
        "{}",
        content_type="application/json",
        CONTENT_LENGTH=str(SIXTY_MIB),
        HTTP_AUTHORIZATION="Bearer not-even-a-key",
    )

    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 413
