"""The filters and orders of the applicant list and the board, as pages: from the query
string, kept by the links, the same for each role's reach, and the same queries
however many applicants there are; and tagging the applicants ticked on them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ats.models import AccessEvent, ApplicationTag, Criterion, ScreeningAnswer
from tests.factories import ApplicationFactory, ApplicationTagFactory, OpeningFactory, ScoreFactory
from tests.helpers import applicant, logged_in, on_team, team_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening():
    return OpeningFactory(title="Lagerchef")


def list_url(opening) -> str:
    return f"/recruit/openings/{opening.pk}/"


def board_url(opening) -> str:
    return f"/recruit/openings/{opening.pk}/board/"


def shown(page) -> list[str]:
    return [row.name for row in page.context["applicants"].page.object_list]


def test_the_list_is_filtered_and_sorted_by_the_query_string(opening):
    client = team_client(opening)
    applicant(opening, "Cecilia", source="linkedin")
    applicant(opening, "Astrid", source="linkedin")
    applicant(opening, "Bertil", source="indeed")

    page = client.get(list_url(opening), {"source": "linkedin", "sort": "name"})

    assert shown(page) == ["Astrid", "Cecilia"]
    html = page.content.decode()
    assert "2 applicants match." in html
    assert '<option value="linkedin" selected>' in html  # the form shows what is chosen
    assert 'href="?source=linkedin&amp;sort=name&amp;stage=new"' in html  # tabs keep them
    assert f'href="{list_url(opening)}">Clear</a>' in html


def test_a_value_that_does_not_fit_is_left_out_not_an_error(opening):
    client = team_client(opening)
    applicant(opening, "Astrid", source="linkedin")

    page = client.get(
        list_url(opening),
        {"source": "myspace", "applied_from": "igår", "min_score": "9", "tag": "x", "sort": "?"},
    )

    assert page.status_code == 200 and shown(page) == ["Astrid"]


def test_the_pages_keep_the_filters(opening):
    client = team_client(opening)
    ApplicationFactory.create_batch(
        55, opening=opening, source="linkedin", stage="new", cv="cv/shared.pdf"
    )

    page = client.get(list_url(opening), {"source": "linkedin", "stage": "new"})

    assert 'href="?stage=new&amp;source=linkedin&amp;page=2"' in page.content.decode()
    second = client.get(list_url(opening), {"source": "linkedin", "stage": "new", "page": 2})
    assert len(second.context["applicants"].page.object_list) == 5


def test_the_board_is_filtered_and_sorted_by_the_query_string(opening, tag):
    client = team_client(opening)
    tagged = applicant(opening, "Cecilia")
    also = applicant(opening, "Astrid")
    applicant(opening, "Bertil")
    for application in (tagged, also):
        ApplicationTagFactory(application=application, tag=tag)

    page = client.get(board_url(opening), {"tag": tag.pk, "sort": "name"})

    columns = {column.stage: column for column in page.context["columns"]}
    assert [card.name for card in columns["new"].cards] == ["Astrid", "Cecilia"]
    html = page.content.decode()
    assert "Ring tillbaka" in html and "Bertil" not in html
    assert f"?tag={tag.pk}&amp;sort=name&amp;stage=" not in html  # no "more" with 2
    assert 'class="filter-form"' in html and ">Filter</button>" in html


def test_an_interviewer_filtered_sees_the_interview_stages_only_and_no_contact_data(opening, tag):
    client = team_client(opening, role="interviewer")
    for name, stage in (("Astrid", "interview"), ("Bertil", "new"), ("Cecilia", "offer")):
        ApplicationTagFactory(
            application=applicant(opening, name, stage=stage, source="linkedin"), tag=tag
        )

    for query in ({"source": "linkedin", "sort": "name"}, {"tag": tag.pk, "sort": "score"}):
        listed = client.get(list_url(opening), query)
        board = client.get(board_url(opening), query)

        assert sorted(shown(listed)) == ["Astrid", "Cecilia"]
        assert [column.stage for column in board.context["columns"]] == ["interview", "offer"]
        for page in (listed, board):
            html = page.content.decode()
            assert "Bertil" not in html and "@example.se" not in html
            assert 'name="action"' not in html  # no bulk form, no tagging
    # Asked for a stage they may not see, they get nobody.
    assert shown(client.get(list_url(opening), {"stage": "new", "sort": "name"})) == []


def add_applicants(opening, count: int, *, scorer, tag) -> None:
    criterion, _ = Criterion.objects.get_or_create(opening=opening, name="Erfarenhet")
    for application in ApplicationFactory.create_batch(
        count, opening=opening, source="linkedin", cv="cv/shared.pdf"
    ):
        ApplicationTagFactory(application=application, tag=tag)
        ScoreFactory(application=application, criterion=criterion, scored_by=scorer, value=3)
        ScreeningAnswer.objects.create(
            application=application, question_text="Körkort?", answer="no", misses_requirement=True
        )


def query_count(client, url: str, query: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, query).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["list", "board"])
@pytest.mark.parametrize("sort", ["date", "name", "score"])
def test_filtered_pages_cost_the_same_queries_for_3_and_30_applicants(
    opening, tag, page, sort, django_assert_num_queries
):
    user = on_team(opening)
    client = logged_in(user)
    url = list_url(opening) if page == "list" else board_url(opening)
    query = {
        "source": "linkedin",
        "flagged": "on",
        "tag": tag.pk,
        "min_score": "2",
        "applied_from": "2020-01-01",
        "sort": sort,
    }
    add_applicants(opening, 3, scorer=user, tag=tag)
    three = query_count(client, url, query)
    add_applicants(opening, 27, scorer=user, tag=tag)

    with django_assert_num_queries(three):
        response = client.get(url, query)

    rows = (
        response.context["applicants"].page.object_list
        if page == "list"
        else response.context["columns"][0].cards
    )
    assert len(rows) == 30


def test_the_ticked_applicants_are_tagged_and_untagged_from_the_list_and_the_board(opening, tag):
    client = team_client(opening)
    chosen = [applicant(opening, "Astrid"), applicant(opening, "Bertil")]
    restricted = applicant(opening, "Cecilia", restricted_at=timezone.now())
    ids = [str(a.public_id) for a in [*chosen, restricted]]

    response = client.post(
        f"{list_url(opening)}?sort=name", {"action": "tag", "tag": tag.pk, "selected": ids}
    )

    assert response.status_code == 302 and response["Location"] == f"{list_url(opening)}?sort=name"
    tagged = ApplicationTag.objects.filter(tag=tag)
    assert sorted(tagged.values_list("application__name", flat=True)) == ["Astrid", "Bertil"]
    assert AccessEvent.objects.filter(action="tag").count() == 2
    page = client.get(response["Location"])
    assert "2 applicants tagged." in page.content.decode()

    client.post(board_url(opening), {"action": "untag", "tag": tag.pk, "selected": ids[:1]})

    assert list(tagged.values_list("application__name", flat=True)) == ["Bertil"]


def test_tagging_the_ticked_asks_for_a_tag_and_an_interviewer_may_not(opening, tag):
    application = applicant(opening, "Astrid")
    selected = {"action": "tag", "selected": [str(application.public_id)]}

    response = team_client(opening).post(list_url(opening), selected, follow=True)

    assert "Choose one for the selected applicants." in response.content.decode()
    interviewer = team_client(opening, role="interviewer")
    assert interviewer.post(list_url(opening), {**selected, "tag": tag.pk}).status_code == 404
    assert not ApplicationTag.objects.exists()


def test_the_filter_form_and_the_bulk_form_share_no_element_id(opening, tag):
    applicant(opening, "Astrid")
    client = team_client(opening)

    for url in (list_url(opening), board_url(opening)):
        html = client.get(url).content.decode()
        ids = re.findall(r'\sid="([^"]+)"', html)

        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
        assert 'for="filter_source"' in html and 'id="filter_source"' in html
