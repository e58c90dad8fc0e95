"""`/recruit/reports/`: the same numbers before and after the purge, "fewer than 5" for a
small count, need-to-know, the charts' numbers as the CSV's, queries fixed."""

import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ats.models import Application, RejectionReason
from ats.selectors.reports import NOT_SHOWN
from ats.services.decisions import record_hiring_decision
from ats.services.pipeline import move_applications
from ats.services.purge import purge_due
from tests.factories import HiringTeamMemberFactory, OpeningFactory
from tests.helpers import ENGLISH_MONTHS, csv_rows, logged_in, on_team, received, run

pytestmark = pytest.mark.django_db

APPLIED = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
DECIDED = APPLIED + timedelta(days=20)
PERIOD = {"start": "2025-01", "end": "2025-12"}
SVG = "{http://www.w3.org/2000/svg}"


def recruit(opening, *, recruiter, applicants: int, hired: int = 1, source: str = "linkedin"):
    """`applicants` applied on APPLIED; all reviewed after two days, `hired` of them
    interviewed after a week and hired at the decision on DECIDED, the others rejected
    then (two of them in screening, for a reason of the employer's)."""
    for _ in range(applicants):
        received(opening, at=APPLIED, source=source)
    everyone = Application.objects.filter(opening=opening).order_by("pk")
    move_applications(
        applications=everyone, stage="reviewing", moved_by=recruiter, now=APPLIED + timedelta(2)
    )
    chosen = list(everyone.values_list("pk", flat=True)[:hired])
    move_applications(
        applications=everyone.filter(pk__in=chosen),
        stage="interview",
        moved_by=recruiter,
        now=APPLIED + timedelta(days=7),
    )
    screened = everyone.exclude(pk__in=chosen).values_list("pk", flat=True)[:2]
    move_applications(
        applications=everyone.filter(pk__in=list(screened)),
        stage="rejected",
        moved_by=recruiter,
        reason="Saknar legitimation",
        email=False,
        now=APPLIED + timedelta(days=3),
    )
    with time_machine.travel(DECIDED, tick=False):
        record_hiring_decision(
            opening=opening,
            hired=list(everyone.filter(pk__in=chosen).values_list("public_id", flat=True)),
            decided_by=recruiter,
        )


@pytest.fixture
def opening(notice):
    RejectionReason.objects.create(label="Saknar legitimation", label_en="No licence")
    return OpeningFactory(title="Sjuksköterska", created_at=APPLIED - timedelta(days=14))


@pytest.fixture
def recruiter(opening):
    return on_team(opening, "rekryterare")


def tables(client, **query) -> dict[str, list[list[str]]]:
    """Each report's table as the page shows it: its rows' texts, by report."""
    page = BeautifulSoup(
        client.get("/recruit/reports/", {**PERIOD, **query}).content, "html.parser"
    )
    return {
        section.h2["id"]: [
            [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
            for row in section.find_all("tr")
        ]
        for section in page.find_all("section", class_="report")
    }


def test_a_report_is_the_same_after_every_applicant_is_deleted(english, opening, recruiter):
    recruit(opening, recruiter=recruiter, applicants=12, hired=1)
    client = logged_in(recruiter)
    before = tables(client)

    with time_machine.travel(DECIDED + timedelta(days=2 * 366)):
        purge_due()
        after = tables(logged_in(recruiter))

    assert not Application.objects.exists()
    assert before["funnel"][1:] == [
        ["New", "12", "", "100 %"],
        ["Reviewing", "12", "100 %", "100 %"],
        ["Interview", "fewer than 5", NOT_SHOWN, NOT_SHOWN],
        ["Offer", "fewer than 5", NOT_SHOWN, NOT_SHOWN],  # got at least as far
        ["Hired", "fewer than 5", NOT_SHOWN, NOT_SHOWN],
    ]
    # Hidden beside the one hired and the two without a licence: the twelve applied
    # less 11 rejected would tell the one, the 11 rejected less 9 the two.
    assert before["outcomes"][1:3] == [["Hired", "fewer than 5"], ["Rejected", NOT_SHOWN]]
    assert before["rejection-reasons"][1:] == [
        ["None given (at the hiring decision)", NOT_SHOWN],
        ["No licence", "fewer than 5"],
    ]
    assert before["times"][1] == ["First answer", "12", "2 days", "2 days"]
    assert before["times"][-2] == ["To the hiring decision", "12", "15 to 30 days", "15 to 30 days"]
    assert before["applications"][3] == ["March 2025", "12"]  # the page says months in words
    # Everything but the deletions is as it was; those add the twelve.
    assert {k: v for k, v in after.items() if k != "deletions"} == {
        k: v for k, v in before.items() if k != "deletions"
    }
    assert ["Retention after the hiring decision ended", "12"] in after["deletions"]
    assert ["Retention after the hiring decision ended", "0"] in before["deletions"]


def drawn(page: str, report: str) -> list[tuple[str, str]]:
    """What a report's chart draws, read by an XML parser: each bar's label and figure."""
    section = BeautifulSoup(page, "html.parser").find(id=report).parent
    chart = ElementTree.fromstring(str(section.find("svg")))
    return [
        tuple(text.text for text in group.findall(f"{SVG}text")) for group in chart.iter(f"{SVG}g")
    ]


@pytest.mark.parametrize(
    "report",
    ["applications", "sources", "funnel", "rejection-reasons", "outcomes", "deletions"],
)
def test_the_charts_draw_the_numbers_the_csv_gives(english, opening, recruiter, report):
    recruit(opening, recruiter=recruiter, applicants=7, source="linkedin")
    client = logged_in(recruiter)
    page = client.get("/recruit/reports/", PERIOD).content.decode()

    csv = csv_rows(client.get(f"/recruit/reports/{report}.csv", PERIOD))

    assert "without personal data" in csv[0][0]
    # A month is in words on the page ("March 2025"), in ISO in the CSV ("2025-03").
    as_read = {f"2025-{m:02}": f"{month} 2025" for m, month in enumerate(ENGLISH_MONTHS, 1)}
    assert drawn(page, report) == [(as_read.get(row[0], row[0]), row[1]) for row in csv[2:]]


def test_the_sources_say_how_far_each_got(english, opening, recruiter):
    recruit(opening, recruiter=recruiter, applicants=7, source="linkedin")
    csv = csv_rows(logged_in(recruiter).get("/recruit/reports/sources.csv", PERIOD))

    assert csv[1] == ["", "Applied", "Reviewing", "Interview", "Offer", "Hired"]
    assert csv[2:] == [["linkedin", "7", "7", "fewer than 5", "fewer than 5", "fewer than 5"]]


def test_each_user_reports_on_the_openings_they_decide_on(english, opening, recruiter):
    recruit(opening, recruiter=recruiter, applicants=6)
    other = OpeningFactory(title="Undersköterska", created_at=APPLIED - timedelta(days=14))
    recruit(other, recruiter=on_team(other, "kollega"), applicants=9, source="indeed")
    interviewer = on_team(opening, "intervjuare", role="interviewer")

    def applied(user, **query) -> list[str]:
        return [row[1] for row in tables(logged_in(user), **query)["funnel"][1:2]]

    assert applied(recruiter) == ["6"]
    assert applied(recruiter, opening=str(other.pk)) == ["6"]  # not theirs: left out
    assert applied(interviewer) == ["0"]
    page = logged_in(recruiter).get("/recruit/reports/", PERIOD).content.decode()
    assert "Undersköterska" not in page and "indeed" not in page
    both = on_team(other, "chef", role="hiring_manager")
    HiringTeamMemberFactory(opening=opening, user=both, role="hiring_manager")
    assert applied(both) == ["15"]
    assert applied(both, opening=str(other.pk)) == ["9"]


def queries(client) -> int:
    with CaptureQueriesContext(connection) as done:
        assert client.get("/recruit/reports/", PERIOD).status_code == 200
    return len(done)


def test_the_page_reads_the_same_queries_for_few_or_many(english, opening, recruiter, client):
    recruit(opening, recruiter=recruiter, applicants=5)
    logged_in(recruiter, client)
    few = queries(client)
    second = OpeningFactory(created_at=APPLIED - timedelta(days=14))
    HiringTeamMemberFactory(opening=second, user=recruiter, role="recruiter")
    recruit(second, recruiter=recruiter, applicants=40)
    many = queries(client)
    assert few == many


def test_ats_report_prints_every_report_as_csv(english, opening, recruiter):
    recruit(opening, recruiter=recruiter, applicants=6)
    printed = run("ats_report", "--from", "2025-01-01", "--to", "2025-12-31")
    assert "report,row,column,value" in printed.splitlines()[0]
    assert "funnel,New,Applicants,6" in printed
    assert "sources,linkedin,Applied,6" in printed


def test_a_month_that_does_not_fit_is_said_and_the_last_twelve_shown(english, recruiter):
    page = logged_in(recruiter).get("/recruit/reports/", {"start": "2025-13", "end": "2026-11"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "A month as YYYY-MM. The months shown instead: December 2025." in text
    assert 'aria-invalid="true"' in text
    assert (page.context["reports"].filters.first_month.isoformat()) == "2025-12-01"


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "0999-05"])
def test_a_month_at_the_calendars_edge_is_refused_as_any_other(english, recruiter, month):
    client = logged_in(recruiter)

    for asked in ({"start": month}, {"end": month}):
        page = client.get("/recruit/reports/", asked)
        assert page.status_code == 200, asked  # was a 500 (no year 10000)
        assert "A month as YYYY-MM." in page.content.decode()
        assert client.get("/recruit/reports/funnel.csv", asked).status_code == 200


def test_an_opening_closed_undecided_is_dated_in_words_on_the_page_and_iso_in_its_csv(
    english, opening, recruiter
):
    closed = datetime(2025, 12, 3, 10, 0, tzinfo=UTC)
    type(opening).objects.filter(pk=opening.pk).update(status="closed", closed_at=closed)
    client = logged_in(recruiter)

    shown = tables(client)["undecided-openings"]
    csv = csv_rows(client.get("/recruit/reports/undecided-openings.csv", PERIOD))

    assert shown[1] == ["Sjuksköterska", "", "3 December 2025"]
    assert csv[2] == ["Sjuksköterska", "", "2025-12-03"]
