"""A server error is recorded, on stderr and by email to ADMINS, without personal data:
no form field, no exception message, no self-service token (ASVS 16.2)."""

import io
import logging

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from ats.person_keys import person_key
from tests.factories import ApplicationFactory, OpeningFactory, emailed_link, opened
from tests.helpers import team_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def stderr_log():
    """What the project's console handler writes (to stderr in production)."""
    [console] = [h for h in logging.getLogger().handlers if h.name == "console"]
    written = io.StringIO()
    earlier = console.setStream(written)
    yield written
    console.setStream(earlier)


def test_a_500_is_recorded_without_personal_data(settings, stderr_log):
    settings.ADMINS = [("Drift", "drift@example.se")]
    client = Client(raise_request_exception=False)
    page = opened(client, emailed_link(ApplicationFactory(name="Astrid Lindqvist")))
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE ats_application RENAME TO ats_application_gone")

    response = client.post(
        page + "edit/",
        {"name": "Astrid Hemlig", "email": "astrid.hemlig@example.se"},
    )

    assert response.status_code == 500
    logged = stderr_log.getvalue()
    [report] = mail.outbox
    for record in (logged, report.subject + report.body):
        assert "Internal Server Error: /my-application/…/edit/" in record
        assert "OperationalError" in record or "ProgrammingError" in record
        for secret in ("Astrid", "astrid.hemlig", "ats_application_gone"):
            assert secret not in record, secret


def test_a_self_service_token_never_reaches_the_log(client, stderr_log, db):
    link = emailed_link(ApplicationFactory())
    token = link.split("/")[2]
    client.get(link.replace(token, token[:-3] + "xyz"))  # tampered: a 404, logged

    logged = stderr_log.getvalue()
    assert "Not Found: /my-application/…/" in logged
    assert token[:20] not in logged


def test_a_persons_key_never_reaches_the_log(stderr_log, db):
    """The key is the address, encrypted: a page of someone since deleted is a 404."""
    key = person_key("astrid.lindqvist@example.se")
    assert team_client(OpeningFactory()).get(f"/recruit/people/{key}/").status_code == 404

    logged = stderr_log.getvalue()
    assert "Not Found: /recruit/people/…/" in logged
    assert key[:20] not in logged
