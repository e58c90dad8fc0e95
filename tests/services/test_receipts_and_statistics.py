"""What survives a deletion: a receipt to the candidate who asked, and counts of nobody."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ats.models import ApplicationStatistic
from ats.services import privacy
from ats.services.purge import purge_due
from tests.factories import ApplicationFactory, OpeningFactory

pytestmark = pytest.mark.django_db


def test_the_candidate_is_told_when_an_erasure_is_carried_out(django_capture_on_commit_callbacks):
    opening = OpeningFactory(title="Lagerchef")
    erased = ApplicationFactory(
        opening=opening,
        email="astrid@example.se",
        language="sv",
        cover_letter="Mitt personliga brev",
    )
    ApplicationFactory(consented=True, delete_after=timezone.now())  # expired: no receipt
    privacy.request_erasure(application=erased)

    with django_capture_on_commit_callbacks(execute=True):
        purge_due()

    [receipt] = mail.outbox
    assert receipt.to == ["astrid@example.se"]
    assert receipt.subject == "Din ansökan har raderats"  # in the language she applied in
    assert "Lagerchef" in receipt.body and "ditt CV" in receipt.body
    assert "Mitt personliga brev" not in receipt.body and receipt.attachments == []


def test_withdrawal_receipts_can_be_switched_off(settings, django_capture_on_commit_callbacks):
    settings.ATS_SEND_ERASURE_RECEIPTS = False
    withdrawn = ApplicationFactory(consented=True, delete_after=timezone.now() + timedelta(days=9))
    privacy.withdraw_consent(application=withdrawn)
    with django_capture_on_commit_callbacks(execute=True):
        purge_due()
    assert mail.outbox == []


def test_counts_per_opening_month_and_stage_survive_the_purge():
    opening = OpeningFactory()
    march = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)  # already March in Sweden
    for stage in ("new", "interview", "interview", "hired"):
        ApplicationFactory(
            opening=opening,
            stage=stage,
            submitted_at=march,
            decided=True,
            delete_after=timezone.now(),
        )
    ApplicationFactory(consented=True, submitted_at=march, delete_after=timezone.now())

    purge_due(batch_size=2)

    counts = {}
    for statistic in ApplicationStatistic.objects.all():
        key = (statistic.opening_id, statistic.month.isoformat(), statistic.stage)
        counts[key] = counts.get(key, 0) + statistic.applications
    assert counts == {
        (opening.pk, "2026-03-01", "new"): 1,
        (opening.pk, "2026-03-01", "interview"): 2,
        (opening.pk, "2026-03-01", "hired"): 1,
        (None, "2026-03-01", "new"): 1,
    }
    assert (
        set(ApplicationStatistic._meta.get_fields())
        - {
            ApplicationStatistic._meta.get_field(name)
            for name in ("id", "opening", "month", "stage", "applications")
        }
        == set()
    )  # nothing else is kept: no name, no date of birth, no id of a person
