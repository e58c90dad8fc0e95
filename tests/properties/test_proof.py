"""Proof for an auditor: the deletion certificate, the record of processing, and the
statistics that survive the purge."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from ats.models import DeletionReason, DeletionRecord
from ats.services.purge import purge_due
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, grant
from tests.helpers import logged_in_staff, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    return logged_in_staff(client, "dataskydd", "handle_privacy_requests", "view_retention")


def test_a_deletion_certificate_names_the_rule_and_the_ledger_entry(client, officer):
    application = ApplicationFactory(decided=True, delete_after=timezone.now() - timedelta(hours=1))
    purge_due()
    record = DeletionRecord.objects.get()

    response = client.get(f"/recruit/privacy/certificate/?public_id={application.public_id}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode()
    assert str(application.public_id) in text
    assert "retention_expired" in text and "2 years after the hiring decision" in text
    assert f"Erasure ledger object {record.ledger_object}" in text
    assert json.dumps(str(application.public_id)) in text  # the entry itself, quoted
    assert application.name not in text and application.email not in text


def test_certificates_need_the_permission_and_an_existing_deletion(client, officer):
    assert client.get("/recruit/privacy/certificate/?public_id=nonsense").status_code == 404
    unknown = "00000000-0000-4000-8000-000000000001"
    assert client.get(f"/recruit/privacy/certificate/?public_id={unknown}").status_code == 404
    client.force_login(UserFactory(username="rekryterare"))
    application = ApplicationFactory(consented=True, delete_after=timezone.now())
    purge_due()
    url = f"/recruit/privacy/certificate/?public_id={application.public_id}"
    assert client.get(url).status_code == 404


def test_the_record_of_processing_follows_the_settings(settings):
    settings.ATS_CONSENT_RETENTION = 1
    settings.ATS_CONTROLLER_NAME = "Exempel AB"
    settings.ATS_REPORT_THRESHOLD = 10
    record = json.loads(run("ats_processing_record", "--json"))

    assert record["controller"]["name"] == "Exempel AB"
    assert record["erasure_time_limits"]["spontaneous application with consent"] == (
        "1 year after consent"
    )
    assert {"CV (file)", "messages between the hiring team and the candidate"} <= set(
        record["data_categories"]
    )
    assert {r["role"] for r in record["recipients"]} >= {
        "ats.download_cv",
        "hiring team of an opening",
    }
    assert record["storage"]["cv_files"]["kind"] == "private folder"
    assert "counts only" in record["kept_after_deletion"]
    assert "fewer than 10" in record["kept_after_deletion"]
    markdown = run("ats_processing_record")
    assert markdown.startswith("# Record of processing")
    assert "1 year after consent" in markdown


def test_the_record_names_the_bucket_and_its_region_on_s3(s3_cv_files):
    record = json.loads(run("ats_processing_record", "--json"))
    assert record["storage"]["cv_files"]["kind"] == "S3 bucket"
    assert record["storage"]["cv_files"]["region"] == "eu-north-1"


def test_the_dashboard_leads_to_what_survives_the_purge(client, officer):
    opening = OpeningFactory(title="Lagerchef")
    ApplicationFactory.create_batch(
        5, opening=opening, stage="interview", decided=True, delete_after=timezone.now()
    )
    purge_due()
    page = client.get("/recruit/retention/").content.decode()
    assert "Kept from deleted applications" in page and 'href="/recruit/reports/"' in page

    grant(officer, "view_all_applications")
    deletions = client.get("/recruit/reports/").context["reports"].get("deletions")
    retention_ended = str(DeletionReason.RETENTION_EXPIRED.label)
    assert [row.cells[0].count for row in deletions.rows if row.label == retention_ended] == [5]
