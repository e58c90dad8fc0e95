"""The reports (`/recruit/reports/`, `ats_report`, the API's `reports/`): how many applied
and from where, how far they got, how long each step took and how it ended, for a period
of months applied, read from the counts kept as things happened (models/reports.py), so
that a report is the same before and after its applicants are deleted.

Need-to-know: a user reports on the openings they decide on (a recruiter or hiring
manager of the team, or every opening with ats.view_all_applications) and the
spontaneous pool with its permission. A count between 1 and ATS_REPORT_THRESHOLD - 1 is
shown as "fewer than N", and a median or share only over at least that many; where the
counts are the parts of a total that another figure gives (outcomes, reasons, months,
a source's column), one more is hidden beside a small one (`protected`). Five
queries past the user's permissions, whatever the number of applications: the openings
in reach and in the period, the report counts, the arrivals, the openings closed
without a decision, and the names of the rejection reasons counted."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import retention
from ..app_settings import app_settings
from ..models import (
    ArrivalCount,
    DeletionReason,
    Opening,
    RejectionReason,
    ReportCount,
    Stage,
)
from ..models.reports import DAY_BUCKETS, PIPELINE, POOL
from .access import can_see_all_openings, can_see_spontaneous, deciding_openings

Figure, Outcome = ReportCount.Figure, ReportCount.Outcome
NOT_SHOWN = "\N{EN DASH}"  # a median or share of fewer than the threshold
CHART_ROW = 30  # the height of a bar and its label in the charts, in SVG units


@dataclass(frozen=True)
class ReportFilters:
    first_month: date  # the first day of the first month applied
    last_month: date  # the first day of the last month applied
    department: str = ""
    opening: Opening | None = None
    pool: bool = False  # the spontaneous pool only

    @property
    def query(self) -> dict[str, str]:
        """As the page's form sends them (for the CSV links)."""
        return {
            "start": f"{self.first_month:%Y-%m}",
            "end": f"{self.last_month:%Y-%m}",
            **({"department": self.department} if self.department else {}),
            **({"opening": str(self.opening.pk)} if self.opening else {}),
            **({"opening": "pool"} if self.pool else {}),
        }


@dataclass(frozen=True)
class Cell:
    """A count as a report may show it: `shown` is "fewer than 5" for a small one."""

    count: int
    shown: str

    def __str__(self) -> str:
        return self.shown


@dataclass(frozen=True)
class Period:
    """A day or a month a report names: in words on the page (`shown`: "mars 2025",
    "3 december 2026"), as ISO 8601 in its CSV (str)."""

    start: date
    whole_month: bool = False

    def __str__(self) -> str:
        return f"{self.start:%Y-%m}" if self.whole_month else self.start.isoformat()

    @property
    def shown(self) -> str:
        return date_format(self.start, "YEAR_MONTH_FORMAT" if self.whole_month else "DATE_FORMAT")


@dataclass(frozen=True)
class Row:
    label: str | Period
    cells: list[Cell | Period | str]


@dataclass(frozen=True)
class Bar:
    label: str | Period
    length: int  # in the chart's unit; 0 for a count shown as "fewer than"
    shown: str  # the figure written beside it


@dataclass(frozen=True)
class Report:
    slug: str  # its CSV's name: /recruit/reports/<slug>.csv
    title: str
    description: str
    columns: list[str]  # after the rows' label column
    rows: list[Row]
    bars: list[Bar]  # the chart: the table's main figure, drawn
    chart_unit: str  # what the bars measure ("applications", "days")

    @property
    def longest(self) -> int:
        return max((bar.length for bar in self.bars), default=0)

    @property
    def table(self) -> list[tuple[str | Period, list[tuple[str, Cell | Period | str]]]]:
        """Each row's label, and its cells each with its column's name."""
        return [(row.label, list(zip(self.columns, row.cells, strict=True))) for row in self.rows]

    @property
    def chart_height(self) -> int:
        return CHART_ROW * len(self.bars)


@dataclass(frozen=True)
class Reports:
    filters: ReportFilters
    openings: list[Opening]  # in reach, for the filter
    departments: list[str]
    pool: bool  # the user reports on the spontaneous pool
    reports: list[Report] = field(default_factory=list)

    def get(self, slug: str) -> Report:
        return next(report for report in self.reports if report.slug == slug)


SLUGS = [
    "applications",
    "sources",
    "funnel",
    "times",
    "rejection-reasons",
    "outcomes",
    "deletions",
    "undecided-openings",
]


def reportable_openings(user: AbstractBaseUser | None) -> QuerySet[Opening]:
    """The openings the user decides on; every one for the employer's own tools (None)."""
    return Opening.objects.all() if user is None else deciding_openings(user).distinct()


def reports(*, user: AbstractBaseUser | None, filters: ReportFilters) -> Reports:
    """Every report for the openings in the user's reach (None: every one, and the pool)
    that `filters` select."""
    pool = user is None or can_see_spontaneous(user)
    in_reach = reportable_openings(user)
    openings = list(
        in_reach.filter(created_at__date__lte=_month_end(filters.last_month))
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=filters.first_month))
        .order_by("-created_at")
        .only("pk", "title", "department", "created_at", "closed_at", "decided_at")
    )
    if filters.pool:
        keys = Q(opening_key=POOL) if pool else Q(pk__in=[])
    elif filters.opening is not None:
        keys = Q(opening_key=filters.opening.pk)  # in reach: the form found it there
    elif filters.department:
        keys = Q(opening_key__in=in_reach.filter(department=filters.department).values("pk"))
    else:
        # Every opening: by key, so that an opening since deleted still counts.
        everything = user is None or can_see_all_openings(user)
        keys = ~Q(opening_key=POOL) if everything else Q(opening_key__in=in_reach.values("pk"))
        if pool:
            keys |= Q(opening_key=POOL)
    period = Q(month__gte=filters.first_month, month__lte=filters.last_month)
    kept = Kept(
        ReportCount.objects.filter(period, keys)
        .values_list("figure", "value", "days", "source")
        .annotate(n=Sum("applications"))
        .order_by()
    )
    arrivals = (
        ArrivalCount.objects.filter(
            keys, day__gte=filters.first_month, day__lte=_month_end(filters.last_month)
        )
        .annotate(month=TruncMonth("day"))
        .values_list("month")
        .annotate(n=Sum("applications"))
        .order_by("month")
    )
    undecided = (
        []
        if filters.pool
        else list(
            in_reach.filter(
                decided_at__isnull=True,
                closed_at__date__gte=filters.first_month,
                closed_at__date__lte=_month_end(filters.last_month),
            )
            .filter(**({"pk": filters.opening.pk} if filters.opening else {}))
            .filter(**({"department": filters.department} if filters.department else {}))
            .order_by("-closed_at")
            .values_list("title", "department", "closed_at")
        )
    )
    return Reports(
        filters=filters,
        openings=openings,
        departments=sorted({o.department for o in openings if o.department}),
        pool=pool,
        reports=[
            _applications(dict(arrivals), filters),
            _sources(kept),
            _funnel(kept),
            _times(kept),
            _rejection_reasons(kept),
            _outcomes(kept),
            _deletions(kept),
            _undecided(undecided),
        ],
    )


class Kept:
    """The report counts of the selection, summed per figure, value, bucket and source."""

    def __init__(self, rows: Iterable[tuple[str, str, int, str, int]]):
        self.rows = [row for row in rows if row[4]]

    def total(self, figure: str, *, value: str | None = None, source: str | None = None) -> int:
        return sum(
            n
            for f, v, _days, s, n in self.rows
            if f == figure and value in (None, v) and source in (None, s)
        )

    def by(self, figure: str, *, value: str | None = None, key: int = 1) -> dict:
        """The figure's counts summed by its value (key 1), bucket (2) or source (3)."""
        summed: dict = defaultdict(int)
        for row in self.rows:
            if row[0] == figure and value in (None, row[1]):
                summed[row[key]] += row[4]
        return summed


def cell(count: int) -> Cell:
    """A count as shown: "fewer than N" from 1 to N - 1 (N: ATS_REPORT_THRESHOLD)."""
    threshold = app_settings.REPORT_THRESHOLD
    if 0 < count < threshold:
        return Cell(count, _("fewer than %(n)d") % {"n": threshold})
    return Cell(count, str(count))


def protected(counts: dict) -> dict:
    """The parts of a whole as cells, each by its label. A reader who has the whole (here
    or in another report) subtracts the parts shown from it: where the parts hidden as
    "fewer than N" are only one, or add up to less than N, that gives them. So the
    smallest parts shown are hidden too (NOT_SHOWN) until the hidden ones are at least two and
    add up to N or more, or none is left to hide."""
    threshold = app_settings.REPORT_THRESHOLD
    cells = {label: cell(n) for label, n in counts.items()}
    hidden = [n for n in counts.values() if 0 < n < threshold]
    shown = sorted((n, i) for i, n in enumerate(counts.values()) if n >= threshold)
    labels = list(counts)
    while hidden and (len(hidden) < 2 or sum(hidden) < threshold) and shown:
        n, i = shown.pop(0)
        cells[labels[i]] = Cell(n, NOT_SHOWN)
        hidden.append(n)
    return cells


def bar(label: "str | Period", count: "int | Cell") -> Bar:
    """A count's bar: none drawn for one hidden ("fewer than", or protected)."""
    shown = count if isinstance(count, Cell) else cell(count)
    return Bar(label, 0 if shown.shown != str(shown.count) else shown.count, shown.shown)


def _share(part: int, whole: int) -> str:
    threshold = app_settings.REPORT_THRESHOLD
    if whole < threshold or 0 < part < threshold:
        return NOT_SHOWN
    return f"{round(100 * part / whole)} %"


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _month_end(month: date) -> date:
    return date.fromordinal(_next_month(month).toordinal() - 1)


def _counted(slug: str, title: str, description: str, column: str, counts: dict) -> Report:
    """A report of one count per row, the parts of a whole, its chart the same counts."""
    cells = protected(counts)
    return Report(
        slug=slug,
        title=title,
        description=description,
        columns=[column],
        rows=[Row(label, [shown]) for label, shown in cells.items()],
        bars=[bar(label, shown) for label, shown in cells.items()],
        chart_unit=column.lower(),
    )


def _applications(by_month: dict[date, int], filters: ReportFilters) -> Report:
    months = {}
    month = filters.first_month
    while month <= filters.last_month:
        months[Period(month, whole_month=True)] = by_month.get(month, 0)
        month = _next_month(month)
    return _counted(
        "applications",
        _("Applications over time"),
        _("Applications received per month, also those since deleted."),
        _("Applications"),
        months,
    )


def _reached(kept: Kept, source: str | None = None) -> list[int]:
    """How many got at least as far as each stage of PIPELINE."""
    furthest = [kept.total(Figure.FURTHEST, value=stage, source=source) for stage in PIPELINE]
    return [sum(furthest[i:]) for i in range(len(PIPELINE))]


def _stage_labels() -> list[str]:
    return [str(Stage(stage).label) for stage in PIPELINE]


def _sources(kept: Kept) -> Report:
    reached = {source: _reached(kept, source) for source in kept.by(Figure.FURTHEST, key=3)}
    order = sorted(reached, key=lambda source: (-reached[source][0], source))
    label = {source: source or _("not known") for source in order}
    # Each column's parts (the sources) add up to the funnel's figure for its stage.
    columns = [
        protected({source: reached[source][stage] for source in order})
        for stage in range(len(PIPELINE))
    ]
    return Report(
        slug="sources",
        title=_("Sources"),
        description=_("Where applicants came from, and how many from each got to each stage."),
        columns=[_("Applied"), *_stage_labels()[1:]],
        rows=[Row(label[source], [column[source] for column in columns]) for source in order],
        bars=[bar(label[source], columns[0][source]) for source in order],
        chart_unit=_("applications"),
    )


def _funnel(kept: Kept) -> Report:
    reached = _reached(kept)
    labels = _stage_labels()
    return Report(
        slug="funnel",
        title=_("Funnel"),
        description=_(
            "How many got at least as far as each stage: of those at the stage before, and of all."
        ),
        columns=[_("Applicants"), _("Of the stage before"), _("Of all")],
        rows=[
            Row(label, [cell(n), _share(n, reached[i - 1]) if i else "", _share(n, reached[0])])
            for i, (label, n) in enumerate(zip(labels, reached, strict=True))
        ],
        bars=[bar(label, n) for label, n in zip(labels, reached, strict=True)],
        chart_unit=_("applicants"),
    )


def _days(start: int) -> str:
    """A bucket as it reads: "8 to 14 days"; the last is open."""
    ends = [end for end in DAY_BUCKETS if end > start]
    if not ends:
        return _("%(days)d days or more") % {"days": start}
    if ends[0] - 1 == start:
        return ngettext("%(days)d day", "%(days)d days", start) % {"days": start}
    return _("%(first)d to %(last)d days") % {"first": start, "last": ends[0] - 1}


def _percentile(histogram: dict[int, int], share: float) -> int | None:
    """The bucket holding the share of the counted; None below the threshold."""
    total = sum(histogram.values())
    if total < app_settings.REPORT_THRESHOLD:
        return None
    seen = 0
    for start in sorted(histogram):
        seen += histogram[start]
        if seen >= share * total:
            return start
    return None


def _times(kept: Kept) -> Report:
    measures = [
        (_("First answer"), kept.by(Figure.FIRST_ANSWER, key=2)),
        *(
            (
                _("In “%(stage)s”") % {"stage": Stage(stage).label},
                kept.by(Figure.IN_STAGE, value=stage, key=2),
            )
            for stage in PIPELINE[:-1]
        ),
        (_("To the hiring decision"), kept.by(Figure.TO_DECISION, key=2)),
        (_("To hire"), kept.by(Figure.TO_DECISION, value=Outcome.HIRED, key=2)),
    ]
    rows, bars = [], []
    for label, histogram in measures:
        median, ninetieth = _percentile(histogram, 0.5), _percentile(histogram, 0.9)
        rows.append(
            Row(
                label,
                [
                    cell(sum(histogram.values())),
                    NOT_SHOWN if median is None else _days(median),
                    NOT_SHOWN if ninetieth is None else _days(ninetieth),
                ],
            )
        )
        bars.append(Bar(label, median or 0, NOT_SHOWN if median is None else _days(median)))
    return Report(
        slug="times",
        title=_("Time to first answer, in each stage and to hire"),
        description=_(
            "Median and 90th percentile in whole days, from applying: the first answer is "
            "the team's first move of an application; a stay in a stage counts as it ends."
        ),
        columns=[_("Counted"), _("Median"), _("90th percentile")],
        rows=rows,
        bars=bars,
        chart_unit=_("days (median, from)"),
    )


def _rejection_reasons(kept: Kept) -> Report:
    by_reason = kept.by(Figure.REJECTION_REASON)
    labels = {
        reason.label: str(reason)
        for reason in RejectionReason.objects.filter(label__in=[r for r in by_reason if r])
    }
    labels[""] = _("None given (at the hiring decision)")
    order = sorted(by_reason, key=lambda reason: (-by_reason[reason], reason))
    return _counted(
        "rejection-reasons",
        _("Rejection reasons"),
        _("Why those not hired went no further, as the hiring decision found them."),
        _("Applicants"),
        {labels.get(reason, reason): by_reason[reason] for reason in order},
    )


def _outcomes(kept: Kept) -> Report:
    return _counted(
        "outcomes",
        _("How applications ended"),
        _(
            "Hired or rejected at the hiring decision; withdrawn, erased or deleted when its "
            "time ran out before any decision."
        ),
        _("Applications"),
        {str(o.label): kept.total(Figure.OUTCOME, value=o.value) for o in Outcome},
    )


def _deletions(kept: Kept) -> Report:
    return _counted(
        "deletions",
        _("Withdrawals, erasures and deletions"),
        _("Of the applications made in the period, those deleted, by why."),
        _("Applications"),
        {str(r.label): kept.total(Figure.DELETED, value=r.value) for r in DeletionReason},
    )


def _undecided(openings: list[tuple[str, str, datetime]]) -> Report:
    by_department: dict[str, int] = defaultdict(int)
    for _title, department, _closed in openings:
        by_department[department or _("no department")] += 1
    return Report(
        slug="undecided-openings",
        title=_("Openings closed without a hiring decision"),
        description=_("Openings closed in the period whose hiring decision is not recorded."),
        columns=[_("Department"), _("Closed")],
        rows=[
            Row(title, [department, Period(retention.employer_date(closed))])
            for title, department, closed in openings
        ],
        bars=[Bar(department, n, str(n)) for department, n in sorted(by_department.items())],
        chart_unit=_("openings"),
    )
