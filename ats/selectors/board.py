"""The opening's board: a column per stage of its pipeline that the user sees, each
with its count and its first cards in the list's filters and order
(selectors/pipeline.py)."""

from dataclasses import dataclass, replace

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import INTERVIEW_STAGES, Application, Opening, PipelineStage, Score
from .access import can_decide_on
from .pipeline import (
    ApplicantFilters,
    filtered_applications,
    scored_first,
    stage_counts,
    with_tags,
)
from .pipeline_stages import applications_at, pipeline_of, stored_as, token_of

BOARD_CARDS_PER_STAGE = 100  # the newest of each column; the list pages through the rest


@dataclass(frozen=True)
class BoardColumn:
    pipeline_stage: PipelineStage  # from pipeline_of: marked `first` of its kind or not
    count: int
    cards: list[Application]
    counted: bool = True  # False: filtered, and more match than the column shows

    @property
    def stage(self) -> str:
        return self.pipeline_stage.kind

    @property
    def label(self) -> str:
        return self.pipeline_stage.label

    @property
    def key(self) -> str:
        """Unique on the board: for ids, and what a move to the column sends (token_of)."""
        return token_of(self.pipeline_stage)

    @property
    def list_filter(self) -> str:
        """The list's query string for this column's applicants (its "more" link)."""
        stage = self.pipeline_stage
        return f"pipeline_stage={stage.pk}" if stage.pk else f"stage={stage.kind}"

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def board(
    *,
    user: AbstractBaseUser,
    opening: Opening,
    filters: ApplicantFilters = ApplicantFilters(),
    pipeline: list[PipelineStage] | None = None,
) -> list[BoardColumn]:
    """The opening's pipeline: one column per stage of it the user sees, with its count
    and its first cards in the filters' order (newest first unless sorted). Each card
    carries its flags, its tags and the scores given so far: how many, and (only once
    the user has given theirs: no anchoring) their mean. `pipeline`: pipeline_of the
    opening, if read already.

    A bounded number of queries whatever the number of applicants: the pipeline, the
    counts (two), one per column (the first cards of the stage, read from the index on
    (opening, stage, stage of the pipeline, date) or (opening, stage, name)), one more
    for the score order (the user's scored applicants) and one for the tags. Filtered
    beyond the stage, a column says how many match up to the cards it shows, then "more".
    """
    now = timezone.now()
    stages = stage_counts(opening_keys=[opening.pk], now=now)[opening.pk]
    kinds = Application.Stage.values if can_decide_on(user, opening) else INTERVIEW_STAGES
    shown = [s for s in pipeline or pipeline_of(opening) if s.kind in kinds]
    if filters.pipeline_stage:
        shown = [s for s in shown if s.pk == filters.pipeline_stage.pk]
    elif filters.stage:
        shown = [s for s in shown if s.kind == filters.stage]
    scores = Score.objects.filter(application=OuterRef("pk")).order_by().values("application")

    def cards(column: PipelineStage | None = None) -> QuerySet[Application]:
        """A column's cards in the filters' order (all the shown columns' without one)."""
        narrowed = replace(filters, stage=column.kind if column else "", pipeline_stage=None)
        rows = filtered_applications(user=user, opening=opening, filters=narrowed, now=now)
        return (
            rows.filter(applications_at(column) if column else Q(stage__in={s.kind for s in shown}))
            .only(
                "public_id",
                "name",
                "stage",
                "pipeline_stage",
                "submitted_at",
                "restricted_at",
                "opening_id",
            )
            .annotate(
                scores_given=Coalesce(Subquery(scores.annotate(n=Count("pk")).values("n")), 0)
            )
        )

    wanted = BOARD_CARDS_PER_STAGE + 1  # one more: whether the column has more
    by_column: dict[tuple[str, int | None], list[Application]] = {
        (s.kind, stored_as(s)): [] for s in shown
    }
    if filters.sort == ApplicantFilters.Sort.SCORE:
        scored, _ = scored_first(cards(), filters)
        for card in scored:
            column = by_column.get((card.stage, card.pipeline_stage_id))
            if column is not None and len(column) < wanted:
                column.append(card)
    for stage in shown:
        found = by_column[stage.kind, stored_as(stage)]
        room = wanted - len(found)
        if room > 0:
            rest = cards(stage)
            if filters.sort == ApplicantFilters.Sort.SCORE:
                rest = scored_first(rest, filters)[1]
            found += rest[:room]
    with_tags([card for column in by_column.values() for card in column])
    columns = []
    for stage in shown:
        found = by_column[stage.kind, stored_as(stage)]
        if filters.processing:  # the stage count is not what matches: the cards are
            count = min(len(found), BOARD_CARDS_PER_STAGE)
            counted = len(found) <= BOARD_CARDS_PER_STAGE
        else:
            count, counted = stages.of(stage), True
        columns.append(
            BoardColumn(
                pipeline_stage=stage,
                count=count,
                cards=found[:BOARD_CARDS_PER_STAGE],
                counted=counted,
            )
        )
    return columns
