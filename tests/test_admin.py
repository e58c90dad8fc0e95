"""The admin shows everything but edits nothing the policy owns."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.forms.models import model_to_dict
from django.utils import timezone

from ats.forms.openings import OpeningForm
from ats.models import (
    AccessEvent,
    Application,
    ApplicationTag,
    DeletionRecord,
    HiringTeamMember,
    Opening,
    Tag,
)
from ats.services.notes import add_note
from tests.factories import (
    ApplicationFactory,
    ApplicationTagFactory,
    HiringTeamMemberFactory,
    OpeningFactory,
    UserFactory,
)
from tests.helpers import logged_in_staff

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


def test_applications_are_read_only(superuser_client):
    application = ApplicationFactory()
    page = superuser_client.get(f"/admin/ats/application/{application.pk}/change/")
    assert page.status_code == 200
    assert application.cv.name not in page.content.decode()  # no link to the file
    response = superuser_client.post(
        f"/admin/ats/application/{application.pk}/change/", {"name": "Someone Else"}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.name != "Someone Else"


def test_deleting_an_application_in_the_admin_erases_it_with_its_file(superuser_client, cv_files):
    application, other = ApplicationFactory(), ApplicationFactory()
    response = superuser_client.post(
        f"/admin/ats/application/{application.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert list(Application.objects.all()) == [other]
    assert cv_files.remaining() == [other.cv.name]
    tombstone = DeletionRecord.objects.get()
    assert (tombstone.public_id, tombstone.reason) == (
        application.public_id,
        DeletionRecord.Reason.ERASURE_REQUESTED,
    )
    assert AccessEvent.objects.get().action == AccessEvent.Action.ERASE


def test_bulk_delete_in_the_admin_erases_every_selected_application(superuser_client, cv_files):
    applications = ApplicationFactory.create_batch(3)
    superuser_client.post(
        "/admin/ats/application/",
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in applications],
            "post": "yes",
        },
    )
    assert not Application.objects.exists()
    assert cv_files.remaining() == []
    assert DeletionRecord.objects.count() == 3


def test_deleting_an_opening_in_the_admin_erases_its_applications_first(superuser_client, cv_files):
    application = ApplicationFactory()
    opening = application.opening
    response = superuser_client.post(f"/admin/ats/opening/{opening.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Opening.objects.filter(pk=opening.pk).exists()
    assert not Application.objects.exists()
    assert cv_files.remaining() == []
    assert DeletionRecord.objects.get().kind == DeletionRecord.Kind.OPENING


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


@pytest.mark.parametrize(
    ("reason", "refusal"),
    [("", b"This field is required"), ("Tvist\r\nBcc: x@example.se", b"one line")],
)
def test_legal_hold_without_a_reason_on_one_line_is_refused_with_the_form_again(
    superuser_client, reason, refusal
):
    application = ApplicationFactory()
    response = superuser_client.post(
        "/admin/ats/application/",
        {
            "_selected_action": [application.pk],
            "action": "place_legal_hold",
            "apply": "1",
            "reason": reason,
        },
    )
    assert response.status_code == 200
    assert refusal in response.content
    application.refresh_from_db()
    assert application.hold_reason == ""


def test_staff_without_the_hold_permission_are_not_offered_the_action(client):
    staff = UserFactory(username="viewer")
    staff.user_permissions.add(Permission.objects.get(codename="view_application"))
    client.force_login(staff)
    page = client.get("/admin/ats/application/")
    assert page.status_code == 200
    assert b"place_legal_hold" not in page.content


def test_access_log_is_read_only_and_filterable_by_user_and_application(superuser_client):
    reader, other = UserFactory(username="reader"), UserFactory(username="other")
    wanted = "11111111-1111-4111-8111-111111111111"
    AccessEvent.objects.create(user=reader, action="view", public_id=wanted)
    AccessEvent.objects.create(user=other, action="download_cv", public_id=wanted)
    AccessEvent.objects.create(
        user=reader, action="view", public_id="22222222-2222-4222-8222-222222222222"
    )
    base = "/admin/ats/accessevent/"

    by_user = superuser_client.get(f"{base}?user__id__exact={reader.pk}")
    assert by_user.context["cl"].result_count == 2
    by_application = superuser_client.get(f"{base}?q={wanted}")
    assert by_application.context["cl"].result_count == 2
    assert superuser_client.get(f"{base}add/").status_code == 403
    event = AccessEvent.objects.first()
    assert superuser_client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403


def test_holds_placed_and_lifted_in_the_admin_are_in_the_access_log(superuser_client, settings):
    settings.ATS_TIME_ZONE = "Europe/Stockholm"
    application = ApplicationFactory()
    selected = {"_selected_action": [application.pk]}
    superuser_client.post(
        "/admin/ats/application/",
        {
            **selected,
            "action": "place_legal_hold",
            "apply": "1",
            "reason": "Tvist",
            "until": "2099-03-03",
        },
    )
    superuser_client.post("/admin/ats/application/", {**selected, "action": "lift_legal_hold"})
    events = AccessEvent.objects.order_by("at", "pk")
    assert [(e.action, e.public_id, e.user.username) for e in events] == [
        ("hold", application.public_id, "admin"),
        ("lift_hold", application.public_id, "admin"),
    ]


def test_a_hold_placed_in_the_admin_ends_with_its_last_day_where_the_employer_is(
    superuser_client, settings
):
    settings.ATS_TIME_ZONE = "Europe/Stockholm"
    application = ApplicationFactory()
    superuser_client.post(
        "/admin/ats/application/",
        {
            "_selected_action": [application.pk],
            "action": "place_legal_hold",
            "apply": "1",
            "reason": "Tvist",
            "until": "2099-03-03",
        },
    )
    application.refresh_from_db()
    assert application.hold_until == datetime(2099, 3, 4, tzinfo=ZoneInfo("Europe/Stockholm"))


def test_every_model_has_a_read_only_or_managed_admin_page(superuser_client):
    from django.apps import apps

    for model in apps.get_app_config("ats").get_models():
        url = f"/admin/ats/{model._meta.model_name}/"
        assert superuser_client.get(url).status_code == 200, url
    for read_only in (
        "deletionrecord",
        "accessevent",
        "privacyrequest",
        "privacyrequestitem",
        "arrivalcount",
        "reportcount",
        "ledgerhead",
        "stagechange",
        "note",
        "message",
        "screeninganswer",
        "candidateemail",
        "emailtemplate",
        "duecount",
        "score",
        "interview",
        "meritrequest",
        "purgeclaim",
        "applicationtext",
    ):
        assert superuser_client.get(f"/admin/ats/{read_only}/add/").status_code == 403


# ASVS 8.2.2: the admin follows the recruiter pages' rule, and logs what it shows.
@pytest.fixture
def viewer(client):
    """Staff with Django's view permissions only: what the assessment used."""
    return logged_in_staff(client, "support", "view_application", "view_note")


def test_the_admin_shows_only_applications_within_reach(client, viewer):
    own = ApplicationFactory(name="Astrid Lindqvist")
    own.opening.hiring_team.add(viewer)
    other = ApplicationFactory(name="Bertil Ek")  # an opening the viewer has no part in
    spontaneous = ApplicationFactory(opening=None, consented=True, name="Cecilia Ö")

    listing = client.get("/admin/ats/application/").content.decode()

    assert str(own.public_id) in listing
    assert str(other.public_id) not in listing and str(spontaneous.public_id) not in listing
    for hidden in (other, spontaneous):
        page = client.get(f"/admin/ats/application/{hidden.pk}/change/", follow=True)
        assert hidden.name not in page.content.decode()


def test_an_application_read_in_the_admin_is_in_the_access_log(client, viewer):
    application = ApplicationFactory(name="Astrid Lindqvist")
    application.opening.hiring_team.add(viewer)

    page = client.get(f"/admin/ats/application/{application.pk}/change/")

    assert "Astrid Lindqvist" in page.content.decode()
    assert AccessEvent.objects.filter(
        user=viewer, action="view", public_id=application.public_id
    ).exists()


def test_a_restricted_application_shows_nothing_of_the_person_in_the_admin(client, viewer):
    application = ApplicationFactory(
        name="Astrid Lindqvist", cover_letter="Mitt brev", restricted_at=timezone.now()
    )
    application.opening.hiring_team.add(viewer)
    add_note(application=Application.objects.get(), text="Stark kandidat", author=viewer)

    page = client.get(f"/admin/ats/application/{application.pk}/change/").content.decode()
    notes = client.get("/admin/ats/note/").content.decode()

    for personal in ("Astrid Lindqvist", application.email, "Mitt brev"):
        assert personal not in page
    assert "Note of" not in notes  # the notes of a restricted application are not listed


def test_emails_that_could_not_be_delivered_are_listed_with_why_and_no_address(
    superuser_client, smtp_server
):
    from ats.services.outbox import drain_outbox
    from ats.services.staff_emails import queue_staff_email

    refused = ApplicationFactory(email="fel@example.se", receipt_sent_at=None)
    ApplicationFactory(receipt_sent_at=None)  # taken: the 5xx counts
    queue_staff_email(to="slutat@example.se", template="mentioned", context={"link": ""})
    queue_staff_email(to="chef@example.se", template="mentioned", context={"link": ""})
    smtp_server.refuse = {"fel@example.se", "slutat@example.se"}
    drain_outbox()

    for url in (
        "/admin/ats/staffemail/?undeliverable_at__isempty=0",
        "/admin/ats/candidateemail/?undeliverable_at__isempty=0",
    ):
        page = superuser_client.get(url).content.decode()
        assert "refused by the mail server (550)" in page, url
        assert "slutat@example.se" not in page and "fel@example.se" not in page
    listed = superuser_client.get("/admin/ats/candidateemail/?undeliverable_at__isempty=0")
    assert str(refused.public_id) in listed.content.decode()


# ASVS 8.2.1: the admin edits an ad with the recruiter pages' form and services, and
# changes no opening's state; 8.2.2: it lists the openings the user sees, no others.
@pytest.fixture
def editor(client):
    """Staff who may change openings but not publish them, on one opening's team."""
    return logged_in_staff(client, "editor", "view_opening", "change_opening", "add_opening")


def admin_form(opening: Opening, **changes) -> dict:
    """The admin's change form as sent, inlines empty."""
    data = {
        name: "" if value is None else value
        for name, value in model_to_dict(opening, fields=OpeningForm.Meta.fields).items()
    }
    for inline in ("team_members", "questions", "criteria"):
        data.update({f"{inline}-TOTAL_FORMS": 0, f"{inline}-INITIAL_FORMS": 0})
    return {**data, **changes}


def test_the_admin_neither_publishes_nor_reopens_an_opening(client, editor):
    draft = OpeningFactory(status="draft", salary_min=None, salary_max=None)
    closed = OpeningFactory(status="closed", title="Lagerchef")
    for opening in (draft, closed):
        opening.hiring_team.add(editor)

    client.post(
        f"/admin/ats/opening/{draft.pk}/change/",
        admin_form(draft, status="published", title="Ny titel"),
    )
    client.post(
        f"/admin/ats/opening/{closed.pk}/change/",
        admin_form(closed, status="published", title="Annan titel"),
    )

    draft.refresh_from_db()
    closed.refresh_from_db()
    assert (draft.status, draft.title, draft.published_at) == ("draft", "Ny titel", None)
    assert (closed.status, closed.title) == ("closed", "Lagerchef")
    assert client.get(f"/jobs/{draft.slug}/").status_code == 404


def test_an_opening_added_in_the_admin_is_a_draft_in_its_makers_team(client, editor):
    client.post("/admin/ats/opening/add/", admin_form(OpeningFactory.build(title="Lagerchef")))
    made = Opening.objects.get(title="Lagerchef")
    assert (made.status, made.slug, list(made.hiring_team.all())) == (
        "draft",
        "lagerchef",
        [editor],
    )


def test_the_admin_lists_only_the_openings_and_teams_the_user_sees(client):
    user = logged_in_staff(
        client, "support", "view_opening", "view_hiringteammember", "view_application"
    )
    mine, theirs = OpeningFactory(title="Lagerchef"), OpeningFactory(title="Hemlig chefstjänst")
    HiringTeamMemberFactory(opening=mine, user=user)
    HiringTeamMemberFactory(opening=theirs, user__username="other")
    ApplicationFactory(opening=mine)

    pages = [
        client.get(f"/admin/ats/{model}/").content.decode()
        for model in ("opening", "hiringteammember", "application")
    ]

    assert all("Hemlig chefstjänst" not in page for page in pages)
    assert "Lagerchef" in pages[0] and "Lagerchef" in pages[1] and "Lagerchef" in pages[2]
    assert client.get(f"/admin/ats/opening/{theirs.pk}/change/").status_code == 302


def test_the_admin_offers_only_openings_the_user_sees_to_add_a_team_member_to(client):
    user = logged_in_staff(client, "support", "view_opening", "add_hiringteammember")
    mine, theirs = OpeningFactory(title="Lagerchef"), OpeningFactory(title="Hemlig chefstjänst")
    HiringTeamMemberFactory(opening=mine, user=user, role="interviewer")

    offered = client.get("/admin/ats/hiringteammember/add/").content.decode()
    joined = client.post(
        "/admin/ats/hiringteammember/add/",
        {"opening": theirs.pk, "user": user.pk, "role": "recruiter"},
    )

    assert "Lagerchef" in offered and "Hemlig chefstjänst" not in offered
    assert "Select a valid choice" in joined.content.decode()
    assert not HiringTeamMember.objects.filter(opening=theirs).exists()


def test_an_interviewer_sees_no_contact_details_in_the_admin_either(client):
    interviewer = logged_in_staff(client, "ivan", "view_application")
    application = ApplicationFactory(
        stage="interview", email="astrid.lindqvist@example.se", phone="070-123 45 67"
    )
    HiringTeamMemberFactory(opening=application.opening, user=interviewer, role="interviewer")

    page = client.get(f"/admin/ats/application/{application.pk}/change/").content.decode()

    assert application.name in page
    assert "astrid.lindqvist@example.se" not in page and "070-123 45 67" not in page


def test_the_admin_makes_and_removes_tags_through_the_service(superuser_client):
    tag = Tag.objects.create(name="Ring tillbaka")
    ApplicationTagFactory(application=ApplicationFactory(), tag=tag)

    again = superuser_client.post("/admin/ats/tag/add/", {"name": "ring TILLBAKA"})
    added = superuser_client.post("/admin/ats/tag/add/", {"name": "Svenska  B"})
    superuser_client.post(f"/admin/ats/tag/{tag.pk}/delete/", {"post": "yes"})

    assert again.status_code == 200 and "There is a tag" in again.content.decode()
    assert added.status_code == 302
    assert list(Tag.objects.values_list("name", flat=True)) == ["Svenska B"]
    assert not ApplicationTag.objects.exists()
