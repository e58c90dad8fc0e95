"""Receipts go out from the worker, once each, from the applications themselves."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ats import cv_checks, tasks
from ats.models import Application, EmailTemplate, PrivacyNotice
from ats.services.applications import submit_application
from ats.services.candidate_rights import request_erasure
from tests.factories import ApplicationFactory, OpeningFactory, sent_emails
from tests.faults import send_mail_to


def submit(sample_upload, **fields):
    defaults = {"opening": None, "name": "Astrid Lindqvist", "consent": True, "language": "sv"}
    return submit_application(
        email="astrid@example.se",
        cv=cv_checks.validate_cv(sample_upload("pdf")),
        **{**defaults, **fields},
    )


@pytest.mark.django_db
def test_the_worker_sends_each_receipt_once_in_the_candidates_language(notice, sample_upload):
    submit(sample_upload, opening=OpeningFactory(title="Lagerchef"))
    submit(sample_upload, language="en")
    assert mail.outbox == []  # applying sends nothing itself

    assert "receipts: 2" in tasks.send_emails()
    first, second = sorted(mail.outbox, key=lambda m: m.subject)
    assert first.subject == "Vi har tagit emot din ansökan till Lagerchef"
    assert second.subject == "We received your spontaneous application"
    assert not Application.objects.filter(receipt_sent_at__isnull=True).exists()

    assert sent_emails("receipts") == 0  # nobody gets a second one
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_an_application_erased_before_its_receipt_gets_none(notice, sample_upload):
    submit(sample_upload)
    request_erasure(application=Application.objects.get())
    assert sent_emails("receipts") == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_receipts_wait_for_a_mail_server_that_is_down(settings, notice, sample_upload, dead_port):
    ApplicationFactory.create_batch(3, receipt_sent_at=None)
    send_mail_to(settings, dead_port)
    assert sent_emails("receipts") == 0
    assert Application.objects.filter(receipt_sent_at__isnull=True).count() == 3

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sent_emails("receipts") == 3  # in batches, until none is left
    assert len(mail.outbox) == 3


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_insert_commits_alone_and_a_failure_leaves_nothing(
    notice, sample_upload, cv_files
):
    submission = submit(sample_upload)
    assert Application.objects.get().public_id == submission.public_id
    assert len(cv_files.remaining()) == 1

    with pytest.raises(IntegrityError):
        submit(sample_upload, name=None)  # NOT NULL in every database
    assert Application.objects.count() == 1
    assert len(cv_files.remaining()) == 1  # the second CV was removed again


@pytest.mark.django_db
def test_in_a_callers_transaction_a_failed_insert_leaves_it_usable(notice, sample_upload, cv_files):
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            submit(sample_upload, name=None)
        # PostgreSQL refuses every statement of an aborted transaction; the savepoint
        # around the INSERT keeps this one usable.
        assert PrivacyNotice.objects.filter(pk=notice.pk).exists()
        submit(sample_upload)
    assert Application.objects.count() == 1
    assert len(cv_files.remaining()) == 1


@pytest.mark.slow  # the schema migrated back, and forward again
@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_receipts_sent_before_it_as_sent():
    earlier = ApplicationFactory(
        cv="cv/shared.pdf", submitted_at=timezone.now() - timedelta(1), receipt_sent_at=None
    )
    call_command("migrate", "ats", "0003", verbosity=0)
    assert "receipt_sent_at" not in {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), "ats_application"
        )
    }
    call_command("migrate", "ats", verbosity=0)
    assert Application.objects.get().receipt_sent_at == earlier.submitted_at


def test_emails_are_signed_with_the_employers_name(settings, notice, sample_upload, client):
    settings.ATS_EMPLOYER_NAME = "Exempel AB"
    settings.DEFAULT_FROM_EMAIL = "jobb@exempel.se"
    client.post(
        "/apply/", {"name": "A", "email": "a@example.se", "cv": sample_upload(), "consent": "on"}
    )
    sent_emails("receipts")

    [receipt] = mail.outbox
    assert receipt.from_email == "Exempel AB <jobb@exempel.se>"
    assert receipt.body.rstrip().endswith("-- \nExempel AB")


@pytest.mark.django_db
def test_the_receipt_is_the_employers_template_as_edited_in_the_admin(notice, sample_upload):
    EmailTemplate.objects.filter(key="received").update(
        subject_sv="Tack för din ansökan till {opening}!", body_sv="Hej {first_name}! {link}"
    )
    submit(sample_upload, opening=OpeningFactory(title="Lagerchef"))

    sent_emails("receipts")

    [receipt] = mail.outbox
    assert receipt.subject == "Tack för din ansökan till Lagerchef!"
    assert receipt.body.startswith("Hej Astrid! http") and "/my-application/" in receipt.body


@pytest.mark.django_db
def test_a_receipt_waits_while_its_template_is_missing_and_goes_once_it_is_back(
    notice, sample_upload
):
    kept = EmailTemplate.objects.get(key="received_spontaneous")
    kept.delete()
    submit(sample_upload)

    assert sent_emails("receipts") == 0
    kept.save()
    assert sent_emails("receipts") == 1
