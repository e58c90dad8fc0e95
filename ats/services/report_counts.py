"""The reports' counts, kept as things happen: an application's arrival, each move of
its stage (how far it got, how long it stayed, the team's first answer), the hiring
decision (the outcome, its reason, how long it took) and its deletion. Set-based: each
call is a fixed number of statements however many applications it counts, called by the
service that does the thing, in its transaction, before it changes the rows.

The counts hold numbers per opening, month applied and source, never a row per person
(models/reports.py); deletion adds its own count and takes nothing away, so that a
report is the same number before and after the purge."""

from datetime import datetime, timedelta
from itertools import pairwise

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth

from .. import retention
from ..bulk import add_one, add_to_counts
from ..models import ArrivalCount, DeletionReason, RejectionReason, ReportCount, StageChange
from ..models.reports import DAY_BUCKETS, PIPELINE, POOL

Figure, Outcome = ReportCount.Figure, ReportCount.Outcome

# How an application deleted before any decision ended, by why it was deleted.
OUTCOME_OF_DELETION = {
    DeletionReason.ERASURE_REQUESTED: Outcome.ERASED,
    DeletionReason.CONSENT_WITHDRAWN: Outcome.WITHDRAWN,
    DeletionReason.CONSENT_ABSENT: Outcome.EXPIRED,
    DeletionReason.CONSENT_EXPIRED: Outcome.EXPIRED,
    DeletionReason.RETENTION_EXPIRED: Outcome.EXPIRED,
}


def _text(value: str) -> Value:
    return Value(value, output_field=CharField())


def _keys(**figure: Expression) -> dict[str, Expression]:
    """The keys of a ReportCount of the rows (applications, or purge claims): their
    opening, month applied where the employer is and source, then the figure's own."""
    return {
        "opening_key": Coalesce(F("opening_id"), Value(POOL), output_field=IntegerField()),
        "month": TruncMonth(
            "submitted_at", tzinfo=retention.employer_zone(), output_field=DateField()
        ),
        "source": F("source"),
        "value": _text(""),
        "days": Value(0, output_field=IntegerField()),
        **figure,
    }


def _days_from(field: str, *, to: datetime) -> Case:
    """The DAY_BUCKETS bucket of the whole days from `field` to `to`."""
    return Case(
        *(
            When(**{f"{field}__gt": to - timedelta(days=end)}, then=Value(start))
            for start, end in pairwise(DAY_BUCKETS)
        ),
        default=Value(DAY_BUCKETS[-1]),
        output_field=IntegerField(),
    )


def count_arrival(*, opening_id: int | None, source: str, at: datetime, kept: bool) -> None:
    """An application arrives at `at`: counted before it is written, as every write
    here takes the counts before the stage counts its row's triggers lock (in this
    order a move takes them too: no two transactions wait for each other). One the
    policy deletes as it arrives (`kept` False: spontaneous, without consent) is counted
    as deleted there and then."""
    day = retention.employer_date(at)
    opening_key = opening_id or POOL
    add_one(into=ArrivalCount, opening_key=opening_key, day=day, source=source)
    kept_as = {"opening_key": opening_key, "month": day.replace(day=1), "source": source}
    counted = [(Figure.FURTHEST, PIPELINE[0])]
    if not kept:
        reason = DeletionReason.CONSENT_ABSENT
        counted += [(Figure.DELETED, reason), (Figure.OUTCOME, OUTCOME_OF_DELETION[reason])]
    for figure, value in counted:
        add_one(into=ReportCount, **kept_as, figure=figure, value=value, days=0)


def count_moves(*, applications: QuerySet, to_stage: str, at: datetime) -> None:
    """`applications` move to `to_stage` at `at`: count the stays they end, the team's
    first answer to those never moved before, and move those who get further than
    before to their new furthest stage. Call it before the update, and let the update
    write `moved_fields` too."""
    moving = applications.exclude(stage=to_stage)
    add_to_counts(
        into=ReportCount,
        # A move within a kind (between two of its stages) is no answer.
        rows=moving.exclude(
            Exists(
                StageChange.objects.filter(application=OuterRef("pk")).exclude(
                    from_stage=F("to_stage")
                )
            )
        ),
        keys=_keys(figure=_text(Figure.FIRST_ANSWER), days=_days_from("submitted_at", to=at)),
    )
    add_to_counts(
        into=ReportCount,
        rows=moving.filter(stage__in=PIPELINE[:-1]),
        keys=_keys(
            figure=_text(Figure.IN_STAGE), value=F("stage"), days=_days_from("stage_since", to=at)
        ),
    )
    if to_stage not in PIPELINE:
        return
    further = moving.filter(furthest_stage__in=_before(to_stage))
    add_to_counts(
        into=ReportCount,
        rows=further,
        keys=_keys(figure=_text(Figure.FURTHEST), value=F("furthest_stage")),
        sign=-1,
    )
    add_to_counts(
        into=ReportCount,
        rows=further,
        keys=_keys(figure=_text(Figure.FURTHEST), value=_text(to_stage)),
    )


def _before(stage: str) -> list[str]:
    return PIPELINE[: PIPELINE.index(stage)]


def moved_fields(*, to_stage: str, at: datetime) -> dict[str, Expression]:
    """What a move to `to_stage` writes on each application beside its stage (one
    already there keeps its own)."""
    fields: dict[str, Expression] = {
        "stage_since": Case(When(stage=to_stage, then=F("stage_since")), default=Value(at))
    }
    if to_stage in PIPELINE:
        fields["furthest_stage"] = Case(
            When(furthest_stage__in=_before(to_stage), then=_text(to_stage)),
            default=F("furthest_stage"),
        )
    return fields


def count_decision(*, applications: QuerySet, outcome: str, decided_at: datetime) -> None:
    """The hiring decision gives `applications` their `outcome` (hired or rejected, with
    the reason each was given), and the time it took from each applying to it."""
    add_to_counts(
        into=ReportCount,
        rows=applications,
        keys=_keys(figure=_text(Figure.OUTCOME), value=_text(outcome)),
    )
    add_to_counts(
        into=ReportCount,
        rows=applications,
        keys=_keys(
            figure=_text(Figure.TO_DECISION),
            value=_text(outcome),
            days=_days_from("submitted_at", to=decided_at),
        ),
    )
    if outcome == Outcome.REJECTED:
        # The employer's own reasons by name; anything else (none: the decision's) as "".
        add_to_counts(
            into=ReportCount,
            rows=applications,
            keys=_keys(
                figure=_text(Figure.REJECTION_REASON),
                value=Case(
                    When(
                        rejection_reason__in=RejectionReason.objects.values("label"),
                        then=F("rejection_reason"),
                    ),
                    default=_text(""),
                ),
            ),
        )


def count_deleted_applications(*, applications: QuerySet) -> None:
    """Applications deleted without a purge claim (what a replay deletes again)."""
    count_deleted(
        claims=applications.annotate(
            reason=F("deletion_reason"),
            decided=ExpressionWrapper(Q(decided_at__isnull=False), output_field=BooleanField()),
        )
    )


def count_deleted(*, claims: QuerySet) -> None:
    """Applications deleted (the purge's claims): each deletion by its reason, and how
    it ended for those deleted before any decision."""
    add_to_counts(
        into=ReportCount,
        rows=claims,
        keys=_keys(figure=_text(Figure.DELETED), value=F("reason")),
    )
    add_to_counts(
        into=ReportCount,
        rows=claims.filter(decided=False),
        keys=_keys(
            figure=_text(Figure.OUTCOME),
            value=Case(
                *(When(reason=reason, then=_text(o)) for reason, o in OUTCOME_OF_DELETION.items()),
                default=_text(Outcome.EXPIRED),
            ),
        ),
    )
