"""Privacy rules that mutating the code showed no test pinned: each test here fails if
its rule is bent by one comparison or one filter. Through services and pages."""

import os
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from ats import retention, storage
from ats.models import (
    AccessEvent,
    Application,
    DeletionRecord,
    Note,
    PrivacyNotice,
    on_hold,
    past_its_date,
)
from ats.services.consent import ask_for_consent_renewals
from ats.services.purge import purge_due
from tests.factories import (
    ApplicationFactory,
    OpeningFactory,
    PrivacyNoticeFactory,
    UserFactory,
    sent_emails,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_an_application_due_this_very_moment_is_due_and_deleted():
    today = ApplicationFactory(consented=True, delete_after=NOW)
    ApplicationFactory(consented=True, delete_after=NOW + timedelta(microseconds=1))

    assert list(Application.objects.due(now=NOW)) == [today]
    assert list(Application.objects.live(now=NOW)) != [today]
    assert purge_due(now=NOW).deleted.total() == 1
    assert DeletionRecord.objects.get().public_id == today.public_id


@pytest.mark.django_db(transaction=True)  # the move comes on the file thread's connection
def test_nothing_can_move_the_date_of_an_application_once_claimed(monkeypatch, cv_files):
    """Between the claim and the tombstone, the CV is being deleted: a write that would
    keep the application (a new date, a hold) must find nothing to change."""
    claimed = ApplicationFactory(consented=True, delete_after=NOW)
    real_delete, moved = storage.delete_cv_files, []

    def move_then_delete(keys, **options):
        rows = Application.objects.filter(pk=claimed.pk)
        moved.append(rows.update(delete_after=NOW + timedelta(days=1), hold_reason="Tvist"))
        return real_delete(keys, **options)

    monkeypatch.setattr(storage, "delete_cv_files", move_then_delete)
    assert purge_due(now=NOW).deleted.total() == 1
    assert moved == [0]
    assert not Application.objects.exists() and cv_files.remaining() == []
    assert DeletionRecord.objects.get().public_id == claimed.public_id


@pytest.mark.parametrize(
    ("hold_until", "kept"),
    [(NOW, False), (NOW + timedelta(seconds=1), True), (None, True)],
    ids=["ends-now", "ends-in-a-second", "no-end"],
)
def test_a_legal_hold_holds_until_the_moment_it_ends(hold_until, kept):
    ApplicationFactory(
        consented=True,
        delete_after=NOW - timedelta(days=1),
        hold_reason="Tvist AD 2026-7",
        hold_until=hold_until,
    )
    summary = purge_due(now=NOW)
    assert Application.objects.exists() is kept
    assert (summary.held, summary.deleted.total()) == ((1, 0) if kept else (0, 1))


def test_a_restricted_application_is_never_asked_to_renew_its_consent():
    ending = timezone.now() + timedelta(days=10)
    restricted = ApplicationFactory(consented=True, delete_after=ending, restricted_at=NOW)
    asked = ApplicationFactory(consented=True, delete_after=ending)

    assert ask_for_consent_renewals() == 1
    sent_emails()
    assert [message.to for message in mail.outbox] == [[asked.email]]
    restricted.refresh_from_db()
    assert restricted.renewal_requested_at is None


def test_recruiter_search_never_finds_a_restricted_application(client):
    opening = OpeningFactory()
    ApplicationFactory(opening=opening, name="Astrid Lindqvist", restricted_at=NOW)
    found = ApplicationFactory(opening=opening, name="Astrid Berg")
    recruiter = UserFactory(is_staff=True)
    recruiter.user_permissions.add(Permission.objects.get(codename="view_all_applications"))
    client.force_login(recruiter)

    client.post(f"/recruit/openings/{opening.pk}/", {"q": "Astrid"})
    page = client.get(f"/recruit/openings/{opening.pk}/")

    listed = [application.public_id for application in page.context["applicants"].page]
    assert listed == [found.public_id]
    assert "Lindqvist" not in page.content.decode()


def test_an_access_log_retention_given_as_a_timedelta_keeps_the_log_that_long(settings):
    settings.ATS_ACCESS_LOG_RETENTION = timedelta(days=30)
    for days in (31, 29):
        AccessEvent.objects.create(
            action="view",
            public_id=f"00000000-0000-4000-8000-{days:012d}",
            at=NOW - timedelta(days=days),
        )
    assert purge_due(now=NOW).access_events == 1
    [kept] = AccessEvent.objects.all()
    assert kept.at == NOW - timedelta(days=29)


def test_the_sweep_command_reports_what_it_found_and_deleted(cv_files, settings):
    settings.ATS_ORPHAN_GRACE = timedelta(hours=1)
    referenced = ApplicationFactory()
    cv_files.put("cv/orphan-1.pdf", b"%PDF-1.7")
    cv_files.put("cv/orphan-2.pdf", b"%PDF-1.7")
    later = timezone.now() + timedelta(hours=2)
    cv_files.put("cv/upload-in-progress.pdf", b"%PDF-1.7")  # 30 minutes old at `later`
    young = (later - timedelta(minutes=30)).timestamp()
    os.utime(cv_files.root / "cv" / "upload-in-progress.pdf", (young, young))

    with time_machine.travel(later):
        dry, real = StringIO(), StringIO()
        call_command("ats_sweep_storage", "--dry-run", stdout=dry)
        call_command("ats_sweep_storage", stdout=real)

    assert "older than the grace period: 2 (none deleted)" in dry.getvalue()
    assert "Orphan CV files deleted: 2; failed: 0" in real.getvalue()
    assert cv_files.remaining() == sorted([referenced.cv.name, "cv/upload-in-progress.pdf"])


def test_the_notice_in_force_at_a_moment_is_the_newest_published_by_then():
    first = PrivacyNoticeFactory(published_at=NOW - timedelta(days=30))
    PrivacyNoticeFactory(published_at=NOW + timedelta(days=1))  # published tomorrow
    assert PrivacyNotice.objects.current(now=NOW) == first


def test_records_are_named_without_personal_data_wherever_they_are_listed():
    """The admin's lists, logs and messages name records by these: never by a person."""
    application = ApplicationFactory(name="Astrid Lindqvist")
    note = Note.objects.create(application=application, text="Stark kandidat", created_at=NOW)
    notice = PrivacyNoticeFactory(version=7)
    assert str(application) == str(application.public_id)
    assert str(note) == "Note of 1 June 2026"
    assert str(notice) == "Privacy notice, version 7"


@pytest.mark.parametrize(
    "delete_after",
    [None, NOW - timedelta(microseconds=1), NOW, NOW + timedelta(microseconds=1)],
    ids=["no-date", "a-moment-before", "this-moment", "a-moment-after"],
)
def test_due_means_the_same_in_the_policy_and_in_every_query(delete_after):
    """retention.is_due and the filter the querysets and the purge use agree."""
    application = ApplicationFactory(
        consented=delete_after is not None, opening=None, delete_after=delete_after
    )
    due_by_policy = retention.is_due(delete_after, now=NOW)
    assert Application.objects.filter(past_its_date(NOW)).exists() is due_by_policy
    assert Application.objects.due(now=NOW).exists() is due_by_policy
    assert Application.objects.live(now=NOW).exists() is not due_by_policy
    assert Application.objects.undated().exists() is (delete_after is None)
    assert (purge_due(now=NOW).deleted.total() == 1) is due_by_policy
    assert Application.objects.filter(pk=application.pk).exists() is not due_by_policy


@pytest.mark.parametrize(
    ("hold_reason", "hold_until"),
    [
        ("", None),
        ("", NOW + timedelta(days=1)),
        ("Tvist", None),
        ("Tvist", NOW - timedelta(microseconds=1)),
        ("Tvist", NOW),
        ("Tvist", NOW + timedelta(microseconds=1)),
    ],
    ids=["none", "an-end-alone", "until-lifted", "ended", "ends-this-moment", "ends-later"],
)
def test_on_hold_means_the_same_in_the_policy_and_in_every_query(hold_reason, hold_until):
    """retention.is_held and the filter the querysets, the purge and the API use agree."""
    application = ApplicationFactory(
        consented=True, delete_after=NOW, hold_reason=hold_reason, hold_until=hold_until
    )
    held_by_policy = retention.is_held(hold_reason, hold_until, now=NOW)
    assert Application.objects.filter(on_hold(NOW)).exists() is held_by_policy
    assert Application.objects.held(now=NOW).exists() is held_by_policy
    assert Application.objects.due(now=NOW).exists() is not held_by_policy
    assert (purge_due(now=NOW).deleted.total() == 1) is not held_by_policy
    assert Application.objects.filter(pk=application.pk).exists() is held_by_policy
