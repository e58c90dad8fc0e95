"""The hiring decision: it closes the opening and starts the retention clock."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Max,
    Q,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import retention
from ..app_settings import app_settings
from ..models import (
    AccessEvent,
    Application,
    DeletionReason,
    EmailTemplate,
    Opening,
)
from ..selectors.applicants import not_yet_told
from .access_log import record_access_to_all
from .pipeline import queue_candidate_emails, record_stage_changes

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
    waiting = opening.applications.live(now=now).filter(delete_after__isnull=True)
    hired = set(hired)
    if hired - set(waiting.filter(public_id__in=hired).values_list("public_id", flat=True)):
        raise DecisionError(_("Only applicants to this opening can be hired."))

    latest = waiting.aggregate(latest=Max("submitted_at"))["latest"]
    earliest = timezone.localdate(max(filter(None, (opening.created_at, latest))))
    if timezone.localdate(decided_at) < earliest:
        raise DecisionError(
            _(
                "A hiring decision cannot be dated before %(date)s: the opening was created, "
                "or its latest application arrived, that day."
            )
            % {"date": earliest.isoformat()}
        )
    delete_after = retention.deadline_after_decision(decided_at)
    days_back = (timezone.localdate(now) - timezone.localdate(decided_at)).days
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
    count = record_access_to_all(
        user=decided_by, action=AccessEvent.Action.DECISION, applications=waiting, at=now
    )
    # The decision in each history: the hired to "hired", everyone else to "rejected".
    outcome = Case(
        When(public_id__in=hired, then=Value(Application.Stage.HIRED)),
        default=Value(Application.Stage.REJECTED),
        output_field=CharField(),
    )
    moved = waiting.exclude(
        Q(public_id__in=hired, stage=Application.Stage.HIRED)
        | (~Q(public_id__in=hired) & Q(stage=Application.Stage.REJECTED))
    )
    record_stage_changes(rows=moved, to_stage=outcome, changed_by=decided_by, at=now)
    if app_settings.NOTIFY_ON_DECISION:  # everyone not hired and not yet told
        queue_candidate_emails(
            rows=not_yet_told(waiting=waiting, hired=hired),
            template=EmailTemplate.Key.POSITION_FILLED,
            send_after=now,
            created_by=decided_by,
        )
    # One UPDATE writes each row once (a claimed row always has its date, so the
    # undated ones are all waiting).
    waiting.update(
        stage=outcome,
        decided_at=decided_at,
        delete_after=delete_after,
        deletion_reason=DeletionReason.RETENTION_EXPIRED,
    )
    opening.status = Opening.Status.CLOSED
    opening.closed_at = opening.closed_at or now
    opening.decided_at = decided_at
    opening.decided_by = decided_by
    opening.save(update_fields=["status", "closed_at", "decided_at", "decided_by"])
    return Decision(
        opening=opening,
        decided_at=decided_at,
        delete_after=delete_after,
        applications=count,
        hired=len(hired),
    )


@transaction.atomic
def date_late_arrivals() -> int:
    """The safety net under the opening's lock (services/applications.py): give every
    application of a decided opening that still has no deletion date the date its
    decision set. Returns how many; there should never be any, so each is logged.

    One statement per such opening, of which there are normally none."""
    late = Application.objects.filter(opening__decided_at__isnull=False, delete_after__isnull=True)
    dated = 0
    for opening_id, decided_at in (
        late.values_list("opening_id", "opening__decided_at").distinct().order_by()
    ):
        dated += late.filter(opening_id=opening_id).update(
            decided_at=decided_at,
            delete_after=retention.deadline_after_decision(decided_at),
            deletion_reason=DeletionReason.RETENTION_EXPIRED,
        )
    if dated:
        logger.warning("Dated %d application(s) that arrived after their decision", dated)
    return dated
