"""What a deletion leaves: a receipt to the candidate who asked for it (the counts it
leaves are in test_report_counts.py)."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from ats.models import ErasureReceipt
from ats.services import candidate_rights
from ats.services.purge import purge_due
from tests.factories import ApplicationFactory, OpeningFactory, sent_emails
from tests.faults import send_mail_to

pytestmark = pytest.mark.django_db


def test_the_candidate_is_told_when_an_erasure_is_carried_out():
    opening = OpeningFactory(title="Lagerchef")
    erased = ApplicationFactory(
        opening=opening,
        email="astrid@example.se",
        language="sv",
        cover_letter="Mitt personliga brev",
    )
    ApplicationFactory(consented=True, delete_after=timezone.now())  # expired: no receipt
    candidate_rights.request_erasure(application=erased)
    purge_due()
    assert mail.outbox == []  # the purge writes the outbox; the worker sends it

    assert sent_emails("erasure receipts") == 1

    [receipt] = mail.outbox
    assert receipt.to == ["astrid@example.se"]
    assert receipt.subject == "Din ansökan har raderats"  # in the language she applied in
    assert "Lagerchef" in receipt.body and "ditt CV" in receipt.body
    assert "Mitt personliga brev" not in receipt.body and receipt.attachments == []


def test_withdrawal_receipts_can_be_switched_off(settings):
    settings.ATS_SEND_ERASURE_RECEIPTS = False
    withdrawn = ApplicationFactory(consented=True, delete_after=timezone.now() + timedelta(days=9))
    candidate_rights.withdraw_consent(application=withdrawn)
    purge_due()
    assert not ErasureReceipt.objects.exists()
    assert sent_emails("erasure receipts") == 0 and mail.outbox == []


def erased(count: int) -> list:
    applications = [
        ApplicationFactory(email=f"kandidat{n}@example.se", language="en") for n in range(count)
    ]
    for application in applications:
        candidate_rights.request_erasure(application=application)
    return applications


def test_one_refused_erasure_receipt_is_undeliverable_and_stops_no_other(smtp_server):
    erased(2)
    smtp_server.refuse = {"kandidat0@example.se"}  # the first address, refused for good

    summary = purge_due()

    assert summary.deleted == {"erasure_requested": 2}  # the purge knows nothing of mail
    assert sent_emails("erasure receipts") == 1
    assert [to for to, _ in smtp_server.received] == [["kandidat1@example.se"]]
    refused = ErasureReceipt.objects.get()  # the one sent is gone, address and all
    assert refused.email == "kandidat0@example.se"
    assert refused.undeliverable_at and refused.failure == "refused by the mail server (550)"

    smtp_server.refuse = set()
    assert sent_emails("erasure receipts") == 0  # a 5xx is final: not tried again
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        sent_emails()
    assert not ErasureReceipt.objects.exists()  # nor is its address kept


def test_erasure_receipts_wait_for_a_mail_server_that_is_down_and_then_expire(settings, dead_port):
    erased(2)
    send_mail_to(settings, dead_port)

    assert purge_due().deleted.total() == 2
    assert sent_emails("erasure receipts") == 0
    assert ErasureReceipt.objects.count() == 2

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert sent_emails("erasure receipts") == 0
    assert not ErasureReceipt.objects.exists()  # the addresses are not kept for ever
