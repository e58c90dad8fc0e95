"""The privacy officer's work in /recruit/: a person's applications found, exported or
erased after a confirmation (the set found, nothing else), legal holds placed and lifted
from the pages, case references and linked deletion certificates."""

import io
import json
import re
import zipfile
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ats.models import AccessEvent, Application, PrivacyRequest
from ats.selectors.retention import month_starts
from ats.services.holds import place_legal_hold
from ats.services.purge import purge_due
from tests.factories import ApplicationFactory, OpeningFactory
from tests.helpers import ENGLISH_MONTHS, ROOT, SWEDISH_MONTHS, logged_in_staff, text

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((ROOT / "docs" / "export-schema.json").read_text())
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def officer(client):
    """The employer's privacy officer: requests and holds, no opening's applicants."""
    return logged_in_staff(client, "dataskydd", "handle_privacy_requests", "set_legal_hold")


def find(client, email, *, received_on=None, case_reference="ärende 2026-041"):
    """The privacy page's search; the URL of the page with the set found."""
    received_on = received_on or timezone.localdate() - timedelta(days=3)
    response = client.post(
        "/recruit/privacy/",
        {"email": email, "received_on": received_on.isoformat(), "case_reference": case_reference},
    )
    assert response.status_code == 302, response.content
    return response["Location"]


def certificate_links(html: str) -> list[str]:
    return re.findall(r'href="(/recruit/privacy/certificate/\?public_id=[0-9a-f-]+)"', html)


# Finding, exporting, erasing


def test_the_set_found_is_listed_under_a_key_that_does_not_show_the_address(client, officer):
    mine = [
        ApplicationFactory(email="astrid@example.se", name="Astrid Lindqvist"),
        ApplicationFactory(email="Astrid@example.se", name="Astrid Lindqvist", opening=None),
    ]
    ApplicationFactory(email="johan@example.se", name="Johan Berg")

    found = find(client, "astrid@example.se")
    page = client.get(found)

    assert found.startswith("/recruit/privacy/found/") and "astrid" not in found
    assert [a.public_id for a in page.context["found"]] == [a.public_id for a in mine]
    shown = text(page)
    assert "Astrid Lindqvist" in shown and "Johan" not in shown
    assert "Found at" in shown and "ärende 2026-041" in shown
    assert mine[0].opening.title in shown and "Spontaneous" in shown


def test_a_restricted_application_is_found_without_its_name(client, officer):
    ApplicationFactory(
        email="astrid@example.se", name="Astrid Lindqvist", restricted_at=timezone.now()
    )
    page = client.get(find(client, "astrid@example.se"))
    assert len(page.context["found"]) == 1
    assert "Astrid" not in text(page) and "Restricted by the candidate" in text(page)


def test_export_holds_the_set_found_and_logs_the_request_with_its_reference(client, officer):
    mine = ApplicationFactory.create_batch(2, email="astrid@example.se")
    found = find(client, "astrid@example.se")
    later = ApplicationFactory(email="astrid@example.se")  # sent after the search

    export = client.post(f"{found}export/")

    archive = zipfile.ZipFile(io.BytesIO(b"".join(export.streaming_content)))
    folders = {name.split("/")[0] for name in archive.namelist() if "/" in name}
    assert folders == {str(a.public_id) for a in mine}
    for application in mine:
        document = archive.read(f"{application.public_id}/application.json")
        jsonschema.validate(json.loads(document), SCHEMA)
    request = PrivacyRequest.objects.get()
    assert (request.kind, request.case_reference, request.applications) == (
        "access",
        "ärende 2026-041",
        2,
    )
    assert [item.public_id for item in request.items.all()] == [a.public_id for a in mine]
    assert set(AccessEvent.objects.values_list("action", "public_id")) == {
        ("export", a.public_id) for a in mine
    }
    assert later.public_id not in {i.public_id for i in request.items.all()}


def test_the_confirmation_shows_what_goes_and_what_stays_and_erases_nothing(
    client, officer, cv_files
):
    goes = ApplicationFactory(email="astrid@example.se", name="Astrid Lindqvist")
    stays = ApplicationFactory(email="astrid@example.se", name="Astrid Lindqvist")
    place_legal_hold(
        applications=Application.objects.filter(pk=stays.pk),
        reason="Tvist AD 2026-12",
        placed_by=officer,
    )
    found = find(client, "astrid@example.se")

    page = client.get(f"{found}erase/")

    assert page.status_code == 200
    shown = text(page)
    assert "Kept: on legal hold" in shown and "Tvist AD 2026-12" in shown
    assert "Erased now" in shown and "1 application is erased now" in shown
    assert "1 on legal hold is hidden now and deleted when its hold ends" in shown
    assert Application.objects.count() == 2 and not PrivacyRequest.objects.exists()
    assert not AccessEvent.objects.filter(action="erase").exists()
    assert goes.cv.name in cv_files.remaining()


def test_erasure_takes_exactly_the_set_found_and_links_its_certificates(client, officer, cv_files):
    mine = ApplicationFactory(email="astrid@example.se", name="Astrid Lindqvist")
    other = ApplicationFactory(email="johan@example.se")
    found = find(client, "astrid@example.se")
    after = ApplicationFactory(email="astrid@example.se")  # sent after the search

    done = client.post(f"{found}erase/", follow=True)

    assert set(Application.objects.all()) == {other, after}
    assert set(cv_files.remaining()) == {other.cv.name, after.cv.name}
    assert "1 application erased." in text(done)
    message = done.content.decode().split('class="messages"')[1].split("</ul>")[0]
    assert certificate_links(message) == [
        f"/recruit/privacy/certificate/?public_id={mine.public_id}"
    ]
    request = PrivacyRequest.objects.get()
    assert (request.kind, request.case_reference) == ("erasure", "ärende 2026-041")
    assert (request.deadline - request.received_on).days in (28, 29, 30, 31)
    assert "astrid" not in " ".join(str(v) for v in PrivacyRequest.objects.values_list()).lower()
    assert "ärende 2026-041" in text(done)  # in the handled requests
    assert client.get(found).status_code == 404  # the set is spent


def test_a_certificate_linked_resolves_names_the_case_and_holds_no_personal_data(client, officer):
    mine = ApplicationFactory(
        email="astrid@example.se", name="Astrid Lindqvist", phone="070-123 45 67"
    )
    client.post(f"{find(client, 'astrid@example.se')}erase/")

    page = client.get("/recruit/privacy/")
    [link] = set(certificate_links(page.content.decode()))  # in the message and the list
    certificate = client.get(link)

    assert certificate.status_code == 200
    body = certificate.content.decode()
    assert str(mine.public_id) in body and "ärende 2026-041" in body
    for personal in ("Astrid", "Lindqvist", "astrid@example.se", "070-123"):
        assert personal not in body
    plain, proof = body.split("APPENDIX: THE PROOF, FOR AN AUDITOR")
    assert "at the candidate's request" in plain and "ärende 2026-041" in plain
    assert "erasure_requested" in proof and "erasure_requested" not in plain


def test_what_a_hold_keeps_is_said_and_gets_its_certificate_when_the_hold_ends(
    client, officer, cv_files
):
    held = ApplicationFactory(email="astrid@example.se")
    place_legal_hold(
        applications=Application.objects.all(),
        reason="Tvist",
        placed_by=officer,
        until=timezone.now() + timedelta(days=1),
    )
    done = client.post(f"{find(client, 'astrid@example.se')}erase/", follow=True)
    assert "0 applications erased. 1 kept on legal hold" in text(done)
    assert "1 kept on legal hold" in text(client.get("/recruit/privacy/"))
    assert Application.objects.filter(pk=held.pk).exists()

    purge_due(now=timezone.now() + timedelta(days=2))

    links = certificate_links(client.get("/recruit/privacy/").content.decode())
    assert links == [f"/recruit/privacy/certificate/?public_id={held.public_id}"]


@pytest.mark.parametrize("key", ["made-up", "x" * 12])
def test_a_set_not_found_in_this_session_erases_and_exports_nothing(client, officer, key):
    ApplicationFactory(email="astrid@example.se")
    find(client, "astrid@example.se")
    assert client.get(f"/recruit/privacy/found/{key}/erase/").status_code == 404
    assert client.post(f"/recruit/privacy/found/{key}/erase/").status_code == 404
    assert client.post(f"/recruit/privacy/found/{key}/export/").status_code == 404
    assert Application.objects.count() == 1 and not PrivacyRequest.objects.exists()


def test_a_set_found_in_another_session_is_not_this_ones(client, officer, django_user_model):
    from django.test import Client

    ApplicationFactory(email="astrid@example.se")
    found = find(client, "astrid@example.se")
    colleague = Client()
    colleague.force_login(officer)  # the same user, another session
    assert colleague.post(f"{found}erase/").status_code == 404
    assert Application.objects.count() == 1


def test_a_case_reference_is_one_line(client, officer):
    ApplicationFactory(email="astrid@example.se")
    response = client.post(
        "/recruit/privacy/",
        {
            "email": "astrid@example.se",
            "received_on": timezone.localdate().isoformat(),
            "case_reference": "ärende\r\n2026-041",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["case_reference"]
    assert "ats_privacy_found" not in client.session


def test_privacy_pages_need_their_permission(client):
    logged_in_staff(client, "recruiter", "view_all_applications", "set_legal_hold")
    for url in (
        "/recruit/privacy/",
        "/recruit/privacy/found/abc/",
        "/recruit/privacy/found/abc/erase/",
    ):
        assert client.get(url).status_code == 404


# Legal holds


def hold(client, application, **data):
    return client.post(f"/recruit/applications/{application.public_id}/hold/", data)


def test_a_hold_is_placed_and_lifted_from_the_application_page(client, settings):
    settings.ATS_TIME_ZONE = "Europe/Stockholm"
    officer = logged_in_staff(
        client, "dataskydd", "view_all_applications", "handle_privacy_requests", "set_legal_hold"
    )
    application = ApplicationFactory()
    page = f"/recruit/applications/{application.public_id}/"
    assert "Place on legal hold" in text(client.get(page))

    placed = hold(client, application, reason="Tvist AD 2026-12", until="2099-03-03", next=page)

    assert placed["Location"] == page
    application.refresh_from_db()
    assert application.hold_until == datetime(2099, 3, 4, 0, 0, tzinfo=STOCKHOLM)
    assert (application.hold_reason, application.hold_set_by) == ("Tvist AD 2026-12", officer)
    shown = text(client.get(page))
    assert "On legal hold until 3 March 2099: Tvist AD 2026-12" in shown
    assert "set by dataskydd" in shown

    hold(client, application, action="lift", next=page)

    application.refresh_from_db()
    assert application.hold_reason == "" and application.hold_until is None
    events = AccessEvent.objects.filter(action__in=["hold", "lift_hold"]).order_by("at", "pk")
    assert [(e.action, e.public_id, e.user) for e in events] == [
        ("hold", application.public_id, officer),
        ("lift_hold", application.public_id, officer),
    ]


def test_the_officer_holds_a_restricted_application_from_the_results_and_the_purge_keeps_it(
    client, officer, cv_files
):
    application = ApplicationFactory(
        email="astrid@example.se",
        restricted_at=timezone.now(),
        decided=True,
        delete_after=timezone.now() + timedelta(days=1),
    )
    found = find(client, "astrid@example.se")
    assert "Place on legal hold" in text(client.get(found))

    placed = hold(client, application, action="place", reason="Tvist", next=found)

    assert placed["Location"] == found
    assert "On legal hold until lifted: Tvist" in text(client.get(found))
    summary = purge_due(now=timezone.now() + timedelta(days=2))
    assert summary.held == 1 and summary.deleted.total() == 0
    assert Application.objects.filter(pk=application.pk).exists()
    assert application.cv.name in cv_files.remaining()


def test_a_hold_is_refused_to_a_recruiter_without_the_permission(client):
    opening = OpeningFactory()
    application = ApplicationFactory(opening=opening)
    logged_in_staff(client, "recruiter", "view_all_applications")
    assert hold(client, application, reason="Tvist").status_code == 404
    assert "Place on legal hold" not in text(
        client.get(f"/recruit/applications/{application.public_id}/")
    )
    application.refresh_from_db()
    assert application.hold_reason == "" and not AccessEvent.objects.filter(action="hold").exists()


def test_a_hold_is_refused_on_an_application_out_of_reach(client):
    application = ApplicationFactory()
    logged_in_staff(client, "recruiter", "set_legal_hold")  # on no opening's team
    assert hold(client, application, reason="Tvist").status_code == 404
    application.refresh_from_db()
    assert application.hold_reason == ""


def test_holds_take_post_only_and_go_back_only_to_this_site(client, officer):
    application = ApplicationFactory()
    url = f"/recruit/applications/{application.public_id}/hold/"
    assert client.get(url).status_code == 405
    placed = hold(client, application, reason="Tvist", next="https://evil.example/")
    assert placed["Location"] == f"/recruit/applications/{application.public_id}/"


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"reason": ""}, "This field is required."),
        ({"reason": "Tvist\nAD"}, "one line"),
        ({"reason": "Tvist", "until": "2020-01-01"}, "must end in the future"),
    ],
)
def test_a_hold_not_as_asked_is_refused_with_the_reason(client, officer, data, said):
    application = ApplicationFactory(email="astrid@example.se")
    found = find(client, "astrid@example.se")
    page = text(client.get(hold(client, application, next=found, **data)["Location"]))
    assert said in page
    application.refresh_from_db()
    assert application.hold_reason == ""


def test_a_hold_past_its_date_is_lifted_from_the_retention_dashboard(client, cv_files):
    logged_in_staff(
        client, "dataskydd", "view_retention", "handle_privacy_requests", "set_legal_hold"
    )
    application = ApplicationFactory(
        decided=True, delete_after=timezone.now() - timedelta(days=1), hold_reason="Tvist"
    )
    page = client.get("/recruit/retention/")
    assert "Lift the legal hold" in text(page)

    lifted = hold(client, application, action="lift", next="/recruit/retention/")

    assert lifted["Location"] == "/recruit/retention/"
    application.refresh_from_db()
    assert application.hold_reason == ""


def test_the_set_found_is_listed_in_as_many_queries_however_large(client, officer):
    def queries_for(count: int) -> int:
        ApplicationFactory.create_batch(count, email=f"person{count}@example.se")
        found = find(client, f"person{count}@example.se")
        with CaptureQueriesContext(connection) as listed:
            assert len(client.get(found).context["found"]) == count
        with CaptureQueriesContext(connection) as confirming:
            assert len(client.get(f"{found}erase/").context["found"]) == count
        return len(listed), len(confirming)

    assert queries_for(1) == queries_for(6)


def test_a_restricted_application_page_offers_the_hold_and_nothing_of_the_person(client):
    logged_in_staff(client, "rekryterare", "view_all_applications", "set_legal_hold")
    application = ApplicationFactory(name="Astrid Lindqvist", restricted_at=timezone.now())
    page = f"/recruit/applications/{application.public_id}/"
    assert "Place on legal hold" in text(client.get(page))

    hold(client, application, reason="Tvist", next=page)

    shown = text(client.get(page))
    assert "On legal hold until lifted: Tvist" in shown and "Astrid" not in shown


def test_an_anonymous_hold_is_sent_to_the_login(client):
    application = ApplicationFactory()
    response = hold(client, application, reason="Tvist")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    application.refresh_from_db()
    assert application.hold_reason == ""


def test_the_retention_dashboard_looks_two_years_ahead_by_month(client):
    """UX review problem 37: eight weeks showed zeros, as most deletions come two years
    after a decision; the openings waiting were not links, nor was the page from the
    privacy requests."""
    officer = logged_in_staff(client, "dataskydd", "view_retention", "handle_privacy_requests")
    ours, theirs = OpeningFactory(title="Lagerchef"), OpeningFactory(title="Ekonom")
    ours.hiring_team.add(officer)
    ApplicationFactory(opening=ours)
    ApplicationFactory(opening=theirs)
    month = month_starts(timezone.localdate(), 21)[-1]  # 20 months ahead
    due = timezone.make_aware(datetime.combine(month.replace(day=15), time(12)))
    ApplicationFactory.create_batch(2, decided=True, delete_after=due)

    privacy = client.get("/recruit/privacy/").content.decode()
    assert 'href="/recruit/retention/"' in privacy.split("<main", 1)[1]
    english = client.get("/recruit/retention/", HTTP_ACCEPT_LANGUAGE="en")
    swedish = client.get("/recruit/retention/", HTTP_ACCEPT_LANGUAGE="sv")

    assert english.context["report"].due_months == [(month, 2)]
    assert f"{ENGLISH_MONTHS[month.month - 1]} {month.year} 2" in text(english)
    assert f'<time datetime="{month:%Y-%m}">' in swedish.content.decode()
    assert f"{SWEDISH_MONTHS[month.month - 1]} {month.year} 2" in text(swedish)
    page = english.content.decode()
    assert f'<a href="/recruit/openings/{ours.pk}/">Lagerchef</a>' in page
    assert "Ekonom" in page and f"/recruit/openings/{theirs.pk}/" not in page
