"""A pipeline's stages, as a hiring team shapes them: added, renamed, reordered within
their kind and removed when empty, for one opening, for a department's ad template
(which an ad made from it copies) or for the employer's default, which any other new
ad copies and the spontaneous pool runs.

An application at the first stage of its kind stores no stage of its own (models/
pipelines.py), so that applying and a move to a kind write nothing more. When the first
of a kind changes (a reorder, the first removed), those at the old first are given it
and those at the new first let go of theirs: two set-based UPDATEs, and the database's
stage counts follow by their triggers. Edits of one pipeline lock its stages, which a
move to one of them locks too (services/pipeline.py), so neither sees the other half done.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import AdTemplate, Application, Opening, PipelineStage, in_pipeline_order, owned_by
from ..selectors.pipeline_stages import applications_at

MAX_STAGES_PER_KIND = 10


class PipelineRefused(ValueError):
    """An edit the pipeline's rules do not allow; the message is safe to show."""


Owner = Opening | AdTemplate | None


def _locked_pipeline(owner: Owner) -> list[PipelineStage]:
    """The pipeline's stages, locked, in order; a kind it lacked is given its stage."""
    stages = list(PipelineStage.objects.select_for_update().of(owner).order_by("pk"))
    present = {stage.kind for stage in stages}
    missing = [kind for kind in Application.Stage.values if kind not in present]
    stages += PipelineStage.objects.bulk_create(
        PipelineStage(**owned_by(owner), kind=kind) for kind in missing
    )
    return in_pipeline_order(stages)


def _still_there(stages: list[PipelineStage], stage: PipelineStage) -> PipelineStage:
    """`stage` as locked, unless another edit removed it meanwhile."""
    for locked in stages:
        if locked == stage:
            return locked
    raise PipelineRefused(_("That stage is no longer in the pipeline."))


def _of_kind(stages: list[PipelineStage], kind: str) -> list[PipelineStage]:
    return [stage for stage in stages if stage.kind == kind]


def _renumber(stages: list[PipelineStage]) -> None:
    """Positions 0, 1, 2... in the order given (the stages of one kind)."""
    for position, stage in enumerate(stages):
        stage.position = position
    PipelineStage.objects.bulk_update(stages, ["position"])


def _first_changes(*, old: PipelineStage | None, new: PipelineStage) -> None:
    """`new` becomes the first of its kind where `old` was (None: removed, and empty).
    A template's stages have no applicants."""
    if old == new or new.template_id:
        return
    of_kind = Application.objects.filter(opening=new.opening_id, stage=new.kind)
    if old is not None:
        of_kind.filter(pipeline_stage=None).update(pipeline_stage=old)
    of_kind.filter(pipeline_stage=new).update(pipeline_stage=None)


def _clean_name(name: str, *, stages: list[PipelineStage], stage: PipelineStage | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise PipelineRefused(_("Give the stage a name."))
    if len(name) > PipelineStage._meta.get_field("name").max_length:
        raise PipelineRefused(_("The name is too long."))
    taken = {str(other.label).casefold() for other in stages if other != stage}
    if name.casefold() in taken:
        raise PipelineRefused(_("The pipeline has a stage of that name already."))
    return name


@transaction.atomic
def copy_pipeline(*, to: Opening | AdTemplate, source: Owner) -> list[PipelineStage]:
    """`to`'s pipeline as `source`'s is (None: the default)."""
    stages = in_pipeline_order(PipelineStage.objects.of(source))
    present = {stage.kind for stage in stages}
    copies = [
        PipelineStage(**owned_by(to), kind=s.kind, position=s.position, name=s.name) for s in stages
    ]
    copies += [
        PipelineStage(**owned_by(to), kind=kind)
        for kind in Application.Stage.values
        if kind not in present
    ]
    return PipelineStage.objects.bulk_create(copies)


@transaction.atomic
def add_stage(*, owner: Owner, kind: str, name: str) -> PipelineStage:
    """A stage of `kind` named `name`, last of its kind, in `owner`'s pipeline."""
    stages = _locked_pipeline(owner)
    kin = _of_kind(stages, kind)
    if len(kin) >= MAX_STAGES_PER_KIND:
        raise PipelineRefused(_("A kind holds at most %(n)d stages.") % {"n": MAX_STAGES_PER_KIND})
    return PipelineStage.objects.create(
        **owned_by(owner),
        kind=kind,
        position=kin[-1].position + 1,
        name=_clean_name(name, stages=stages, stage=None),
    )


@transaction.atomic
def rename_stage(*, stage: PipelineStage, name: str) -> PipelineStage:
    """`name` for the stage; an empty one gives it back its kind's name."""
    stages = _locked_pipeline(stage.owner)
    stage = _still_there(stages, stage)
    # Blank gives it its kind's name back, which no other stage may have either.
    kinds_own = str(Application.Stage(stage.kind).label)
    cleaned = _clean_name(name if name.strip() else kinds_own, stages=stages, stage=stage)
    stage.name = cleaned if name.strip() else ""
    stage.save(update_fields=["name"])
    return stage


@transaction.atomic
def move_stage(*, stage: PipelineStage, by: int) -> PipelineStage:
    """The stage `by` places earlier (-1) or later (+1) within its kind; its
    applications go with it."""
    stages = _locked_pipeline(stage.owner)
    stage = _still_there(stages, stage)
    kin = _of_kind(stages, stage.kind)
    at = kin.index(stage)
    to = min(max(at + by, 0), len(kin) - 1)
    if to == at:
        return stage
    old_first = kin[0]
    kin.insert(to, kin.pop(at))
    _renumber(kin)
    _first_changes(old=old_first, new=kin[0])
    return kin[to]


@transaction.atomic
def remove_stage(*, stage: PipelineStage) -> None:
    """The stage, if no application is at it (live or not) and its kind keeps another."""
    stages = _locked_pipeline(stage.owner)
    stage = _still_there(stages, stage)
    kin = _of_kind(stages, stage.kind)
    if len(kin) == 1:
        raise PipelineRefused(
            _("Each kind keeps at least one stage: rename this one instead of removing it.")
        )
    on_it = Application.objects.filter(opening=stage.opening_id).filter(applications_at(stage))
    if not stage.template_id and on_it.exists():
        raise PipelineRefused(_("Applicants are at this stage: move them first."))
    kin.remove(stage)
    stage.delete()
    _renumber(kin)
    if stage.first:
        _first_changes(old=None, new=kin[0])
