"""An opening's own stages on its pages: the editor (who may use it, what each button
does), the board's columns and the list's tabs, and moves to the team's stages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ats.models import AdTemplate, Opening, PipelineStage
from ats.services.demo_brand import load_demo_brand
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, grant
from tests.helpers import logged_in, team_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def opening():
    return OpeningFactory(title="Lagerchef")


def stages_url(opening) -> str:
    return f"/recruit/openings/{opening.pk}/stages/"


def edit(client, url, **data):
    return client.post(url, data, follow=True)


def test_a_recruiter_shapes_the_openings_stages_on_its_page(opening):
    client = team_client(opening)
    url = stages_url(opening)
    interview = PipelineStage.objects.get(opening=opening, kind="interview")

    edit(client, url, action="rename", stage=interview.pk, name="Telefonintervju")
    page = edit(client, url, action="add", kind="interview", name="Caseintervju")
    assert "The stage “Caseintervju” is added." in page.content.decode()
    case = PipelineStage.objects.get(opening=opening, name="Caseintervju")
    edit(client, url, action="earlier", stage=case.pk)
    page = edit(client, url, action="add", kind="interview", name="telefonintervju")
    assert "The pipeline has a stage of that name already." in page.content.decode()

    board = client.get(f"/recruit/openings/{opening.pk}/board/")
    assert [(c.stage, c.label) for c in board.context["columns"]][2:4] == [
        ("interview", "Caseintervju"),
        ("interview", "Telefonintervju"),
    ]
    other = OpeningFactory()
    assert PipelineStage.objects.filter(opening=other, kind="interview").count() == 1


def test_only_the_openings_deciders_edit_its_stages_and_the_default_needs_its_right(opening):
    interviewer = team_client(opening, role="interviewer")
    assert interviewer.get(stages_url(opening)).status_code == 404
    assert (
        edit(interviewer, stages_url(opening), action="add", kind="offer", name="X").status_code
        == 404
    )
    assert not PipelineStage.objects.filter(name="X").exists()
    recruiter = team_client(opening)
    assert recruiter.get("/recruit/stages/").status_code == 404
    administrator = UserFactory(is_staff=True)
    grant(administrator, "change_pipelinestage")
    client = logged_in(administrator)
    assert client.get(stages_url(opening)).status_code == 404, "not on its team"
    edit(client, "/recruit/stages/", action="add", kind="reviewing", name="Arbetsprov")
    assert PipelineStage.objects.filter(opening=None, name="Arbetsprov").exists()


def test_the_board_moves_a_card_to_a_stage_of_its_own_and_the_list_has_its_tab(opening):
    client = team_client(opening)
    case = PipelineStage.objects.create(opening=opening, kind="interview", position=1, name="Case")
    astrid = ApplicationFactory(opening=opening, name="Astrid Lindqvist", stage="interview")
    ApplicationFactory(opening=opening, name="Bertil Ek", stage="interview")

    client.post(
        f"/recruit/openings/{opening.pk}/board/",
        {"action": "move", "selected": [str(astrid.public_id)], "stage": str(case.pk)},
    )

    astrid.refresh_from_db()
    assert (astrid.stage, astrid.pipeline_stage_id) == ("interview", case.pk)
    board = client.get(f"/recruit/openings/{opening.pk}/board/")
    columns = {c.label: c for c in board.context["columns"]}
    assert [card.name for card in columns["Case"].cards] == ["Astrid Lindqvist"]
    assert [card.name for card in columns["Interview"].cards] == ["Bertil Ek"]
    assert (columns["Case"].count, columns["Interview"].count) == (1, 1)
    tab = client.get(f"/recruit/openings/{opening.pk}/?pipeline_stage={case.pk}")
    assert [a.name for a in tab.context["applicants"].page] == ["Astrid Lindqvist"]
    assert f'href="?pipeline_stage={case.pk}" aria-current="page">Case (1)' in tab.content.decode()
    kind = client.get(f"/recruit/openings/{opening.pk}/?stage=interview")
    assert kind.context["applicants"].matches == 2, "the kind: both of its stages"
    current = kind.content.decode().count('aria-current="page"')
    assert (
        'href="?stage=interview" aria-current="page">Interview, every stage (2)'
        in (kind.content.decode())
        and current == 1
    ), "an old link to the kind: a tab of its own, the one current"
    back = client.post(
        f"/recruit/applications/{astrid.public_id}/stage/", {"stage": "interview"}, follow=True
    )
    astrid.refresh_from_db()
    assert astrid.pipeline_stage_id is None and "Stage changed." in back.content.decode()


def test_the_board_costs_the_same_queries_with_more_stages_of_a_kind_filled(opening):
    client = team_client(opening)
    case = PipelineStage.objects.create(opening=opening, kind="interview", position=1, name="Case")
    ApplicationFactory.create_batch(3, opening=opening, stage="interview")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/recruit/openings/{opening.pk}/board/")
    ApplicationFactory.create_batch(30, opening=opening, stage="interview", pipeline_stage=case)
    with CaptureQueriesContext(connection) as more:
        page = client.get(f"/recruit/openings/{opening.pk}/board/")
    assert len(few) == len(more)
    assert sum(len(c.cards) for c in page.context["columns"]) == 33


def test_a_templates_stages_are_kept_by_those_who_keep_templates_and_come_with_its_ads():
    load_demo_brand()  # "Lagermedarbetare, dagtid", with a work sample and a visit
    template = AdTemplate.objects.get()
    url = f"/recruit/ad-templates/{template.pk}/stages/"
    assert team_client(OpeningFactory()).get(url).status_code == 404
    keeper = UserFactory(is_staff=True)
    grant(keeper, "change_adtemplate", "add_opening")
    client = logged_in(keeper)
    page = edit(client, url, action="add", kind="offer", name="Referenser")
    assert "The stage “Referenser” is added." in page.content.decode()

    new = f"/recruit/openings/new/?template={template.pk}"
    form = client.get(new).context["form"]
    client.post(new, {**form.initial, "description": "Text", "action": "save"})

    opening = Opening.objects.get(title="Lagermedarbetare")
    names = [s.name for s in PipelineStage.objects.filter(opening=opening) if s.name]
    assert sorted(names) == ["Arbetsprov", "Besök på lagret", "Referenser"]
