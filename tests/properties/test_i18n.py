"""Swedish by default, English on request, emails in the candidate's language."""

import re
import subprocess

import pytest
from django.core import mail

from tests.factories import OpeningFactory, sent_emails
from tests.helpers import ROOT

pytestmark = pytest.mark.django_db

LOCALE = ROOT / "ats" / "locale" / "sv" / "LC_MESSAGES"


@pytest.fixture
def swedish_default(settings):
    settings.LANGUAGE_CODE = "sv"


def test_pages_are_swedish_by_default(client, swedish_default):
    OpeningFactory(title="Lagerchef")
    page = client.get("/jobs/").content.decode()
    assert '<html lang="sv">' in page
    assert "Lediga tjänster" in page and "Skicka en spontanansökan" in page


def test_the_language_switch_on_every_page_turns_to_english(client, swedish_default):
    assert 'name="language" value="en"' in client.get("/apply/").content.decode()
    response = client.post("/language/", {"language": "en", "next": "/apply/"}, follow=True)
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Spontaneous application" in page
    assert 'name="language" value="sv"' in page


def test_form_errors_are_swedish_too(client, swedish_default, notice):
    page = client.post("/apply/", {"name": "", "email": "fel"}).content.decode()
    assert "Fyll i en giltig e-postadress." in page  # Django's own Swedish
    assert "Rätta de markerade fälten." in page


@pytest.mark.parametrize(
    ("accept_language", "subject"),
    [
        ("sv", "Vi har tagit emot din spontanansökan"),
        ("en", "We received your spontaneous application"),
    ],
)
def test_emails_follow_the_language_the_candidate_applied_in(
    client, notice, sample_upload, accept_language, subject
):
    client.post(
        "/apply/",
        {"name": "Astrid", "email": "a@example.se", "cv": sample_upload(), "consent": "on"},
        HTTP_ACCEPT_LANGUAGE=accept_language,
    )
    sent_emails("receipts")  # by the worker, in the language of the application
    assert mail.outbox[0].subject == subject
    mail.outbox.clear()
    client.post("/my-data/", {"email": "a@example.se"}, HTTP_ACCEPT_LANGUAGE="de")
    sent_emails("link requests")  # by the worker
    expected = (
        "Länkar till dina ansökningar" if accept_language == "sv" else "Links to your applications"
    )
    assert mail.outbox[0].subject == expected


def test_every_message_has_a_swedish_translation():
    catalog = (LOCALE / "django.po").read_text()
    entries = catalog.split("\n\n")[1:]  # the first is the header
    # An empty msgstr with no continuation line is a missing translation.
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""$(?!\n")', e, re.M)]
    assert untranslated == []
    assert "#, fuzzy" not in catalog


def test_the_compiled_catalog_matches_the_source(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(LOCALE / "django.po")], check=True)
    assert compiled.read_bytes() == (LOCALE / "django.mo").read_bytes()
