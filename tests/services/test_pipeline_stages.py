"""Stages per opening (services/pipeline_stages.py, services/pipeline.py): a team shapes
its pipeline within the fixed kinds, applicants move between its stages, and what
rests on the kinds (the decision, the counts, the reports, the webhooks) holds."""

import pytest
from django.db import DatabaseError, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from ats.models import AdTemplate, Application, PipelineStage, ReportCount, StageChange, StageCount
from ats.selectors.pipeline import stage_counts
from ats.selectors.pipeline_stages import pipeline_of
from ats.services.ad_templates import save_ad_template
from ats.services.decisions import record_hiring_decision
from ats.services.openings import create_opening, duplicate_opening
from ats.services.pipeline import MoveRefused, move_application, move_applications
from ats.services.pipeline_stages import (
    PipelineRefused,
    add_stage,
    move_stage,
    remove_stage,
    rename_stage,
)
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory
from tests.faults import needs_postgresql
from tests.helpers import while_one_holds

pytestmark = pytest.mark.django_db


def kept_per_stage() -> dict[tuple, int]:
    rows = StageCount.objects.exclude(applications=0)
    return {(r.opening_key, r.stage, r.pipeline_stage): r.applications for r in rows}


def recounted_per_stage() -> dict[tuple, int]:
    rows = (
        Application.objects.order_by()
        .values_list(
            Coalesce("opening_id", StageCount.POOL), "stage", Coalesce("pipeline_stage", 0)
        )
        .annotate(n=Count("pk"))
    )
    return {(key, stage, own): n for key, stage, own, n in rows}


def labels(opening) -> list[tuple[str, str]]:
    return [(s.kind, str(s.label)) for s in pipeline_of(opening)]


def interview_stages(opening) -> tuple[PipelineStage, PipelineStage]:
    """The opening's interview stage, and a second one added after it."""
    first = PipelineStage.objects.get(opening=opening, kind="interview")
    rename_stage(stage=first, name="Telefonintervju")
    second = add_stage(owner=opening, kind="interview", name="Caseintervju")
    return PipelineStage.objects.get(pk=first.pk), second


def test_a_new_opening_copies_the_default_pipeline_and_a_copied_ad_its_own():
    recruiter = UserFactory()
    add_stage(owner=None, kind="reviewing", name="Tester")
    ad = {"title": "Lagermedarbetare", "description": "Text"}

    opening = create_opening(fields=ad, created_by=recruiter)
    assert labels(opening) == [
        ("new", "New"),
        ("reviewing", "Reviewing"),
        ("reviewing", "Tester"),
        ("interview", "Interview"),
        ("offer", "Offer"),
        ("hired", "Hired"),
        ("rejected", "Rejected"),
    ]
    rename_stage(stage=PipelineStage.objects.get(opening=opening, name="Tester"), name="Arbetsprov")
    copy = duplicate_opening(opening=opening, created_by=recruiter)
    assert ("reviewing", "Arbetsprov") in labels(copy)
    assert ("reviewing", "Tester") in labels(None), "the default is not the opening's"


def test_a_departments_template_gives_its_ads_its_stages_and_never_holds_applicants():
    recruiter = UserFactory()
    template = save_ad_template(
        template=AdTemplate(), name="Lagermedarbetare, dagtid", department=None, ad={}
    )
    work_sample = add_stage(owner=template, kind="reviewing", name="Arbetsprov")
    ad = {"title": "Lagermedarbetare", "description": "Text"}

    opening = create_opening(fields=ad, created_by=recruiter, stages_of=template)

    assert ("reviewing", "Arbetsprov") in labels(opening)
    assert ("reviewing", "Arbetsprov") not in labels(None)
    pooled = ApplicationFactory(consented=True)  # the pool's pipeline is the default's
    with pytest.raises(MoveRefused, match="not in this opening's pipeline"):
        move_applications(
            applications=Application.objects.filter(pk=pooled.pk),
            pipeline_stage=work_sample,
            moved_by=recruiter,
        )
    remove_stage(stage=work_sample)  # a template's stage holds no one
    assert ("reviewing", "Arbetsprov") in labels(opening), "the ad keeps what it took"


def test_moves_between_an_openings_own_stages_keep_the_counts_exact():
    opening, recruiter = OpeningFactory(), UserFactory()
    phone, case = interview_stages(opening)
    applicants = ApplicationFactory.create_batch(4, opening=opening)
    chosen = Application.objects.filter(pk__in=[a.pk for a in applicants[:3]])

    move_applications(applications=chosen, stage="interview", moved_by=recruiter)
    move_applications(
        applications=chosen.filter(pk=applicants[0].pk), pipeline_stage=case, moved_by=recruiter
    )

    assert (
        kept_per_stage()
        == recounted_per_stage()
        == {
            (opening.pk, "new", 0): 1,
            (opening.pk, "interview", 0): 2,  # at the first of the kind: the telephone interview
            (opening.pk, "interview", case.pk): 1,
        }
    )
    counts = stage_counts(opening_keys=[opening.pk], now=applicants[0].submitted_at)[opening.pk]
    stages = {s.pk: s for s in pipeline_of(opening)}
    assert (counts.of(stages[phone.pk]), counts.of(stages[case.pk])) == (2, 1)
    assert counts.counts["interview"] == 3
    history = StageChange.objects.filter(application=applicants[0]).order_by("pk")
    assert [(c.to_stage, c.to_pipeline_stage_id) for c in history] == [
        ("interview", phone.pk),
        ("interview", case.pk),
    ]


def test_reordering_a_kind_keeps_each_applicant_at_their_stage():
    opening, recruiter = OpeningFactory(), UserFactory()
    phone, case = interview_stages(opening)
    at_phone, at_case = ApplicationFactory.create_batch(2, opening=opening)
    move_applications(
        applications=Application.objects.filter(pk=at_phone.pk),
        pipeline_stage=phone,
        moved_by=recruiter,
    )
    move_applications(
        applications=Application.objects.filter(pk=at_case.pk),
        pipeline_stage=case,
        moved_by=recruiter,
    )

    move_stage(stage=case, by=-1)  # the case interview comes first now

    assert [s.label for s in pipeline_of(opening) if s.kind == "interview"] == [
        "Caseintervju",
        "Telefonintervju",
    ]
    at_phone.refresh_from_db()
    at_case.refresh_from_db()
    assert (at_phone.pipeline_stage_id, at_case.pipeline_stage_id) == (phone.pk, None)
    assert kept_per_stage() == recounted_per_stage()
    # A move to the kind lands at its new first stage.
    newcomer = ApplicationFactory(opening=opening)
    move_applications(
        applications=Application.objects.filter(pk=newcomer.pk),
        stage="interview",
        moved_by=recruiter,
    )
    assert StageChange.objects.get(application=newcomer).to_pipeline_stage == case


def an_applicant_in_the_second_interview_stage():
    """(the opening, its two interview stages, an applicant in the second, who moved them)."""
    opening, recruiter = OpeningFactory(), UserFactory()
    phone, case = interview_stages(opening)
    applicant = ApplicationFactory(opening=opening)
    move_applications(
        applications=Application.objects.filter(pk=applicant.pk),
        pipeline_stage=case,
        moved_by=recruiter,
    )
    return opening, phone, case, applicant, recruiter


def test_a_stage_is_removed_only_when_empty_and_a_kind_keeps_one():
    opening, phone, case, applicant, recruiter = an_applicant_in_the_second_interview_stage()

    with pytest.raises(PipelineRefused, match="move them first"):
        remove_stage(stage=case)
    move_applications(
        applications=Application.objects.filter(pk=applicant.pk),
        pipeline_stage=phone,
        moved_by=recruiter,
    )
    with pytest.raises(PipelineRefused, match="move them first"):
        remove_stage(stage=phone)  # the first of its kind: its applicants store no stage
    remove_stage(stage=case)
    with pytest.raises(PipelineRefused, match="at least one"):
        remove_stage(stage=PipelineStage.objects.get(opening=opening, kind="offer"))

    assert [s.label for s in pipeline_of(opening) if s.kind == "interview"] == ["Telefonintervju"]
    history = StageChange.objects.filter(application=applicant).order_by("pk")
    assert [c.to_pipeline_stage_id for c in history] == [None, phone.pk], "the removed one"
    assert kept_per_stage() == recounted_per_stage()


def test_removing_the_first_of_a_kind_makes_the_next_the_first():
    opening, phone, _, applicant, _ = an_applicant_in_the_second_interview_stage()

    remove_stage(stage=phone)

    applicant.refresh_from_db()
    assert (applicant.stage, applicant.pipeline_stage_id) == ("interview", None)
    assert kept_per_stage() == recounted_per_stage() == {(opening.pk, "interview", 0): 1}


def test_names_are_one_line_distinct_and_refused_clearly():
    opening = OpeningFactory()
    with pytest.raises(PipelineRefused, match="name"):
        add_stage(owner=opening, kind="offer", name="   ")
    add_stage(owner=opening, kind="offer", name="Referenser")
    with pytest.raises(PipelineRefused, match="of that name"):
        add_stage(owner=opening, kind="interview", name="referenser")
    stage = add_stage(owner=opening, kind="offer", name="  Avtal \n skickat ")
    assert stage.name == "Avtal skickat"


def test_a_stage_of_another_pipeline_is_refused():
    opening, other, recruiter = OpeningFactory(), OpeningFactory(), UserFactory()
    foreign = add_stage(owner=other, kind="interview", name="Case")
    applicant = ApplicationFactory(opening=opening)

    with pytest.raises(MoveRefused, match="not in this opening's pipeline"):
        move_applications(
            applications=Application.objects.filter(pk=applicant.pk),
            pipeline_stage=foreign,
            moved_by=recruiter,
        )
    applicant.refresh_from_db()
    assert applicant.stage == "new"


def test_the_decision_lands_at_the_first_stage_of_each_outcome(django_capture_on_commit_callbacks):
    opening, recruiter = OpeningFactory(), UserFactory()
    _, case = interview_stages(opening)
    late_rejection = add_stage(owner=opening, kind="rejected", name="Avböjde själv")
    hired, waiting, declined = ApplicationFactory.create_batch(3, opening=opening)
    for applicant, stage in ((hired, case), (waiting, case), (declined, late_rejection)):
        reason = "Tackade nej" if stage == late_rejection else ""
        move_applications(
            applications=Application.objects.filter(pk=applicant.pk),
            pipeline_stage=stage,
            moved_by=recruiter,
            reason=reason,
        )

    with django_capture_on_commit_callbacks(execute=True):
        record_hiring_decision(opening=opening, hired=[hired.public_id], decided_by=recruiter)

    for applicant in (hired, waiting, declined):
        applicant.refresh_from_db()
    assert (hired.stage, hired.pipeline_stage_id) == ("hired", None)
    assert (waiting.stage, waiting.pipeline_stage_id) == ("rejected", None)
    assert (declined.stage, declined.pipeline_stage_id) == ("rejected", late_rejection.pk)
    assert kept_per_stage() == recounted_per_stage()


def test_a_move_within_a_kind_is_no_first_answer_and_needs_no_second_reason():
    """The reports' time to the first answer counts the first move to another kind;
    between two rejected stages the reason given first stays, and none is asked."""
    opening, recruiter = OpeningFactory(), UserFactory()
    screened = add_stage(owner=opening, kind="new", name="Automatiskt sorterad")
    declined = add_stage(owner=opening, kind="rejected", name="Avböjde själv")
    applicant = ApplicationFactory(opening=opening)
    only = Application.objects.filter(pk=applicant.pk)

    move_applications(applications=only, pipeline_stage=screened, moved_by=recruiter)
    move_applications(applications=only, stage="rejected", moved_by=recruiter, reason="Fel profil")
    move_applications(applications=only, pipeline_stage=declined, moved_by=recruiter)

    applicant.refresh_from_db()
    assert (applicant.pipeline_stage_id, applicant.rejection_reason) == (declined.pk, "Fel profil")
    assert (
        ReportCount.objects.filter(figure="first_answer").aggregate(n=Sum("applications"))["n"] == 1
    )
    with pytest.raises(MoveRefused, match="not of the kind"):
        move_applications(
            applications=only, stage="interview", pipeline_stage=declined, moved_by=recruiter
        )


def test_an_edit_of_a_stage_removed_meanwhile_is_refused_clearly():
    opening = OpeningFactory()
    case = add_stage(owner=opening, kind="interview", name="Case")
    PipelineStage.objects.filter(pk=case.pk).delete()  # another editor, a moment before

    for edit in (
        lambda: rename_stage(stage=case, name="Nytt"),
        lambda: move_stage(stage=case, by=-1),
        lambda: remove_stage(stage=case),
    ):
        with pytest.raises(PipelineRefused, match="no longer in the pipeline"):
            edit()


def test_a_blank_name_gives_the_kinds_own_unless_another_stage_has_it():
    opening = OpeningFactory()
    first = PipelineStage.objects.get(opening=opening, kind="interview")
    second = add_stage(owner=opening, kind="interview", name="Case")
    with pytest.raises(PipelineRefused, match="of that name"):
        rename_stage(stage=second, name="")  # "Interview" is the first's
    rename_stage(stage=first, name="Telefon")
    assert rename_stage(stage=second, name=" ").label == "Interview"


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_move_to_a_stage_while_its_pipeline_is_edited_waits_and_neither_deadlocks():
    """An edit locks the pipeline's stages, then re-points the applicants of its kind; a
    move of one applicant must take the stage before the applicant's row, as the edit
    does, or each waits for the other and PostgreSQL kills one (a 500 for someone)."""
    opening, recruiter = OpeningFactory(), UserFactory()
    phone, case = interview_stages(opening)
    applicant = ApplicationFactory(opening=opening, stage="interview")  # at the first
    outcome = {}

    def edit(held):  # a second connection: the editor, its stages locked, its updates to come
        try:
            with transaction.atomic():
                list(PipelineStage.objects.select_for_update().filter(opening=opening))
                held()
                Application.objects.filter(pk=applicant.pk).update(pipeline_stage=phone)
            outcome["edited"] = True
        except DatabaseError as error:
            outcome["edit"] = type(error).__name__

    def move():  # a third: the application's page moves the applicant meanwhile
        try:
            move_application(application=applicant, pipeline_stage=case, moved_by=recruiter)
            outcome["moved"] = True
        except DatabaseError as error:
            outcome["move"] = type(error).__name__

    while_one_holds(edit, move)  # the move reaches the stage the edit holds, and waits

    assert outcome == {"edited": True, "moved": True}
    applicant.refresh_from_db()
    assert applicant.pipeline_stage_id == case.pk
