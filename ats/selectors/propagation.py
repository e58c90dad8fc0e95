"""Whether the systems told of a deletion (application.deleted) have acknowledged it:
for the deletion certificate and ats_verify_ledger. A 2xx answer is an acknowledgement;
until then a receiver may still hold a copy."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Count, Q

from ..models import WebhookDelivery, WebhookEvent, WebhookSubscription


@dataclass(frozen=True)
class Acknowledgement:
    subscription: str
    acknowledged_at: datetime | None  # None: not yet
    attempts: int
    given_up: bool
    last_error: str


@dataclass(frozen=True)
class Propagation:
    subscription: str
    acknowledged: int
    waiting: list[UUID]  # the deletions it has not acknowledged yet


def _deletions():
    return WebhookDelivery.objects.filter(event=WebhookEvent.APPLICATION_DELETED)


def acknowledgements(*, public_id: UUID) -> list[Acknowledgement]:
    """Each subscription told of this deletion, and whether it acknowledged it."""
    return [
        Acknowledgement(
            subscription=d.subscription.name,
            acknowledged_at=d.delivered_at,
            attempts=d.attempts,
            given_up=d.gave_up_at is not None,
            last_error=d.last_error,
        )
        for d in _deletions()
        .filter(public_id=public_id)
        .select_related("subscription")
        .order_by("subscription__name")
    ]


def propagation() -> list[Propagation]:
    """Per subscription: how many deletions it acknowledged, and which it has not. Two
    queries."""
    subscriptions = WebhookSubscription.objects.annotate(
        acknowledged=Count(
            "deliveries",
            filter=Q(
                deliveries__event=WebhookEvent.APPLICATION_DELETED,
                deliveries__delivered_at__isnull=False,
            ),
        )
    ).order_by("name")
    waiting: dict[int, list[UUID]] = {}
    for subscription_id, public_id in (
        _deletions()
        .filter(delivered_at__isnull=True)
        .order_by("occurred_at", "pk")
        .values_list("subscription_id", "public_id")
    ):
        waiting.setdefault(subscription_id, []).append(public_id)
    return [
        Propagation(subscription=s.name, acknowledged=s.acknowledged, waiting=waiting.get(s.pk, []))
        for s in subscriptions
        if s.acknowledged or s.pk in waiting
    ]
