"""Dates as people read them (UX review problem 24): in the reader's language and its
conventions, decided in one place (ats/formats/, FORMAT_MODULE_PATH) that every page and
email names; ISO dates only where machines read them."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.formats import date_format

from ats import emails
from tests.factories import ApplicationFactory, OpeningFactory
from tests.helpers import ROOT, team_client, text

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MOMENT = datetime(2026, 12, 12, 14, 30, tzinfo=STOCKHOLM)  # a Saturday


@pytest.mark.parametrize(
    ("language", "date", "moment", "short"),
    [
        ("sv", "12 december 2026", "12 december 2026 kl. 14.30", "12 dec 2026"),
        ("en", "12 December 2026", "12 December 2026, 14:30", "12 Dec 2026"),
    ],
)
def test_a_date_and_a_time_read_as_each_language_writes_them(language, date, moment, short):
    with translation.override(language):
        assert date_format(MOMENT, "DATE_FORMAT") == date
        assert date_format(MOMENT, "DATETIME_FORMAT") == moment
        assert date_format(MOMENT, "SHORT_DATE_FORMAT") == short


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "applied", "listed"),
    [
        ("sv", "12 december 2026 kl. 14.30", "12 dec 2026"),
        ("en", "12 December 2026, 14:30", "12 Dec 2026"),
    ],
)
def test_the_applicant_list_and_an_application_show_dates_in_the_readers_language(
    language, applied, listed
):
    opening = OpeningFactory(title="Lagerchef")
    client = team_client(opening, "anna")
    application = ApplicationFactory(opening=opening, submitted_at=MOMENT)

    applicants = text(client.get(f"/recruit/openings/{opening.pk}/", HTTP_ACCEPT_LANGUAGE=language))
    page = text(
        client.get(f"/recruit/applications/{application.public_id}/", HTTP_ACCEPT_LANGUAGE=language)
    )

    assert listed in applicants and "2026-12-12" not in applicants
    assert applied in page and "2026-12-12" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "applied"), [("sv", "12 december 2026"), ("en", "12 December 2026")]
)
def test_an_email_to_a_candidate_dates_in_the_candidates_language(language, applied):
    application = ApplicationFactory(language=language, submitted_at=MOMENT)

    with translation.override("en" if language == "sv" else "sv"):  # whoever asks
        email = emails.links(email=application.email, applications=[application])

    assert f"({applied}):" in email.body
    assert "2026-12-12" not in email.body


# |date:"…" spelled out in a template: a format of Django's date syntax, or a name.
DATE_FILTER = re.compile(r"""\|date:(["'])(?P<format>.*?)\1""")
# Where a machine reads the date: an attribute of <time> or a form's hidden value.
FOR_MACHINES = re.compile(r"""(datetime|value)=["'][^"']*$""")
# Of a day's name alone ("l", "D"): beside a named format.
DAY_NAMES = {"l", "D"}
# The deletion certificate's appendix, for an auditor: the moments to the second, with
# their offset, as the erasure ledger records them.
KEPT_EXACT = {("ats/recruit/certificate.txt", "c")}


def date_formats_in_templates():
    for folder in (ROOT / "ats" / "templates", ROOT / "templates"):
        for path in sorted(folder.rglob("*")):
            if path.suffix not in {".html", ".txt"}:
                continue
            source = path.read_text()
            for found in DATE_FILTER.finditer(source):
                yield path.relative_to(folder).as_posix(), source[: found.start()], found["format"]


def test_no_template_spells_out_a_date_format_for_people():
    """A page or email names a format (DATE_FORMAT, ...), so that ats/formats/ decides
    how a date reads in each language; ISO dates ("Y-m-d") only where a machine reads
    them."""
    found = list(date_formats_in_templates())
    assert len(found) > 40  # the scan sees the templates

    spelled_out = [
        (name, format)
        for name, before, format in found
        if not format.endswith("_FORMAT")
        and format not in DAY_NAMES
        and not FOR_MACHINES.search(before.rsplit("<", 1)[-1])
        and (name, format) not in KEPT_EXACT
    ]

    assert spelled_out == []
