"""A server error is recorded, on stderr and by email to ADMINS, without personal data:
no form field, no exception message, no self-service token (ASVS 16.2)."""

import io
import logging

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from ats import tokens
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stderr_log():
    """What the project's console handler writes (to stderr in production)."""
    [console] = [h for h in logging.getLogger("django").handlers if h.name == "console"]
    written = io.StringIO()
    earlier = console.setStream(written)
    yield written
    console.setStream(earlier)


def test_a_500_is_recorded_without_personal_data(settings, stderr_log):
    settings.ADMINS = [("Drift", "drift@example.se")]
    token = tokens.make_token(ApplicationFactory(name="Astrid Lindqvist").public_id)
    client = Client(raise_request_exception=False)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE ats_application RENAME TO ats_application_gone")

    response = client.post(
        f"/my-application/{token}/edit/",
        {"name": "Astrid Hemlig", "email": "astrid.hemlig@example.se"},
    )

    assert response.status_code == 500
    logged = stderr_log.getvalue()
    [report] = mail.outbox
    for record in (logged, report.subject + report.body):
        assert "Internal Server Error: /my-application/…/edit/" in record
        assert "OperationalError" in record or "ProgrammingError" in record
        for secret in (token, "Astrid", "astrid.hemlig", "ats_application_gone"):
            assert secret not in record, secret
