"""The hiring decision through the API: it closes the opening and starts the
retention clock of every applicant, as the recruiter's decision page does."""

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from pydantic import StrictBool

from .. import retention
from ..models import ApiScope
from ..selectors.access import deciding_openings
from ..services.decisions import DecisionError, record_hiring_decision
from .auth import require
from .document import documented
from .idempotency import at_most_once
from .moments import Day

router = Router(tags=["decisions"])


class DecisionIn(Schema):
    hired: list[UUID] = []  # public_ids of the opening's applicants; none: nobody hired
    decided_on: Day | None = None  # today if left out
    confirm_backdating: StrictBool = False  # needed, with ats.backdate_decision, to date it back


class DecisionOut(Schema):
    opening_id: int
    decided_at: datetime
    delete_after: datetime  # every applicant's deletion date
    applications: int
    hired: int


@router.post(
    "/openings/{opening_id}/decision",
    response={201: DecisionOut},
    summary="Record the hiring decision: close the opening and date every deletion",
    openapi_extra=documented(write=True, idempotent=True),
)
def decide(request: HttpRequest, opening_id: int, decision: DecisionIn):
    require(request, ApiScope.DECISIONS_WRITE)
    opening = get_object_or_404(deciding_openings(request.user), pk=opening_id)
    today = retention.employer_date(timezone.now())
    decided_on = decision.decided_on or today
    if decided_on > today:
        raise DecisionError("A hiring decision cannot be dated in the future.")

    def record() -> dict:
        recorded = record_hiring_decision(
            opening=opening,
            hired=decision.hired,
            decided_by=request.user,
            decided_at=retention.decision_time(decided_on, now=timezone.now()),
            backdating_confirmed=decision.confirm_backdating,
        )
        answer = DecisionOut(
            opening_id=opening.pk,
            decided_at=recorded.decided_at,
            delete_after=recorded.delete_after,
            applications=recorded.applications,
            hired=recorded.hired,
        )
        return answer.model_dump(mode="json")

    return at_most_once(request, record, status=201)
