"""Reads for the recruiter's pipeline pages: the home page's openings and stage counts,
an opening's applicant list and its board, and the applicants ticked on them. Each a
bounded number of queries."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..models import (
    INTERVIEW_STAGES,
    Application,
    Opening,
    Score,
    ScreeningAnswer,
    StageCount,
    past_its_date,
)
from .access import (
    can_decide_on,
    can_see_spontaneous,
    hidden_fields,
    visible_applications,
    visible_openings,
)

APPLICANTS_PER_PAGE = 50


@dataclass(frozen=True)
class StageCounts:
    counts: dict[str, int]  # per Application.Stage value, every stage present

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def labelled(self) -> list[tuple[str, str, int]]:
        return [(stage.value, stage.label, self.counts[stage.value]) for stage in Application.Stage]


@dataclass(frozen=True)
class RecruiterHome:
    openings: list[tuple[Opening, StageCounts]]
    spontaneous: StageCounts | None  # None: the user may not see the pool


def recruiter_home(*, user: AbstractBaseUser, now: datetime | None = None) -> RecruiterHome:
    """Three queries (the openings, then their counts), whatever the number of applicants."""
    openings = list(visible_openings(user).order_by("status", "-created_at"))
    pool = can_see_spontaneous(user)
    counts = stage_counts(
        opening_keys=[o.pk for o in openings] + ([StageCount.POOL] if pool else []),
        now=now or timezone.now(),
    )
    return RecruiterHome(
        openings=[(opening, counts[opening.pk]) for opening in openings],
        spontaneous=counts[StageCount.POOL] if pool else None,
    )


def stage_counts(*, opening_keys: list[int], now: datetime) -> dict[int, StageCounts]:
    """Live applications per stage of each opening (`StageCount.POOL`: the spontaneous
    pool). Two queries whatever the number of applicants: the counts the database keeps,
    less the rows past their date or being purged, which are few (the purge takes them)."""
    counts = {key: dict.fromkeys(Application.Stage.values, 0) for key in opening_keys}
    kept = StageCount.objects.filter(opening_key__in=opening_keys)
    for key, stage, applications in kept.values_list("opening_key", "stage", "applications"):
        counts[key][stage] += applications
    of_openings = Q(opening_id__in=[key for key in opening_keys if key != StageCount.POOL])
    if StageCount.POOL in opening_keys:
        of_openings |= Q(opening__isnull=True)
    hidden = (
        Application.objects.filter(of_openings, past_its_date(now))
        .order_by()
        .values_list("opening_id", "stage")
        .annotate(n=Count("pk"))
    )
    for opening_id, stage, n in hidden:
        counts[opening_id or StageCount.POOL][stage] -= n
    return {key: StageCounts(per_stage) for key, per_stage in counts.items()}


BOARD_CARDS_PER_STAGE = 100  # the newest of each column; the list pages through the rest


@dataclass(frozen=True)
class BoardColumn:
    stage: str
    label: str
    count: int
    cards: list[Application]

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def board(*, user: AbstractBaseUser, opening: Opening) -> list[BoardColumn]:
    """The opening's pipeline: one column per stage the user sees, with its count and
    its newest cards. Each card carries its flags and the scores given so far: how
    many, and (only once the user has given theirs: no anchoring) their mean.

    Three queries whatever the number of applicants: the counts (two) and the cards,
    the newest of each stage chosen by a window function in the one query.
    """
    now = timezone.now()
    stages = stage_counts(opening_keys=[opening.pk], now=now)[opening.pk]
    shown = list(Application.Stage) if can_decide_on(user, opening) else INTERVIEW_STAGES
    scores = Score.objects.filter(application=OuterRef("pk")).order_by().values("application")
    rank = Window(
        RowNumber(),
        partition_by=[F("stage")],
        order_by=[F("submitted_at").desc(), F("pk").desc()],
    )
    cards = (
        visible_applications(user, now=now)
        .filter(opening=opening, stage__in=shown)
        .only("public_id", "name", "stage", "submitted_at", "restricted_at", "opening_id")
        .annotate(
            misses_requirement=Exists(
                ScreeningAnswer.objects.filter(application=OuterRef("pk"), misses_requirement=True)
            ),
            scores_given=Coalesce(Subquery(scores.annotate(n=Count("pk")).values("n")), 0),
            # No anchoring: the mean only for those who have given their own scores.
            mean_score=Case(
                When(
                    Exists(Score.objects.filter(application=OuterRef("pk"), scored_by=user)),
                    then=Subquery(scores.annotate(mean=Avg("value")).values("mean")),
                ),
                default=None,
            ),
            rank=rank,
        )
        .filter(rank__lte=BOARD_CARDS_PER_STAGE)
        .order_by("-submitted_at", "-pk")
    )
    by_stage: dict[str, list[Application]] = {stage: [] for stage in shown}
    for card in cards:
        by_stage[card.stage].append(card)
    return [
        BoardColumn(
            stage=stage,
            label=Application.Stage(stage).label,
            count=stages.counts[stage],
            cards=by_stage[stage],
        )
        for stage in shown
    ]


def opening_for_recruiter(*, user: AbstractBaseUser, opening_id: int) -> Opening:
    """The opening if the user may see its applicants; 404 otherwise, as if it did not exist."""
    return get_object_or_404(visible_openings(user), pk=opening_id)


@dataclass(frozen=True)
class ApplicantList:
    page: Page
    stages: StageCounts
    hidden: frozenset[str]  # the applicants' fields the user's role does not show


def applicant_list(
    *,
    user: AbstractBaseUser,
    opening: Opening | None,
    stage: str = "",
    search: str = "",
    page_number: int | str = 1,
) -> ApplicantList:
    """One page of an opening's applicants (or the spontaneous pool, opening None), which
    the user may see (`opening_for_recruiter`).

    Three queries whatever the number of applicants: the stage counts (two, and they give
    the total), and the page; a search adds a count.
    """
    now = timezone.now()
    # A flag for the recruiters, within the page's one query; never a decision.
    unmet_answers = ScreeningAnswer.objects.filter(
        application=OuterRef("pk"), misses_requirement=True
    )
    key = StageCount.POOL if opening is None else opening.pk
    stages = stage_counts(opening_keys=[key], now=now)[key]
    deciding = can_decide_on(user, opening)
    hidden = hidden_fields(deciding=deciding)
    if not deciding:
        # An interviewer: the counts of what they see, so the pages add up.
        stages = StageCounts(
            {s: (n if s in INTERVIEW_STAGES else 0) for s, n in stages.counts.items()}
        )
    applications = listed_applications(
        user=user, opening=opening, hidden=hidden, stage=stage, search=search, now=now
    )
    applications = (
        applications.only(
            "public_id",
            "name",
            "email",
            "stage",
            "submitted_at",
            "delete_after",
            "opening_id",
            "restricted_at",
        )
        .annotate(misses_requirement=Exists(unmet_answers))
        .order_by("-submitted_at", "-pk")
    )
    paginator = TwoEndedPaginator(applications, APPLICANTS_PER_PAGE)
    if not search:  # the stage counts already hold the total: no second count
        paginator.count = stages.counts[stage] if stage else stages.total
    return ApplicantList(page=paginator.get_page(page_number), stages=stages, hidden=hidden)


def listed_applications(
    *,
    user: AbstractBaseUser,
    opening: Opening | None,
    hidden: frozenset[str],
    stage: str = "",
    search: str = "",
    now: datetime | None = None,
) -> QuerySet[Application]:
    """The applications an applicant list holds (opening None: the pool), by its stage
    and search, unordered: the page and the list taken away (selectors/lists.py) read
    the same rows. `hidden`: hidden_fields for the user's role on the opening."""
    applications = visible_applications(user, now=now).filter(
        Q(opening__isnull=True) if opening is None else Q(opening=opening)
    )
    if stage:
        applications = applications.filter(stage=stage)
    if search:  # a restricted application is not processed, not even found by name
        matches = Q(name__icontains=search)
        if "email" not in hidden:  # nobody finds by what they may not see
            matches |= Q(email__icontains=search)
        applications = applications.filter(restricted_at__isnull=True).filter(matches)
    return applications


class TwoEndedPaginator(Paginator):
    """Reads a page past the middle from the other end, in reverse order, so that the
    last page of 100,000 applicants costs what the first does: no large OFFSET."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom <= self.count // 2:
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
        rows.reverse()
        return self._get_page(rows, number, self)


def ticked_applicants(
    *, user: AbstractBaseUser, opening: Opening | None, public_ids: list[UUID]
) -> QuerySet[Application]:
    """The ticked applicants that the user may act on: of this opening (or the pool),
    within reach, and not restricted by their candidate."""
    return visible_applications(user).filter(
        Q(opening__isnull=True) if opening is None else Q(opening=opening),
        public_id__in=public_ids,
        restricted_at__isnull=True,
    )
