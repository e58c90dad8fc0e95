"""Reads for the recruiter's pipeline pages: the home page's openings and stage counts,
an opening's applicant list (its filters and orders, which the board shares:
selectors/board.py), and the applicants ticked on them. Each a bounded number of
queries."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    When,
    prefetch_related_objects,
)
from django.db.models.lookups import IsNull
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import retention
from ..models import (
    INTERVIEW_STAGES,
    Application,
    ApplicationTag,
    Opening,
    PipelineStage,
    Score,
    ScreeningAnswer,
    StageCount,
    past_its_date,
)
from .access import (
    can_decide_on,
    can_see_spontaneous,
    deciding_openings,
    hidden_fields,
    visible_applications,
    visible_openings,
)
from .pipeline_stages import applications_at, keyed, pipeline_of, stored_as

APPLICANTS_PER_PAGE = 50


@dataclass(frozen=True)
class StageCounts:
    counts: dict[str, int]  # per Application.Stage value (a kind), every kind present
    # Per kind and stage of the pipeline, as the applications store it (0: the first).
    own: dict[tuple[str, int], int] = field(default_factory=dict)

    def of(self, stage: PipelineStage) -> int:
        """How many are at `stage` of the pipeline (marked `first` or not: pipeline_of)."""
        return self.own.get((stage.kind, stored_as(stage) or 0), 0)

    def only(self, kinds) -> "StageCounts":
        """The counts of those kinds alone (what an interviewer sees)."""
        return StageCounts(
            {kind: (n if kind in kinds else 0) for kind, n in self.counts.items()},
            {key: n for key, n in self.own.items() if key[0] in kinds},
        )

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
    """Four queries (the openings, those the user decides on, then their counts),
    whatever the number of applicants. An interviewer's counts are of the stages they
    see (as the list's: applicant_list)."""
    openings = list(visible_openings(user).order_by("status", "-created_at"))
    deciding = set(deciding_openings(user).values_list("pk", flat=True))
    pool = can_see_spontaneous(user)
    counts = stage_counts(
        opening_keys=[o.pk for o in openings] + ([StageCount.POOL] if pool else []),
        now=now or timezone.now(),
    )
    return RecruiterHome(
        openings=[
            (o, counts[o.pk] if o.pk in deciding else counts[o.pk].only(INTERVIEW_STAGES))
            for o in openings
        ],
        spontaneous=counts[StageCount.POOL] if pool else None,
    )


def stage_counts(*, opening_keys: list[int], now: datetime) -> dict[int, StageCounts]:
    """Live applications per stage of each opening (`StageCount.POOL`: the spontaneous
    pool). Two queries whatever the number of applicants: the counts the database keeps,
    less the rows past their date or being purged, which are few (the purge takes them)."""
    counts = {key: dict.fromkeys(Application.Stage.values, 0) for key in opening_keys}
    own = {key: {} for key in opening_keys}

    def add(key: int, stage: str, pipeline_stage: int, n: int) -> None:
        counts[key][stage] += n
        own[key][stage, pipeline_stage] = own[key].get((stage, pipeline_stage), 0) + n

    kept = StageCount.objects.filter(opening_key__in=opening_keys).values_list(
        "opening_key", "stage", "pipeline_stage", "applications"
    )
    for key, stage, pipeline_stage, applications in kept:
        add(key, stage, pipeline_stage, applications)
    of_openings = Q(opening_id__in=[key for key in opening_keys if key != StageCount.POOL])
    if StageCount.POOL in opening_keys:
        of_openings |= Q(opening__isnull=True)
    hidden = (
        Application.objects.filter(of_openings, past_its_date(now))
        .order_by()
        .values_list("opening_id", "stage", "pipeline_stage")
        .annotate(n=Count("pk"))
    )
    for opening_id, stage, pipeline_stage, n in hidden:
        add(opening_id or StageCount.POOL, stage, pipeline_stage or 0, -n)
    return {key: StageCounts(counts[key], own[key]) for key in opening_keys}


@dataclass(frozen=True)
class ApplicantFilters:
    """What the list and the board are narrowed to, and their order: values from the
    query string (none of them personal data; the name search is not one of them)."""

    class Sort(TextChoices):
        DATE = "date", _("Date applied, newest first")
        NAME = "name", _("Name")
        SCORE = "score", _("Score, highest first")

    stage: str = ""  # a kind
    pipeline_stage: PipelineStage | None = None  # one stage of the pipeline, from pipeline_of
    source: str = ""
    applied_from: date | None = None  # the employer's days (ATS_TIME_ZONE), both included
    applied_to: date | None = None
    min_score: Decimal | None = None  # the mean of the scores given, 1 to 4
    flagged: bool = False  # an answer that does not meet a requirement
    tag: int | None = None  # a Tag's pk
    sort: str = Sort.DATE

    @property
    def kind(self) -> str:
        """The kind the list or board is narrowed to, if any."""
        return self.pipeline_stage.kind if self.pipeline_stage else self.stage

    @property
    def narrowing(self) -> bool:
        """Narrowed by more than the stage: the stage counts no longer say how many."""
        return bool(
            self.source
            or self.applied_from
            or self.applied_to
            or self.min_score is not None
            or self.flagged
            or self.tag
        )

    @property
    def processing(self) -> bool:
        """Whether the list reads more of each applicant than the date they applied:
        then one who restricted processing is left out, as a search leaves them out."""
        return self.narrowing or self.sort != self.Sort.DATE


# Filtered, the list counts the matches up to this many, then says "more than" and pages
# on without a total: the rows read to count grow with how sparse the matches are, not
# with the size of the opening.
MATCHES_COUNTED_UP_TO = 200


def filtered_applications(
    *,
    user: AbstractBaseUser,
    opening: Opening | None,
    filters: ApplicantFilters = ApplicantFilters(),
    search: str = "",
    deciding: bool | None = None,
    now: datetime | None = None,
) -> QuerySet[Application]:
    """The one query behind the applicant list, the board and the lists taken away: the
    applications of the opening (None: the spontaneous pool) that the user may see,
    narrowed by `filters` and `search`, in the filters' order. Each row carries
    `misses_requirement`, `scored_by_me` and `mean_score` (None unless the user has
    given their own scores: no anchoring). `deciding`: can_decide_on, if known.

    A score filter or sort reads only the means the user may see: an applicant they
    have not scored is left out of "mean at least", and comes after the scored ones.
    """
    applications = visible_applications(user, now=now).filter(
        Q(opening__isnull=True) if opening is None else Q(opening=opening)
    )
    if filters.tag:
        # Read from the tag's own rows, whose copies of the opening, stage and date are
        # under indexes in the list's and a column's order: a page's worth, however
        # sparse the tag (an EXISTS read the opening's rows until enough had it).
        # One filter() call: each call on a relation to many rows joins it once more.
        applications = applications.annotate(
            tagged=FilteredRelation("tag_links", condition=Q(tag_links__tag_id=filters.tag))
        ).filter(
            Q(tagged__opening__isnull=True) if opening is None else Q(tagged__opening=opening),
            Q(tagged__stage=filters.kind) if filters.kind else Q(),
            tagged__tag_id=filters.tag,
        )
    if filters.pipeline_stage:
        applications = applications.filter(applications_at(filters.pipeline_stage))
    elif filters.stage:
        applications = applications.filter(stage=filters.stage)
    if search or filters.processing:  # a restricted application is not processed
        applications = applications.filter(restricted_at__isnull=True)
    if search:
        if deciding is None:
            deciding = can_decide_on(user, opening)
        matches = Q(name__icontains=search)
        if "email" not in hidden_fields(deciding=deciding):  # nobody finds by what they may not see
            matches |= Q(email__icontains=search)
        applications = applications.filter(matches)
    if filters.source:
        applications = applications.filter(source=filters.source)
    if filters.applied_from:  # whole days, as bounds the index on the date answers
        applications = applications.filter(submitted_at__gte=start_of(filters.applied_from))
    if filters.applied_to:
        applications = applications.filter(
            submitted_at__lt=start_of(filters.applied_to + timedelta(days=1))
        )
    scores = Score.objects.filter(application=OuterRef("pk")).order_by().values("application")
    unmet_answers = ScreeningAnswer.objects.filter(
        application=OuterRef("pk"), misses_requirement=True
    )
    applications = applications.annotate(
        # A flag for the recruiters, never a decision. A scalar subquery, which
        # PostgreSQL looks up for each row read; an EXISTS it hashed from every flagged
        # answer of the site before the first row (bench/scale.py measures it).
        misses_requirement=IsNull(Subquery(unmet_answers.order_by().values("pk")[:1]), False),
        scored_by_me=Exists(Score.objects.filter(application=OuterRef("pk"), scored_by=user)),
        # No anchoring: the mean only for those who have given their own scores.
        mean_score=Case(
            When(scored_by_me=True, then=Subquery(scores.annotate(m=Avg("value")).values("m"))),
            default=None,
        ),
    )
    if filters.flagged:  # checked row by row as the list is read in its order (as a
        # join, PostgreSQL merged the answers with every application by id)
        applications = applications.filter(misses_requirement=True)
    if filters.min_score is not None:
        applications = applications.filter(scored_by_me=True, mean_score__gte=filters.min_score)
    return applications.order_by(*order(filters))


def order(filters: ApplicantFilters) -> tuple:
    """The filters' order, by date in the columns of the index the query reads from: the
    tag's copies when filtered by a tag."""
    by_date = ("-tagged__submitted_at", "-tagged__application_id") if filters.tag else BY_DATE
    if filters.sort == ApplicantFilters.Sort.NAME:
        return ("name", "pk")  # the index on (opening, name, id)
    if filters.sort == ApplicantFilters.Sort.SCORE:
        return (F("mean_score").desc(nulls_last=True), *by_date)
    return by_date


BY_DATE = ("-submitted_at", "-pk")


def start_of(day: date) -> datetime:
    """The first moment of `day` where the employer is (the days of their calendar)."""
    return datetime.combine(day, time.min, tzinfo=retention.employer_zone())


def scored_first(
    applications: QuerySet[Application], filters: ApplicantFilters
) -> tuple[QuerySet, QuerySet]:
    """The score order as two reads that each stay bounded: the applications the user
    has scored (few, found from their scores), by mean; then the rest, newest first,
    from the index on the date. Sorting a whole opening by an expression read every
    one of its rows."""
    by_date = order(replace(filters, sort=ApplicantFilters.Sort.DATE))
    return (
        applications.filter(scored_by_me=True),
        applications.filter(scored_by_me=False).order_by(*by_date),
    )


def tag_links() -> Prefetch:
    """Each application's tags (`tag_links`, each with its tag, by name): one query."""
    return Prefetch("tag_links", queryset=ApplicationTag.objects.select_related("tag"))


def with_tags(applications: list[Application]) -> list[Application]:
    """The applications with their tags, in one query."""
    prefetch_related_objects(applications, tag_links())
    return applications


def opening_for_recruiter(*, user: AbstractBaseUser, opening_id: int) -> Opening:
    """The opening if the user may see its applicants; 404 otherwise, as if it did not exist."""
    return get_object_or_404(visible_openings(user), pk=opening_id)


@dataclass(frozen=True)
class ApplicantList:
    page: Page  # each application with `pipeline_label`: the name of its stage
    stages: StageCounts
    hidden: frozenset[str]  # the applicants' fields the user's role does not show
    matches: int  # how many the filters and search let through (at most the limit)
    counted: bool = True  # False: more than MATCHES_COUNTED_UP_TO match
    pipeline: list[PipelineStage] = field(default_factory=list)  # the stages the user sees
    # Narrowed to a kind of several stages (a link from before they were, `?stage=`):
    # the kind, its name and its count, for a tab of its own.
    whole_kind: tuple[str, str, int] | None = None

    def tabs(self) -> list[tuple[str, str, PipelineStage, int]]:
        """A tab per stage of the pipeline: its query (the kind where the kind has one
        stage, the stage's id otherwise), the filter's value, the stage and its count."""
        kinds = [stage.kind for stage in self.pipeline]
        return [
            ("stage", stage.kind, stage, self.stages.of(stage))
            if kinds.count(stage.kind) == 1
            else ("pipeline_stage", str(stage.pk), stage, self.stages.of(stage))
            for stage in self.pipeline
        ]


def applicant_list(
    *,
    user: AbstractBaseUser,
    opening: Opening | None,
    filters: ApplicantFilters = ApplicantFilters(),
    search: str = "",
    page_number: int | str = 1,
    pipeline: list[PipelineStage] | None = None,
) -> ApplicantList:
    """One page of an opening's applicants (or the spontaneous pool, opening None), which
    the user may see (`opening_for_recruiter`), narrowed and ordered by `filters`.
    `pipeline`: pipeline_of the opening, if read already.

    A bounded number of queries whatever the number of applicants: the stage counts
    (two, and they give the total), the page and its tags. Filtered beyond the stage,
    sorted, or searched: a count up to MATCHES_COUNTED_UP_TO, past which the pages go
    on without a total; sorted by score, the user's scored applicants are counted and
    read first.
    """
    now = timezone.now()
    key = StageCount.POOL if opening is None else opening.pk
    stages = stage_counts(opening_keys=[key], now=now)[key]
    deciding = can_decide_on(user, opening)
    hidden = hidden_fields(deciding=deciding)
    if not deciding:  # an interviewer: the counts of what they see, so the pages add up
        stages = stages.only(INTERVIEW_STAGES)
    applications = filtered_applications(
        user=user, opening=opening, filters=filters, search=search, deciding=deciding, now=now
    ).only(
        "public_id",
        "name",
        "email",
        "stage",
        "pipeline_stage",
        "submitted_at",
        "delete_after",
        "opening_id",
        "restricted_at",
    )
    counted = True
    if search or filters.processing:
        limit = MATCHES_COUNTED_UP_TO
        matches = applications.order_by().values("pk")[: limit + 1].count()
        counted = matches <= limit
        matches = min(matches, limit)
    elif filters.pipeline_stage:  # the stage counts already hold the total: no second count
        matches = stages.of(filters.pipeline_stage)
    else:
        matches = stages.counts[filters.stage] if filters.stage else stages.total
    rows = (
        ScoredFirst(applications, filters) if filters.sort == ApplicantFilters.Sort.SCORE else None
    )
    if not counted:  # pages on for as long as there are rows, each read with one more
        page = open_ended_page(rows or applications, page_number)
    elif rows:
        paginator = Paginator(rows, APPLICANTS_PER_PAGE)
        paginator.count = matches
        page = paginator.get_page(page_number)
    else:
        paginator = TwoEndedPaginator(applications, APPLICANTS_PER_PAGE)
        paginator.count = matches
        page = paginator.get_page(page_number)
    page.object_list = with_tags(list(page.object_list))
    pipeline = [
        s for s in pipeline or pipeline_of(opening) if deciding or s.kind in INTERVIEW_STAGES
    ]
    labels = {key: stage.label for key, stage in keyed(pipeline).items()}
    for application in page.object_list:
        application.pipeline_label = labels.get(
            (application.stage, application.pipeline_stage_id), application.get_stage_display()
        )
    several = [s for s in pipeline if s.kind == filters.stage]
    whole_kind = None
    if filters.stage and not filters.pipeline_stage and len(several) > 1:
        label = Application.Stage(filters.stage).label
        whole_kind = (filters.stage, label, stages.counts[filters.stage])
    return ApplicantList(
        page=page,
        stages=stages,
        hidden=hidden,
        matches=matches,
        counted=counted,
        pipeline=pipeline,
        whole_kind=whole_kind,
    )


class ScoredFirst:
    """The applicants in the score order, for a Paginator: the ones the user has
    scored, then the rest (scored_first), each read only as far as the page needs."""

    def __init__(self, applications: QuerySet[Application], filters: ApplicantFilters):
        self.scored, self.rest = scored_first(applications, filters)
        self._scored_count: int | None = None

    @property
    def scored_count(self) -> int:
        if self._scored_count is None:
            self._scored_count = self.scored.order_by().values("pk").count()
        return self._scored_count

    def __getitem__(self, rows: slice) -> list[Application]:
        start, stop = rows.start or 0, rows.stop
        found = list(self.scored[start:stop]) if start < self.scored_count else []
        if stop > self.scored_count:
            found += self.rest[max(0, start - self.scored_count) : stop - self.scored_count]
        return found


def open_ended_page(rows: QuerySet[Application] | ScoredFirst, number: int | str) -> Page:
    """A page of rows whose total is not known: read with one row more, which says
    whether there is a next page."""
    try:
        number = max(1, int(number))
    except (TypeError, ValueError):
        number = 1
    bottom = (number - 1) * APPLICANTS_PER_PAGE
    found = list(rows[bottom : bottom + APPLICANTS_PER_PAGE + 1])
    paginator = Paginator([], APPLICANTS_PER_PAGE)
    paginator.count = bottom + len(found)  # a next page exactly when one more was found
    return Page(found[:APPLICANTS_PER_PAGE], number, paginator)


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
