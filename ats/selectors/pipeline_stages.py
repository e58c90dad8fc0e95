"""Reads of the pipelines: an opening's stages, an ad template's, or the default
pipeline's (which the spontaneous pool runs), for the board, the list, the moves and
their editor."""

from django.db.models import Q

from ..models import (
    AdTemplate,
    Application,
    Opening,
    PipelineStage,
    StageCount,
    in_pipeline_order,
    owned_by,
)


def pipeline_of(owner: Opening | AdTemplate | None) -> list[PipelineStage]:
    """The stages of `owner`'s pipeline (None: the default), in order, each marked
    `first` of its kind or not. One query. A kind it has no stage of (an opening made
    outside the services, say) shows as the kind itself, unsaved (pk None)."""
    stages = list(PipelineStage.objects.of(owner))
    present = {stage.kind for stage in stages}
    stages += [
        PipelineStage(**owned_by(owner), kind=kind)
        for kind in Application.Stage.values
        if kind not in present
    ]
    return in_pipeline_order(stages)


def first_of_kind(*, opening_id: int | None, kind: str) -> PipelineStage | None:
    """Where a move to `kind` lands in that pipeline; None if it has no stage of it."""
    return (
        PipelineStage.objects.filter(opening_id=opening_id, template=None, kind=kind)
        .order_by("position", "pk")
        .first()
    )


def stored_as(stage: PipelineStage) -> int | None:
    """What an application at `stage` stores as its own stage: None at the first of its
    kind (its `first` mark from pipeline_of), the stage's id otherwise."""
    return None if stage.first else stage.pk


def applications_at(stage: PipelineStage) -> Q:
    """The applications at `stage` of its pipeline (marked `first` or not)."""
    return Q(stage=stage.kind, pipeline_stage=stored_as(stage))


def pipeline_with_counts(owner: Opening | AdTemplate | None) -> list[PipelineStage]:
    """The pipeline for its editor, each stage with `applications`: how many are at it,
    live or not (a stage with any cannot be removed), from the kept counts (a template's
    have none). Two queries."""
    stages = pipeline_of(owner)
    counts = {}
    if not isinstance(owner, AdTemplate):
        kept = StageCount.objects.filter(
            opening_key=StageCount.POOL if owner is None else owner.pk
        ).values_list("stage", "pipeline_stage", "applications")
        counts = {(kind, key): n for kind, key, n in kept}
    for stage in stages:
        stage.applications = counts.get((stage.kind, stored_as(stage) or 0), 0)
    return stages


def token_of(stage: PipelineStage) -> str:
    """How a form names `stage` as a destination: its kind for the first of a kind (a
    move to the kind lands there), its id otherwise."""
    return stage.kind if stage.first else str(stage.pk)


def named(pipeline: list[PipelineStage], token: str) -> PipelineStage | None:
    """The stage of `pipeline` that a form's value names (token_of); None if none."""
    return next((stage for stage in pipeline if token_of(stage) == token), None)


def choices(pipeline: list[PipelineStage]) -> list:
    """The stages as a select's choices, grouped by kind where a kind has several."""
    grouped = []
    for kind in dict.fromkeys(stage.kind for stage in pipeline):
        kin = [(token_of(s), s.label) for s in pipeline if s.kind == kind]
        grouped += kin if len(kin) == 1 else [(Application.Stage(kind).label, kin)]
    return grouped


def keyed(pipeline: list[PipelineStage]) -> dict[tuple[str, int | None], PipelineStage]:
    """The stages by what an application at each stores: (its kind, stored_as)."""
    return {(stage.kind, stored_as(stage)): stage for stage in pipeline}


def stage_of(pipeline: list[PipelineStage], application: Application) -> PipelineStage | None:
    """The stage of `pipeline` the application is at."""
    return keyed(pipeline).get((application.stage, application.pipeline_stage_id))
