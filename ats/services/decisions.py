"""The hiring decision: it closes the opening and starts the retention clock."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, F, Max, QuerySet, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import retention
from ..app_settings import app_settings
from ..models import (
    AccessEvent,
    Application,
    DeletionReason,
    EmailTemplate,
    Opening,
    WebhookEvent,
)
from ..queue import enqueue
from ..selectors.decisions import interviews_to_call_off, not_yet_told
from ..selectors.pipeline_stages import first_of_kind
from .access_log import record_access_to_all
from .interviews import call_off_interviews
from .pipeline import queue_candidate_emails, record_stage_changes, stage_event
from .report_counts import count_decision, count_moves, moved_fields
from .webhooks import queue_application_events, queue_opening_event

logger = logging.getLogger(__name__)


# A decision dated further back than this (or one whose deletion date has already
# passed) must be confirmed, by a user with ats.backdate_decision: dating it back
# brings every deletion forward, and 1900-01-01 would delete everything at once.
BACKDATING_GRACE_DAYS = 3


class DecisionError(Exception):
    """A decision that cannot be recorded as asked; the message is safe to show."""


class BackdatingUnconfirmed(DecisionError):
    """A backdated decision, not yet confirmed: what it would do, for the confirmation."""

    def __init__(self, *, decided_at: datetime, delete_after: datetime, now: datetime):
        self.decided_at = decided_at
        self.delete_after = delete_after
        self.deleted_at_once = delete_after <= now
        super().__init__(_("Please confirm the backdated decision and its deletion date."))


@dataclass(frozen=True)
class Decision:
    opening: Opening
    decided_at: datetime
    delete_after: datetime
    applications: int
    hired: int


@transaction.atomic
def record_hiring_decision(
    *,
    opening: Opening,
    hired: Sequence[UUID],
    decided_by: AbstractBaseUser,
    decided_at: datetime | None = None,
    backdating_confirmed: bool = False,
) -> Decision:
    """Close `opening`, mark `hired` as hired, and give every application of it the
    deletion date the policy sets: the decision plus ATS_RETENTION_AFTER_DECISION.

    Set-based: a fixed number of statements however many applicants there are.
    Applications already due (an erasure, say) keep their earlier date. The decision
    cannot be dated before the opening or the last application it covers; dated back
    beyond BACKDATING_GRACE_DAYS, or so far that the deletion date has passed, it needs
    `backdating_confirmed` and the permission ats.backdate_decision.
    """
    now = timezone.now()
    decided_at = decided_at or now
    if decided_at > now:
        raise DecisionError(_("A hiring decision cannot be dated in the future."))
    opening = Opening.objects.select_for_update().get(pk=opening.pk)
    if opening.decided_at is not None:
        raise DecisionError(_("The hiring decision for this opening is already recorded."))
    waiting = opening.applications.live(now=now).undated()
    hired = set(hired)
    if hired - set(waiting.filter(public_id__in=hired).values_list("public_id", flat=True)):
        raise DecisionError(_("Only applicants to this opening can be hired."))

    latest = waiting.aggregate(latest=Max("submitted_at"))["latest"]
    earliest = retention.employer_date(max(filter(None, (opening.created_at, latest))))
    if retention.employer_date(decided_at) < earliest:
        raise DecisionError(
            _(
                "A hiring decision cannot be dated before %(date)s: the opening was created, "
                "or its latest application arrived, that day."
            )
            % {"date": date_format(earliest, "DATE_FORMAT")}
        )
    delete_after = retention.deadline_after_decision(decided_at)
    days_back = (retention.employer_date(now) - retention.employer_date(decided_at)).days
    if delete_after <= now or days_back > BACKDATING_GRACE_DAYS:
        if not decided_by.has_perm("ats.backdate_decision"):
            raise DecisionError(
                _(
                    "Dating a decision more than %(days)d days back needs the permission to "
                    "backdate decisions; ask an administrator, or date it today."
                )
                % {"days": BACKDATING_GRACE_DAYS}
            )
        if not backdating_confirmed:
            raise BackdatingUnconfirmed(decided_at=decided_at, delete_after=delete_after, now=now)
    applications = waiting.count()
    # Closed first: from here on, an application to it waits for this transaction and
    # is refused (services/applications.py).
    opening.status = Opening.Status.CLOSED
    opening.closed_at = opening.closed_at or now
    opening.decided_at = decided_at
    opening.decided_by = decided_by
    opening.save(update_fields=["status", "closed_at", "decided_at", "decided_by"])
    if hired:
        _settle(opening=opening, rows=waiting.filter(public_id__in=hired), outcome=HIRED, at=now)
        queue_application_events(
            event=WebhookEvent.APPLICATION_HIRED,
            applications=opening.applications.filter(public_id__in=hired),
            now=now,
        )
    queue_opening_event(
        event=WebhookEvent.OPENING_DECIDED,
        opening=opening,
        data={
            "decided_at": decided_at.isoformat(),
            "delete_after": delete_after.isoformat(),
            "hired": len(hired),
        },
        now=now,
    )
    if _settle_batch(opening=opening, at=now) == SETTLE_BATCH:
        # The rest, a batch to a transaction, by the worker (and by the schedule if
        # the queue loses it): a recruiter's decision on 100,000 applicants returns in
        # well under a second, and no row stays locked for long.
        transaction.on_commit(
            lambda: enqueue("ats.tasks.settle_hiring_decision", opening.pk), robust=True
        )
    return Decision(
        opening=opening,
        decided_at=decided_at,
        delete_after=delete_after,
        applications=applications,
        hired=len(hired),
    )


def settle_decided_applications(*, opening_id: int | None = None) -> int:
    """Give the applications of a decided opening (of every decided opening, without
    `opening_id`) that have no deletion date yet what the decision gave the others: its
    date, "rejected" in their history, the position-filled email and the access log's
    entry. A batch to a transaction, until none is left; returns how many.

    The decision settles its hired and a first batch itself, and leaves the rest to
    the worker; the schedule runs this too, for a task the queue lost and for an
    application that arrived after its decision (the opening's lock should refuse it)."""
    openings = Opening.objects.filter(decided_at__isnull=False).filter(
        pk__in=Application.objects.undated().values("opening_id")
    )
    if opening_id is not None:
        openings = openings.filter(pk=opening_id)
    settled = 0
    for decided in openings.select_related("decided_by"):
        while batch := _settle_batch(opening=decided, at=timezone.now()):
            settled += batch
    return settled


HIRED, REJECTED = Application.Stage.HIRED, Application.Stage.REJECTED
SETTLE_BATCH = 5_000  # applications to a transaction


@transaction.atomic
def _settle_batch(*, opening: Opening, at: datetime) -> int:
    """Up to SETTLE_BATCH undated applications of `opening`, rejected by its decision
    and dated. A row another transaction holds (a candidate's erasure, say) is waited
    for, so that every undated row in the batch's range of ids is this one's."""
    batch = list(
        opening.applications.undated()
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)[:SETTLE_BATCH]
    )
    if batch:
        # By that range rather than by the ids as parameters: less time (bench/decision.py).
        rows = opening.applications.filter(pk__range=(batch[0], batch[-1]))
        _settle(opening=opening, rows=rows, outcome=REJECTED, at=at)
    return len(batch)


def _settle(*, opening: Opening, rows: QuerySet[Application], outcome: str, at: datetime) -> None:
    """The decision for `rows`, set-based: a fixed number of statements however many.
    Applications already due (an erasure, say) keep their earlier date."""
    by = opening.decided_by
    rows = rows.undated()
    if by is not None:
        record_access_to_all(user=by, action=AccessEvent.Action.DECISION, applications=rows, at=at)
    count_moves(applications=rows, to_stage=outcome, at=at)
    count_decision(applications=rows, outcome=outcome, decided_at=opening.decided_at)
    moving = rows.exclude(stage=outcome)
    lands_at = first_of_kind(opening_id=opening.pk, kind=outcome)
    record_stage_changes(
        rows=moving, to_stage=Value(outcome), to_pipeline_stage=lands_at, changed_by=by, at=at
    )
    queue_application_events(
        event=WebhookEvent.APPLICATION_STAGE_CHANGED,
        applications=moving,
        data=stage_event(outcome, lands_at),
        now=at,
    )
    if outcome == REJECTED:
        # Their interviews still to come are called off, on both sides' calendars, and
        # those still waiting for a time can no longer be booked. The candidate's
        # cancellation is the "position filled" email itself (which then needs no second
        # one, below): the "interview cancelled" text promises another time. Without
        # decision emails, that one it is.
        call_off_interviews(
            interviews=interviews_to_call_off(applications=rows, at=at),
            template=EmailTemplate.Key.POSITION_FILLED
            if app_settings.NOTIFY_ON_DECISION
            else EmailTemplate.Key.INTERVIEW_CANCELLED,
            cancelled_by=by,
            at=at,
        )
    if outcome == REJECTED and app_settings.NOTIFY_ON_DECISION:  # not yet told, not restricted
        queue_candidate_emails(
            rows=not_yet_told(waiting=rows, hired=set()),
            template=EmailTemplate.Key.POSITION_FILLED,
            send_after=at,
            created_by=by,
        )
    # One UPDATE writes each row once: its outcome and its date.
    rows.update(
        stage=outcome,
        # Those moved land at the outcome's first stage; those already of it stay.
        pipeline_stage=Case(When(stage=outcome, then=F("pipeline_stage")), default=None),
        **moved_fields(to_stage=outcome, at=at),
        decided_at=opening.decided_at,
        delete_after=retention.deadline_after_decision(opening.decided_at),
        deletion_reason=DeletionReason.RETENTION_EXPIRED,
    )
