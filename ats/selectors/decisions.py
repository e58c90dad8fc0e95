"""Reads for the hiring decision: who is waiting for it, whom the page offers to mark as
hired, who is told the position is filled, and what recording it would do."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet

from ..app_settings import app_settings
from ..models import INTERVIEW_STAGES, Application, CandidateEmail, EmailTemplate, Opening


def waiting_for_decision(*, opening: Opening) -> QuerySet[Application]:
    """The applications the opening's hiring decision will date."""
    return opening.applications.live().undated()


def shortlist(*, opening: Opening) -> QuerySet[Application]:
    """Who the decision page offers to mark as hired: those who reached an interview."""
    return (
        waiting_for_decision(opening=opening)
        .filter(stage__in=[*INTERVIEW_STAGES, Application.Stage.HIRED])
        .only("public_id", "name", "stage")
        .order_by("name")
    )


def not_yet_told(*, waiting: QuerySet[Application], hired: set[UUID]) -> QuerySet[Application]:
    """Who gets the "position filled" email: not hired, not restricted, not yet told."""
    told = CandidateEmail.objects.filter(
        application=OuterRef("pk"),
        template__in=(EmailTemplate.Key.REJECTED, EmailTemplate.Key.POSITION_FILLED),
    )
    return (
        waiting.exclude(public_id__in=hired)
        .filter(restricted_at__isnull=True)
        .exclude(Exists(told))
    )


PREVIEW_NAMES = 200  # a confirmation page lists this many names of each group at most


@dataclass(frozen=True)
class DecisionPreview:
    hired: list[str]
    told: list[str]  # who gets the "position filled" email
    told_count: int


def decision_preview(*, opening: Opening, hired: set[UUID]) -> DecisionPreview:
    """What recording the decision would do, for its confirmation page. Three queries."""
    waiting = waiting_for_decision(opening=opening)
    told = not_yet_told(waiting=waiting, hired=hired) if app_settings.NOTIFY_ON_DECISION else None
    return DecisionPreview(
        hired=list(waiting.filter(public_id__in=hired).values_list("name", flat=True)),
        told=list(told.values_list("name", flat=True)[:PREVIEW_NAMES]) if told is not None else [],
        told_count=told.count() if told is not None else 0,
    )
