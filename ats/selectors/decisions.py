"""Reads for the hiring decision: who is waiting for it, whom the page offers to mark as
hired, who is told the position is filled, whose interviews are called off, and what
recording it would do."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ..app_settings import app_settings
from ..models import (
    INTERVIEW_STAGES,
    Application,
    CandidateEmail,
    EmailTemplate,
    Interview,
    Opening,
)


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


def interviews_to_call_off(*, applications: QuerySet[Application], at) -> QuerySet[Interview]:
    """What the decision calls off for those not hired: their booked interviews still to
    come, and those still waiting for a time."""
    return Interview.objects.filter(
        Q(status=Interview.Status.BOOKED, starts_at__gt=at) | Q(status__in=Interview.OPEN),
        application__in=applications,
    )


PREVIEW_NAMES = 200  # a confirmation page lists this many names of each group at most


@dataclass(frozen=True)
class DecisionPreview:
    hired: list[str]
    told: list[str]  # who gets the "position filled" email
    told_count: int
    called_off: int  # interviews of those not hired (interviews_to_call_off)


def decision_preview(*, opening: Opening, hired: set[UUID]) -> DecisionPreview:
    """What recording the decision would do, for its confirmation page. Four queries."""
    waiting = waiting_for_decision(opening=opening)
    not_hired = waiting.exclude(public_id__in=hired)
    told = not_yet_told(waiting=waiting, hired=hired) if app_settings.NOTIFY_ON_DECISION else None
    return DecisionPreview(
        hired=list(waiting.filter(public_id__in=hired).values_list("name", flat=True)),
        told=list(told.values_list("name", flat=True)[:PREVIEW_NAMES]) if told is not None else [],
        told_count=told.count() if told is not None else 0,
        called_off=interviews_to_call_off(applications=not_hired, at=timezone.now()).count(),
    )
