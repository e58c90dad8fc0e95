"""Nothing leaks: forms need their CSRF token, pages carry their security headers,
and no name, email, phone or file name reaches a log or a URL."""

import logging
import re
from datetime import timedelta
from uuid import uuid4

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ats import tokens
from ats.models import Application
from tests.factories import (
    ApplicationFactory,
    OpeningFactory,
    UserFactory,
    emailed_link,
    grant,
    opened,
    sent_emails,
)
from tests.helpers import form_data, logged_in, sample_bytes, upload

pytestmark = pytest.mark.django_db

PERSONAL = ["Astrid Lindqvist", "astrid.lindqvist@example.se", "+46 70 123 45 67", "Mitt CV.pdf"]


def applicant_form():
    cv = upload("Mitt CV.pdf", sample_bytes("pdf"))
    return form_data(cv, cover_letter="Hej", consent="on")


@pytest.fixture
def recruiter():
    return grant(
        UserFactory(username="rekryterare"),
        *("download_cv", "view_spontaneous_applications", "handle_privacy_requests"),
        "set_legal_hold",
    )


@pytest.fixture
def world(notice, recruiter):
    opening = OpeningFactory()
    opening.hiring_team.add(recruiter)
    application = ApplicationFactory(opening=opening)
    return {
        "opening": opening,
        "application": application,
        "link": emailed_link(application),
    }


def form_urls(world, client) -> list[str]:
    opening, application = world["opening"], world["application"]
    link = opened(client, world["link"])
    recruit = f"/recruit/applications/{application.public_id}/"
    return [
        "/apply/",
        f"/jobs/{opening.slug}/",
        "/my-data/",
        link + "edit/",
        link + "erase/",
        link + "export/",
        "/accounts/login/",
        recruit + "stage/",
        recruit + "notes/",
        recruit + "hold/",
        f"/recruit/openings/{opening.pk}/",
        f"/recruit/openings/{opening.pk}/decision/",
        "/recruit/privacy/",
        "/recruit/privacy/found/any-key/erase/",
        "/recruit/privacy/found/any-key/export/",
    ]


def test_every_form_refuses_a_post_without_its_csrf_token(world, recruiter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(recruiter)
    for url in form_urls(world, client):
        assert client.post(url, {}).status_code == 403, url
    world["application"].refresh_from_db()
    assert world["application"].stage == "new"
    assert Application.objects.count() == 1


def test_applying_is_rate_limited_per_address(client, notice, settings, cv_files):
    settings.ATS_APPLY_RATE_LIMIT = 2
    statuses = [client.post("/apply/", applicant_form()).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert Application.objects.count() == 2
    assert len(cv_files.remaining()) == 2


def pages(world, recruiter) -> dict[str, tuple[Client, bool]]:
    """Every kind of page, each with whether it shows personal data."""
    staff = logged_in(recruiter)
    anonymous = Client()
    opening, application = world["opening"], world["application"]
    link = opened(anonymous, world["link"])
    return {
        "/jobs/": (anonymous, False),
        f"/jobs/{opening.slug}/": (anonymous, False),
        "/apply/": (anonymous, False),
        "/privacy/": (anonymous, False),
        "/my-data/": (anonymous, False),
        link: (anonymous, True),
        link + "edit/": (anonymous, True),
        "/recruit/": (staff, True),
        f"/recruit/openings/{opening.pk}/": (staff, True),
        f"/recruit/applications/{application.public_id}/": (staff, True),
        "/recruit/privacy/": (staff, True),
        "/accounts/login/": (anonymous, False),
    }


def test_security_headers_on_every_page(world, recruiter):
    for url, (client, personal) in pages(world, recruiter).items():
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        if personal:
            assert "no-store" in response["Cache-Control"], url


def test_tokens_that_do_not_open_a_live_application_open_nothing(client, world):
    receipt_like = signing.dumps(world["application"].public_id.hex, salt="ats.application-receipt")
    tampered = world["link"].split("/")[2][:-1]
    for forged in (receipt_like, "not-a-token", tampered):
        assert client.get(f"/my-application/{forged}/").status_code == 404
        assert client.post(f"/my-application/{forged}/erase/").status_code == 404
    # Genuine but spent: the page that offers a fresh link, and nothing done.
    never_existed = tokens.make_token(public_id=uuid4(), key=world["application"].link_key)
    revoked = tokens.make_token(public_id=world["application"].public_id, key="an-earlier-key")
    expired = tokens.make_token(
        public_id=world["application"].public_id,
        key=world["application"].link_key,
        until=timezone.now() - timedelta(seconds=1),
    )
    for spent in (never_existed, revoked, expired):
        assert client.get(f"/my-application/{spent}/").url == "/my-data/new-link/"
        assert client.post(f"/my-application/{spent}/erase/").url == "/my-data/new-link/"
    assert Application.objects.live().count() == 1


def urls_in(response) -> list[str]:
    found = [response.get("Location", "")]
    if response.get("Content-Type", "").startswith("text/html"):
        found += re.findall(r'(?:href|action)="([^"]*)"', response.content.decode())
    return found


def test_main_flows_leave_no_personal_data_in_logs_or_urls(
    client, world, recruiter, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    seen_urls = []

    def visit(response):
        seen_urls.extend(urls_in(response))
        return response

    opening = world["opening"]
    visit(client.post(f"/jobs/{opening.slug}/", applicant_form()))
    visit(client.post("/apply/", applicant_form()))
    sent_emails("receipts")
    links = re.findall(
        r"https?://[^/\s]+(/my-application/\S+/)", " ".join(m.body for m in mail.outbox)
    )
    assert links
    visit(client.post("/my-data/", {"email": "astrid.lindqvist@example.se"}))
    link = visit(client.get(links[0])).url  # the page the emailed link leads to
    visit(client.get(link))
    visit(client.post(link + "export/"))
    visit(client.post(link + "restrict/"))
    visit(client.post(link + "unrestrict/"))

    staff = logged_in(recruiter)
    application = Application.objects.get(opening=opening, name="Astrid Lindqvist")
    base = f"/recruit/applications/{application.public_id}/"
    visit(staff.get(f"/recruit/openings/{opening.pk}/"))
    visit(staff.post(f"/recruit/openings/{opening.pk}/", {"q": "Astrid"}))
    visit(staff.get(base))
    visit(staff.get(base + "cv/"))
    visit(staff.post(base + "stage/", {"stage": "interview"}))
    visit(staff.post(base + "notes/", {"text": "Bra"}))
    visit(
        staff.post(
            f"/recruit/openings/{opening.pk}/decision/",
            {"hired": [str(application.public_id)], "confirmed": "yes"},
        )
    )
    visit(
        staff.post(
            "/recruit/privacy/",
            {"email": "astrid.lindqvist@example.se", "received_on": "2026-11-20"},
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        visit(client.post(link + "erase/"))
    call_command("ats_purge", verbosity=0)
    visit(client.get("/applied/not-a-receipt/"))

    logged = "\n".join(
        f"{record.name} {record.getMessage()} {record.args!r}" for record in caplog.records
    )
    assert caplog.records  # the flows did log: the check below has something to read
    for value in PERSONAL:
        assert value not in logged
        assert all(value not in url for url in seen_urls), value
    assert "127.0.0.1" not in logged  # an address only ever as a keyed hash
    assert all("@" not in url for url in seen_urls if not url.startswith("mailto:"))


def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_saw(client, behind_the_proxy):
    statuses = [
        client.post(
            "/my-data/",
            {"email": f"a{n}@example.se"},
            # Forged first, then the address the proxy saw.
            **behind_the_proxy(f"198.51.100.{n}, 10.0.0.7"),
        ).status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]  # ten an hour from the address the proxy saw
