"""The admin shows everything but edits nothing the policy owns."""

import pytest
from django.contrib.auth.models import Permission

from ats.models import DeletionRecord
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="admin", is_superuser=True))
    return client


def tombstone():
    return DeletionRecord.objects.create(
        public_id="7d7cbbc1-7b4c-4a25-9d22-2f4c1a0f7a11",
        kind="spontaneous",
        reason=DeletionRecord.Reason.CONSENT_ABSENT,
        due_at="2025-01-01T00:00Z",
    )


def test_deletion_records_can_be_read_but_not_changed(superuser_client):
    record = tombstone()
    base = "/admin/ats/deletionrecord/"

    assert superuser_client.get(base).status_code == 200
    assert superuser_client.get(f"{base}{record.pk}/change/").status_code == 200
    assert superuser_client.get(f"{base}add/").status_code == 403
    assert (
        superuser_client.post(
            f"{base}{record.pk}/change/", {"reason": "erasure_requested"}
        ).status_code
        == 403
    )
    assert superuser_client.post(f"{base}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    record.refresh_from_db()
    assert record.reason == DeletionRecord.Reason.CONSENT_ABSENT


def test_applications_are_read_only_and_not_deleted_past_the_purge(superuser_client, cv_files):
    application = ApplicationFactory()
    base = "/admin/ats/application/"

    page = superuser_client.get(f"{base}{application.pk}/change/")
    assert page.status_code == 200
    assert application.cv.name not in page.content.decode()  # no link to the file
    assert (
        superuser_client.post(f"{base}{application.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert cv_files.remaining() == [application.cv.name]


def test_openings_and_notices_are_managed_in_the_admin(superuser_client):
    for path in ("/admin/ats/opening/add/", "/admin/ats/privacynotice/add/"):
        assert superuser_client.get(path).status_code == 200


def test_legal_hold_is_placed_and_lifted_from_the_admin(superuser_client):
    application = ApplicationFactory()
    changelist = "/admin/ats/application/"
    selected = {"_selected_action": [application.pk]}

    form = superuser_client.post(changelist, {**selected, "action": "place_legal_hold"})
    assert form.status_code == 200 and b'name="reason"' in form.content

    done = superuser_client.post(
        changelist,
        {**selected, "action": "place_legal_hold", "apply": "1", "reason": "Tvist AD 2026-12"},
        follow=True,
    )
    assert b"1 application(s) placed on legal hold" in done.content
    application.refresh_from_db()
    assert application.hold_reason == "Tvist AD 2026-12"
    assert application.hold_set_by.username == "admin"

    superuser_client.post(changelist, {**selected, "action": "lift_legal_hold"})
    application.refresh_from_db()
    assert application.hold_reason == ""


def test_legal_hold_without_a_reason_is_refused_with_the_form_again(superuser_client):
    application = ApplicationFactory()
    response = superuser_client.post(
        "/admin/ats/application/",
        {"_selected_action": [application.pk], "action": "place_legal_hold", "apply": "1"},
    )
    assert response.status_code == 200
    assert b"This field is required" in response.content
    application.refresh_from_db()
    assert application.hold_reason == ""


def test_staff_without_the_hold_permission_are_not_offered_the_action(client):
    staff = UserFactory(username="viewer")
    staff.user_permissions.add(Permission.objects.get(codename="view_application"))
    client.force_login(staff)
    page = client.get("/admin/ats/application/")
    assert page.status_code == 200
    assert b"place_legal_hold" not in page.content
