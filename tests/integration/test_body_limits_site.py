"""ASVS 15.2.2: every view of the site measures a body before it is read, not only
ats's own (tests/views/test_request_limits.py): allauth's login and the admin's, with
no proxy in front, refuse a body over the form limit at once instead of spooling it to
disk; the application form keeps its own, larger limit."""

import io

import pytest
from pypdf import PdfWriter

from ats.models import Application
from ats.views.body_limits import form_max_bytes
from tests.faults import send_headers_and_a_little
from tests.helpers import form_data, upload

pytestmark = pytest.mark.django_db
SIXTY_MIB = 60 * 1024 * 1024


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
