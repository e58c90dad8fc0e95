"""A new version of the privacy notice is announced by email to every candidate whose
application is kept, once per version and address; consents keep citing their version."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ats.models import Application, NoticeChangeEmail, PrivacyNotice
from ats.services.erasure import erase_applications_now
from ats.services.notice_changes import announce_notice_changes
from ats.services.outbox import drain_outbox
from tests.factories import ApplicationFactory, PrivacyNoticeFactory, UserFactory, sent_emails
from tests.faults import send_mail_to
from tests.helpers import text

pytestmark = pytest.mark.django_db


def new_version(**fields) -> PrivacyNotice:
    return PrivacyNoticeFactory(
        change_summary_sv="Vi sparar nu IP-adresser kortare.",
        change_summary_en="We now keep IP addresses for a shorter time.",
        published_at=fields.pop("published_at", timezone.now()),
        announced_at=None,
        **fields,
    )


def test_each_kept_candidate_is_told_once_in_their_language(notice):
    first = ApplicationFactory(email="astrid@example.se", language="sv", privacy_notice=notice)
    ApplicationFactory(email="ASTRID@example.se", language="sv")  # the same person
    ApplicationFactory(email="john@example.se", language="en")
    ApplicationFactory(  # erased: no longer kept, not told
        email="gone@example.se", delete_after=timezone.now(), deletion_reason="erasure_requested"
    )
    version = new_version()

    assert announce_notice_changes() == 2
    assert announce_notice_changes() == 0  # once per version
    assert sent_emails("privacy notice changes") == 2

    by_address = {message.to[0].lower(): message for message in mail.outbox}
    assert set(by_address) == {"astrid@example.se", "john@example.se"}
    assert "Vi sparar nu IP-adresser kortare." in by_address["astrid@example.se"].body
    assert "We now keep IP addresses for a shorter time." in by_address["john@example.se"].body
    assert "/privacy/" in by_address["john@example.se"].body
    assert not NoticeChangeEmail.objects.exists()  # the addresses go once sent
    first.refresh_from_db()
    assert first.privacy_notice == notice != version  # the consent cites its own version


def test_a_candidate_erased_before_the_announcement_went_is_not_told(notice):
    """The announcement waited (a mail server down); meanwhile the candidate was erased:
    her address goes from the outbox with nothing sent."""
    erased = ApplicationFactory(email="astrid@example.se")
    ApplicationFactory(email="john@example.se")
    new_version()
    assert announce_notice_changes() == 2  # queued; the worker has not run yet
    erase_applications_now(applications=Application.objects.filter(pk=erased.pk),
                           requested_by=UserFactory())  # fmt: skip

    assert drain_outbox().sent["privacy notice changes"] == 1
    told = [message.to for message in mail.outbox if "/privacy/" in message.body]
    assert told == [["john@example.se"]]  # Astrid got only her erasure's receipt
    assert not NoticeChangeEmail.objects.exists()


def test_an_erased_candidates_address_is_not_kept_while_the_mail_server_is_down(
    notice, settings, dead_port
):
    erased = ApplicationFactory(email="astrid@example.se")
    ApplicationFactory(email="john@example.se")
    new_version()
    announce_notice_changes()
    erase_applications_now(applications=Application.objects.filter(pk=erased.pk),
                           requested_by=UserFactory())  # fmt: skip
    send_mail_to(settings, dead_port)

    assert drain_outbox().server_unavailable

    assert list(NoticeChangeEmail.objects.values_list("email", flat=True)) == ["john@example.se"]


def test_a_version_is_announced_when_it_comes_into_force(notice):
    ApplicationFactory()
    new_version(published_at=timezone.now() + timedelta(days=3))

    assert announce_notice_changes() == 0
    assert mail.outbox == []


def test_the_admin_asks_for_the_summary_and_privacy_lists_the_versions(client, notice):
    client.force_login(UserFactory(username="admin", is_superuser=True))
    form = {
        "version": notice.version + 1,  # the factory numbers from however many ran before
        "published_at_0": timezone.localdate().isoformat(),
        "published_at_1": "00:00:00",
        "text_sv": "Ny text",
        "text_en": "New text",
    }

    before = PrivacyNotice.objects.count()
    refused = client.post("/admin/ats/privacynotice/add/", form)
    client.post(
        "/admin/ats/privacynotice/add/",
        {**form, "change_summary_sv": "Kortare tider.", "change_summary_en": "Shorter times."},
    )

    assert "Say briefly what changed" in text(refused)
    assert PrivacyNotice.objects.count() == before + 1
    page = text(client.get("/privacy/"))
    assert "New text" in page and f"Version {notice.version}, from" in page
    assert "New text" not in text(client.get(f"/privacy/?version={notice.version}"))
