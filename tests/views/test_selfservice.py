"""The candidate's own data, reached through the link in their email."""

import io
import json
import re
import zipfile
from datetime import timedelta

import jsonschema
import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from ats import retention
from ats.exports import export_document, summary
from ats.models import AccessEvent, Application, DeletionRecord, LinkRequest
from ats.services.candidate_rights import available_actions
from ats.services.consent import RenewalError, ask_for_consent_renewals, renew_consent
from ats.services.holds import place_legal_hold
from ats.services.outbox import LINK_REQUEST_MAX_AGE
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, sent_emails
from tests.faults import send_mail_to
from tests.helpers import ROOT, form_data, link_in, open_link, sample_bytes, text, upload

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((ROOT / "docs" / "export-schema.json").read_text())


def without_csrf_tokens(response) -> str:
    """The page, without the per-render CSRF token masks."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.fixture
def pool_recruiter(client):
    user = UserFactory(username="talent")
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_spontaneous_applications", "view_all_applications", "download_cv"]
        )
    )
    return user


def test_receipt_links_to_the_candidates_own_page_and_carries_no_cv(apply, client):
    link = apply()
    [receipt] = mail.outbox

    assert receipt.to == ["astrid@example.se"]
    assert receipt.attachments == []
    assert "Mitt personliga brev" not in receipt.body
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    for shown in ("Astrid Lindqvist", "astrid@example.se", "Mitt personliga brev", "version"):
        assert shown in html
    deadline = Application.objects.get().delete_after
    assert timezone.localtime(deadline).strftime("%Y") in html
    assert "imy.se" in html


def test_no_receipt_when_nothing_is_kept(client, notice, sample_upload):
    client.post("/apply/", {"name": "A", "email": "a@example.se", "cv": sample_upload()})
    assert mail.outbox == []


def test_expired_tampered_and_deleted_links_are_refused(apply, client, cv_files):
    link = apply()
    token = link.split("/")[2]
    tampered = link.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert client.get(tampered).status_code == 404
    assert client.post(tampered + "erase/").status_code == 404

    with time_machine.travel(timezone.now() + timedelta(days=31)):  # the page has closed
        assert client.get(link).status_code == 403
        assert client.post(link + "erase/").status_code == 403
    assert Application.objects.live().count() == 1  # nothing changed

    client.post(link + "erase/")
    call_command("ats_purge", verbosity=0)
    assert client.get(link).status_code == 403  # the erasure closed the page


def test_export_is_a_zip_with_schema_valid_json_and_the_original_cv(apply, client):
    link = apply()
    assert "ZIP" in client.get(link + "export/").content.decode()

    response = client.post(link + "export/")

    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    document = json.loads(archive.read("application.json"))
    jsonschema.validate(document, SCHEMA)
    held = document["application"]
    assert (held["name"], held["email"], held["kind"]) == (
        "Astrid Lindqvist",
        "astrid@example.se",
        "spontaneous",
    )
    assert held["consent"]["given_at"] is not None
    assert held["deletion_reasons"]["on_withdrawal"] == "consent_withdrawn"
    assert archive.read(held["cv"]["file_in_archive"]) == sample_bytes("pdf")
    assert "Systemutvecklare · Karlstad" in held["cv"]["text"]  # as search reads it
    (receipt,) = held["emails"]  # the receipt, as it was sent
    assert receipt["template"] == "received" and receipt["sent_at"] is not None
    assert receipt["subject"] == "We received your spontaneous application"
    assert receipt["text"].startswith("Hello Astrid,") and receipt["undeliverable_at"] is None
    event = AccessEvent.objects.get(action="export")
    assert (event.actor, event.user) == ("candidate", None)


def test_correction_replaces_fields_and_cv_and_deletes_the_old_file(
    apply, client, cv_files, django_capture_on_commit_callbacks
):
    link = apply()
    old_key = Application.objects.get().cv.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            link + "edit/",
            {
                "name": "Astrid Lindqvist Berg",
                "email": "astrid.berg@example.se",
                "phone": "",
                "cover_letter": "Nytt brev",
                "cv": upload("Nytt CV.docx", sample_bytes("docx")),
            },
        )

    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.name, application.email) == (
        "Astrid Lindqvist Berg",
        "astrid.berg@example.se",
    )
    assert application.cv_filename == "Nytt CV.docx"
    assert cv_files.remaining() == [application.cv.name]
    assert old_key not in cv_files.remaining()
    assert AccessEvent.objects.filter(action="edit", actor="candidate").count() == 1


def test_a_replaced_cv_leaves_no_version_behind_in_a_bucket_that_keeps_versions(
    apply, client, versioned_bucket, s3_cv_files, django_capture_on_commit_callbacks
):
    """A plain delete in such a bucket only hides the file behind a marker: the old CV
    would stay, whole, with nothing left to find it by."""
    s3, bucket = versioned_bucket
    link = apply()
    old_object = f"{s3_cv_files.location}/{Application.objects.get().cv.name}"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            link + "edit/",
            {"name": "Astrid Lindqvist", "email": "astrid@example.se", "phone": "",
             "cover_letter": "Mitt personliga brev",
             "cv": upload("Nytt CV.docx", sample_bytes("docx"))},
        )  # fmt: skip

    assert response.status_code == 302
    versions = s3.list_object_versions(Bucket=bucket, Prefix=old_object)
    assert "Versions" not in versions and "DeleteMarkers" not in versions
    stored = s3.list_objects_v2(Bucket=bucket, Prefix=s3_cv_files.location)["Contents"]
    assert [item["Key"] for item in stored] == [
        f"{s3_cv_files.location}/{Application.objects.get().cv.name}"
    ]


def test_a_bad_cv_in_a_correction_changes_nothing(apply, client, cv_files):
    link = apply()
    before = cv_files.remaining()
    response = client.post(
        link + "edit/",
        {"name": "X", "email": "x@example.se", "cv": upload("cv.pdf", b"<html>no</html>")},
    )
    assert response.status_code == 200
    assert "PDF, Word (DOCX) or OpenDocument (ODT)" in response.content.decode()
    assert Application.objects.get().name == "Astrid Lindqvist"
    assert cv_files.remaining() == before


@pytest.mark.parametrize(
    ("action", "reason"), [("withdraw", "consent_withdrawn"), ("erase", "erasure_requested")]
)
def test_withdrawal_and_erasure_hide_at_once_and_the_purge_deletes(
    apply, client, pool_recruiter, cv_files, action, reason
):
    link = apply()
    application = Application.objects.get()
    assert client.get(link + f"{action}/").status_code == 200

    done = client.post(link + f"{action}/")

    assert done.status_code == 200 and "within minutes" in done.content.decode()
    client.force_login(pool_recruiter)
    assert client.get(f"/recruit/applications/{application.public_id}/").status_code == 404
    assert list(client.get("/recruit/spontaneous/").context["applicants"].page.object_list) == []
    call_command("ats_purge", verbosity=0)
    assert not Application.objects.exists()
    assert cv_files.remaining() == []
    assert DeletionRecord.objects.get().reason == reason


def test_restriction_hides_fields_and_cv_from_recruiters_until_lifted(
    apply, client, pool_recruiter
):
    opening = OpeningFactory(title="Lagerchef")
    link = apply(opening=opening)
    application = Application.objects.get()
    detail = f"/recruit/applications/{application.public_id}/"

    assert client.post(link + "restrict/").status_code == 302
    assert "restricted" in client.get(link).content.decode()

    staff = Client()  # the recruiter, in a browser of their own
    staff.force_login(pool_recruiter)
    page = staff.get(detail).content.decode()
    assert "Restricted application" in page and "Astrid" not in page
    assert staff.get(detail + "cv/").status_code == 404
    assert staff.post(detail + "stage/", {"stage": "interview"}).status_code == 404
    listing = staff.get(f"/recruit/openings/{opening.pk}/").content.decode()
    assert "Restricted by the candidate" in listing and "Astrid" not in listing

    assert client.post(link + "unrestrict/").status_code == 302
    assert "Astrid Lindqvist" in staff.get(detail).content.decode()
    application.refresh_from_db()
    assert application.delete_after is None  # retention unchanged throughout


def test_objection_erases_an_application_for_an_opening(apply, client):
    link = apply(opening=OpeningFactory())
    client.post(link + "object/")
    assert not Application.objects.live().exists()
    assert Application.objects.get().deletion_reason == "erasure_requested"


def test_objection_under_legal_hold_restricts_and_shows_the_hold(apply, client):
    link = apply(opening=OpeningFactory())
    place_legal_hold(
        applications=Application.objects.all(), reason="Tvist", placed_by=UserFactory()
    )
    response = client.post(link + "object/", follow=True)
    application = Application.objects.get()
    assert application.is_restricted and application.delete_after is None
    assert "legal hold" in response.content.decode()


def test_actions_that_do_not_apply_are_not_found(apply, client):
    # An old email's page, say: the application as it stands, never a 404 that reads
    # as a deletion; nothing done.
    link = apply(opening=OpeningFactory(), consent=False)
    assert client.get(link + "withdraw/").url == link  # no consent to withdraw
    assert client.get(link + "renew/").url == link
    assert client.get(link + "unrestrict/").url == link
    assert client.post(link + "unrestrict/").url == link
    assert client.get(link + "delete-everything/").status_code == 404  # no such page
    spontaneous = apply(email="other@example.se")
    assert client.get(spontaneous + "object/").url == spontaneous  # withdraw serves instead
    assert "There is nothing left to do on that page" in text(client.get(spontaneous))
    assert not Application.objects.filter(restricted_at__isnull=False).exists()


def test_my_data_sends_fresh_links_without_revealing_who_applied(apply, client):
    apply()
    apply(opening=OpeningFactory(), email="ASTRID@example.se")
    mail.outbox.clear()
    client.get("/my-data/")  # the careers site's brand read once and kept, as it is in use

    with CaptureQueriesContext(connection) as known_queries:
        known = client.post("/my-data/", {"email": "astrid@example.se"}, REMOTE_ADDR="192.0.2.1")
    with CaptureQueriesContext(connection) as unknown_queries:
        unknown = client.post("/my-data/", {"email": "nobody@example.se"}, REMOTE_ADDR="192.0.2.2")

    assert known.status_code == unknown.status_code == 200
    assert without_csrf_tokens(known) == without_csrf_tokens(unknown)
    # The same work either way: the same statements, and no email inside the request.
    assert statements(known_queries) == statements(unknown_queries)
    assert mail.outbox == []
    assert sent_emails("link requests") == 1  # the unknown address's request sends nothing
    assert not LinkRequest.objects.exists()
    [message] = mail.outbox
    assert message.to == ["astrid@example.se"]
    assert len(re.findall(r"/my-application/[^/\s]+/", message.body)) == 2
    assert client.get(open_link(client, link_in(message))).status_code == 200
    assert not LinkRequest.objects.exists()  # the addresses asked with go once answered


def statements(queries) -> list[str]:
    """The SQL run, with its values and savepoint names left out."""
    return [re.sub(r"'[^']*'|\d+", "?", query["sql"]) for query in queries.captured_queries]


def test_a_mail_server_that_is_down_does_not_change_the_answer(apply, client, settings, dead_port):
    apply()
    send_mail_to(settings, dead_port)

    known = client.post("/my-data/", {"email": "astrid@example.se"})
    unknown = client.post("/my-data/", {"email": "nobody@example.se"})

    assert known.status_code == unknown.status_code == 200
    assert sent_emails("link requests") == 0  # they wait for the mail server
    assert LinkRequest.objects.count() == 2
    with time_machine.travel(timezone.now() + LINK_REQUEST_MAX_AGE + timedelta(minutes=1)):
        sent_emails("link requests")
    assert not LinkRequest.objects.exists()  # dropped, addresses and all


def test_my_data_is_rate_limited(client):
    for _ in range(3):
        assert client.post("/my-data/", {"email": "astrid@example.se"}).status_code == 200
    blocked = client.post("/my-data/", {"email": "astrid@example.se"})
    assert blocked.status_code == 429
    assert "Too many requests" in blocked.content.decode()


def test_consent_renewal_is_asked_once_and_only_a_yes_extends(apply, client):
    apply()
    first_deadline = Application.objects.get().delete_after
    mail.outbox.clear()

    with time_machine.travel(first_deadline - timedelta(days=40)):
        assert ask_for_consent_renewals() == 0  # not yet within 30 days
    with time_machine.travel(first_deadline - timedelta(days=20)):
        assert ask_for_consent_renewals() == 1
        assert ask_for_consent_renewals() == 0  # once
        assert sent_emails("candidate emails") == 1
        renew_link = re.search(r"/my-application/[^/\s]+/renew/", mail.outbox[0].body).group(0)
        sent_on = client.post(renew_link)  # the emailed link, straight to the action
        assert sent_on.status_code == 307  # method and body kept, token dropped
        assert client.post(sent_on.url).status_code == 302
        renewed = Application.objects.get()
    assert renewed.delete_after > first_deadline + timedelta(days=700)
    assert renewed.consent_given_at > first_deadline - timedelta(days=21)


def test_silence_never_extends_consent(apply):
    apply()
    deadline = Application.objects.get().delete_after
    with time_machine.travel(deadline - timedelta(days=10)):
        ask_for_consent_renewals()
    with time_machine.travel(deadline + timedelta(minutes=1)):
        call_command("ats_purge", verbosity=0)
    assert DeletionRecord.objects.get().reason == "consent_expired"


def test_an_action_that_does_not_exist_is_a_404_that_changes_nothing(apply, client):
    link = apply()
    for made_up in ("delete", "Erase", "do_erase", "__init__"):
        assert client.get(f"{link}{made_up}/").status_code == 404
        assert client.post(f"{link}{made_up}/").status_code == 404
    assert Application.objects.live().count() == 1


def test_renewal_is_offered_only_in_the_last_days_of_the_consent(apply, client):
    # UX review problem 31: "Renew your consent" was offered the day it was given.
    link = apply()
    deadline = Application.objects.get().delete_after

    assert "/renew/" not in client.get(link).content.decode()
    assert client.get(link + "renew/").url == link  # not yet: the application instead
    application = Application.objects.get()
    assert "renew" not in available_actions(application, now=deadline - timedelta(days=31))
    mail.outbox.clear()
    with time_machine.travel(deadline - timedelta(days=29)):
        ask_for_consent_renewals()
        sent_emails("candidate emails")
        renew_page = open_link(client, link_in(mail.outbox[0]))  # the emailed action
        assert renew_page.endswith("/renew/")
        assert "/renew/" in client.get(renew_page.removesuffix("renew/")).content.decode()
        assert client.post(renew_page).status_code == 302
    assert Application.objects.get().delete_after > deadline


def test_a_renewal_asked_too_early_is_refused_and_changes_nothing(apply):
    apply()
    application = Application.objects.get()

    with pytest.raises(RenewalError, match="in its last 30 days"):
        renew_consent(application=application)

    assert Application.objects.get().delete_after == application.delete_after


def test_the_page_says_in_plain_words_what_is_held_and_what_each_right_does(
    client, notice, sample_upload
):
    # UX review problem 30: "Consent: Not given" read as a fault; answers were missing.
    opening = OpeningFactory(title="Lagerchef")
    question = opening.questions.create(text="Har du truckkort?", kind="yes_no", choices="")
    choice = opening.questions.create(text="Vilket skift?", kind="choice", choices="Dag\nNatt")
    client.post(
        f"/jobs/{opening.slug}/",
        form_data(
            sample_upload(), **{f"question_{question.pk}": "yes", f"question_{choice.pk}": "Natt"}
        ),
    )
    sent_emails("receipts")
    page = text(client.get(open_link(client, link_in(mail.outbox[-1]))))

    assert "Not given" not in page
    assert "None is needed for this application" in page
    assert "Your answers to the questions about the post Har du truckkort? Yes" in page
    assert "Vilket skift? Natt" in page
    assert "We delete your application and your CV. This cannot be undone." in page
    assert "nobody uses it until you say so" in page  # restriction, in plain words


def test_a_finished_page_leads_on(apply, client):
    # UX review problem 33: "Done" was a dead end.
    link = apply()
    done = client.post(link + "erase/").content.decode()

    page_itself = done.split('<main id="main"')[1]  # not the navigation above it
    assert '<a href="/jobs/">Back to the openings</a>' in page_itself
    assert '<a href="/my-data/">My data: links to your applications</a>' in page_itself


def test_the_exports_summary_says_a_hold_as_the_application_page_does(english):
    """A hold until lifted, and one whose last day is given: that day, not the next."""
    held_open, held_dated = ApplicationFactory.create_batch(2, language="en")
    officer = UserFactory()
    place_legal_hold(
        applications=Application.objects.filter(pk=held_open.pk), reason="Tvist", placed_by=officer
    )
    last_day = timezone.localdate() + timedelta(days=30)
    place_legal_hold(
        applications=Application.objects.filter(pk=held_dated.pk),
        reason="Tvist",
        placed_by=officer,
        until=retention.end_of_day(last_day),
    )
    now = timezone.now()

    def said(application) -> str:
        application = Application.objects.get(pk=application.pk)
        document = export_document(application, now=now)
        return " ".join(summary(application, document, now=now).split())

    assert "on legal hold until it is lifted: we must keep it until then (Tvist)" in said(held_open)
    assert f"on legal hold until {date_format(last_day, 'DATE_FORMAT')}:" in said(held_dated)
