"""Lists to take away: an applicant list as a file (CSV, Excel), with the columns the
page shows the user's role (and the phone, for those who may call), and the counts of
an opening without anyone's name.

The rows are those of the page (selectors.pipeline.filtered_applications: the same
filters, search and reach), less the restricted ones, read in chunks whatever their
number; the counts are grouped in the database."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import retention
from ..models import (
    INTERVIEW_STAGES,
    AccessEvent,
    Application,
    ArrivalCount,
    Opening,
    PipelineStage,
    StageCount,
)
from .access import can_decide_on, hidden_fields
from .pipeline import (
    ApplicantFilters,
    StageCounts,
    filtered_applications,
    stage_counts,
    tag_links,
)
from .pipeline_stages import keyed, pipeline_of

EXPORT_CHUNK = 2_000  # rows read at a time: the memory a list of 200,000 takes


@dataclass(frozen=True)
class Column:
    field: str  # the applicant's field it shows (hidden_fields names the same)
    label: str


COLUMNS = (
    Column("name", gettext_lazy("Name")),
    Column("email", gettext_lazy("Email")),
    Column("phone", gettext_lazy("Phone")),
    Column("stage", gettext_lazy("Stage")),
    Column("submitted_at", gettext_lazy("Applied")),
    Column("mean_score", gettext_lazy("Score")),
    Column("tags", gettext_lazy("Tags")),
    Column("misses_requirement", gettext_lazy("Requirement not met")),
    Column("delete_after", gettext_lazy("To be deleted on")),
)
# Read with the row, not columns of its own (filtered_applications, the tags).
COMPUTED = {"mean_score", "tags", "misses_requirement"}


@dataclass(frozen=True)
class ApplicantExport:
    """What a list to take away holds: its columns, and the applications (unordered,
    for the access log) whose rows it has."""

    opening: Opening | None
    columns: tuple[Column, ...]
    applications: QuerySet[Application]
    pipeline: list[PipelineStage]  # pipeline_of the opening: its stages' names


def applicant_export(
    *,
    user: AbstractBaseUser,
    opening: Opening | None,
    filters: ApplicantFilters,
    search: str = "",
) -> ApplicantExport:
    """The list as the page shows it to the user, without the applications their
    candidates have restricted (nothing of them leaves in a file). Two queries (the
    role, the pipeline)."""
    deciding = can_decide_on(user, opening)
    hidden = hidden_fields(deciding=deciding)
    applications = filtered_applications(
        user=user, opening=opening, filters=filters, search=search, deciding=deciding
    ).filter(restricted_at__isnull=True)
    return ApplicantExport(
        opening=opening,
        columns=tuple(column for column in COLUMNS if column.field not in hidden),
        applications=applications,
        pipeline=pipeline_of(opening),
    )


def exported_rows(
    export: ApplicantExport, *, user: AbstractBaseUser, logged_at: datetime
) -> Iterator[list]:
    """Each row of the list, in its order: text, dates (the employer's
    day) and None for nothing. Only applications the access log holds as exported by
    `user` at `logged_at` (services/access_log.record_access_to_all), so that no row
    leaves unlogged, whatever changed meanwhile. A query per chunk read, and one for its
    tags."""
    logged = AccessEvent.objects.filter(
        public_id=OuterRef("public_id"),
        user=user,
        action=AccessEvent.Action.EXPORT_LIST,
        at=logged_at,
    )
    # In the list's order, with its requirement flag and mean (filtered_applications).
    fields = [c.field for c in export.columns if c.field not in COMPUTED]
    applications = (
        export.applications.filter(Exists(logged))
        .only(*fields, *(["pipeline_stage"] if "stage" in fields else []))
        .prefetch_related(tag_links())
    )
    # Translated now, in the request's language: a streamed file is read after the view.
    stages = {key: str(stage.label) for key, stage in keyed(export.pipeline).items()}
    yes, after_decision = _("Yes"), _("after the decision")
    return (
        [_cell(application, column.field, stages, yes, after_decision) for column in export.columns]
        for application in applications.iterator(chunk_size=EXPORT_CHUNK)
    )


def _cell(application: Application, field: str, stages: dict, yes: str, after_decision: str):
    if field == "stage":  # the name of its stage in the opening's pipeline
        return stages.get(
            (application.stage, application.pipeline_stage_id), application.get_stage_display()
        )
    if field == "submitted_at":
        return retention.employer_date(application.submitted_at)
    if field == "delete_after":
        deadline = application.delete_after
        return retention.employer_date(deadline) if deadline else after_decision
    if field == "misses_requirement":
        return yes if application.misses_requirement else ""
    if field == "mean_score":  # none before the user's own scores
        return None if application.mean_score is None else one_decimal(application.mean_score)
    if field == "tags":
        return ", ".join(link.tag.name for link in application.tag_links.all())
    return getattr(application, field)


def one_decimal(mean: float) -> Decimal:
    """As the page's floatformat:1 shows it: a half rounded up (2.25 is 2.3, where
    round() gives 2.2)."""
    return Decimal(str(mean)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class ApplicantCounts:
    """How many applied, from where, which stage and when: numbers, no names."""

    stages: StageCounts
    # Every application received, also those since deleted (the kept arrivals); empty
    # for a user who does not decide on the applicants (an interviewer).
    sources: list[tuple[str, int]]  # most first; "" for no known source
    weeks: list[tuple[date, int]]  # the Monday of each week applied, oldest first


def applicant_counts(*, user: AbstractBaseUser, opening: Opening | None) -> ApplicantCounts:
    """An opening's (or the pool's) applications per stage, as far as the user's role
    sees them (an interviewer: the interview and offer stages), and for whoever decides
    on them, every application received per source and week, from the counts kept as
    each arrived (models/reports.py). Restricted applications are counted as the stage
    tabs count them: a number says nothing of anyone. Four queries past the user's
    permissions, whatever the number of applications: the role, the kept stage counts
    (two), and the kept arrivals (a row per day and source)."""
    key = StageCount.POOL if opening is None else opening.pk
    stages = stage_counts(opening_keys=[key], now=timezone.now())[key]
    if not can_decide_on(user, opening):
        return ApplicantCounts(stages=stages.only(INTERVIEW_STAGES), sources=[], weeks=[])
    sources: dict[str, int] = defaultdict(int)
    weeks: dict[date, int] = defaultdict(int)
    for source, day, n in ArrivalCount.objects.filter(opening_key=key).values_list(
        "source", "day", "applications"
    ):
        sources[source] += n
        weeks[date.fromordinal(day.toordinal() - day.weekday())] += n
    return ApplicantCounts(
        stages=stages,
        sources=sorted(sources.items(), key=lambda item: (-item[1], item[0])),
        weeks=sorted(weeks.items()),
    )
