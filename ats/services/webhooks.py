"""Webhook subscriptions and the events they are told of.

An event is written to the outbox (WebhookDelivery) in the transaction that made it
happen, one row per subscription that listens for it and whose user may see what it is
about: it is sent if, and only if, that transaction commits. The worker sends it
(services/webhook_delivery.py). Payloads carry ids and the minimum needed, never a
name, an address or a text: a receiver that wants more asks the API, which checks its
key and logs the read.
"""

import base64
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Application,
    Opening,
    PurgeClaim,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from ..queue import enqueue
from ..selectors.access import may_act_for, visible_openings, within_reach
from ..validators import validate_one_line
from . import webhook_targets
from .api_keys import NOT_FOR_ANOTHER

# An event is retried this long after it happened, then given up (the log says so).
RETRY_FOR = timedelta(hours=24)


class SubscriptionError(Exception):
    """A subscription that cannot be made as asked; the message is safe to show."""


def check_subscription_terms(*, url: str, events: list[str]) -> None:
    unknown = set(events) - set(WebhookEvent.values)
    if unknown:
        raise SubscriptionError(
            _("Unknown events: %(events)s") % {"events": ", ".join(sorted(unknown))}
        )
    if not events:
        raise SubscriptionError(_("Choose at least one event."))
    try:
        webhook_targets.check(url)
    except webhook_targets.UnsafeTarget as error:
        raise SubscriptionError(str(error)) from None


@transaction.atomic
def create_subscription(
    *,
    name: str,
    url: str,
    events: list[str],
    user: AbstractBaseUser,
    created_by: AbstractBaseUser,
) -> WebhookSubscription:
    """A subscription, made by `created_by` to act for `user`, with a new signing
    secret (shown to its maker, kept to sign)."""
    check_subscription_terms(url=url, events=events)
    try:
        validate_one_line(name)
    except ValidationError as error:
        raise SubscriptionError(error.messages[0]) from None
    if not may_act_for(created_by, user):
        raise SubscriptionError(str(NOT_FOR_ANOTHER))
    try:
        with transaction.atomic():
            return WebhookSubscription.objects.create(
                name=name.strip(),
                url=url,
                events=sorted(set(events)),
                user=user,
                created_by=created_by,
                # Standard Webhooks: the key's bytes, base64 after the prefix.
                secret=f"whsec_{base64.b64encode(secrets.token_bytes(32)).decode()}",
            )
    except IntegrityError:  # the name is taken
        raise SubscriptionError(_("A subscription with this name exists already.")) from None


@transaction.atomic
def resume_subscription(*, subscription: WebhookSubscription, now: datetime | None = None) -> int:
    """Unpause it and try again, for another RETRY_FOR, every event not yet delivered
    (those given up included): a receiver back after an outage still hears of every
    deletion. Returns how many are to be sent."""
    now = now or timezone.now()
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        paused_at=None, failing_since=None
    )
    waiting = subscription.deliveries.filter(delivered_at__isnull=True).update(
        next_attempt_at=now, retry_until=now + RETRY_FOR, gave_up_at=None
    )
    _deliver_on_commit(waiting)
    return waiting


def _listening(event: WebhookEvent) -> list[WebhookSubscription]:
    """The subscriptions for `event` (paused ones too: they are sent it once resumed),
    while their user is active staff; a deletion to every one, for a receiver keeps its
    copies whoever its user was. One query; there are a handful."""
    subscriptions = WebhookSubscription.objects.select_related("user")
    if event != WebhookEvent.APPLICATION_DELETED:
        subscriptions = subscriptions.filter(user__is_active=True, user__is_staff=True)
    return [s for s in subscriptions if event in s.events]


def _deliver_on_commit(queued: int) -> None:
    if queued:  # the schedule sends them anyway within a minute if the broker is down
        transaction.on_commit(lambda: enqueue("ats.tasks.deliver_new_webhooks"), robust=True)


def _queue(
    event: WebhookEvent,
    about: Iterable[tuple[WebhookSubscription, Iterable[dict]]],
    *,
    data: dict,
    at: datetime,
) -> int:
    """Write the outbox rows: for each subscription, one per subject (a dict of the
    row's ids, and its own `data` where it differs)."""
    rows, event_ids = [], {}
    for subscription, subjects in about:
        for subject in subjects:
            # One id per event, however many subscriptions are told: a receiver
            # de-duplicates by it.
            event_id = event_ids.setdefault(
                subject.get("public_id") or subject.get("opening_id"), uuid.uuid4()
            )
            rows.append(
                WebhookDelivery(
                    subscription=subscription,
                    event_id=event_id,
                    event=event,
                    occurred_at=at,
                    retry_until=at + RETRY_FOR,
                    next_attempt_at=at,
                    **{"data": data, **subject},
                )
            )
    WebhookDelivery.objects.bulk_create(rows, batch_size=1000)
    _deliver_on_commit(len(rows))
    return len(rows)


NEXT = Coalesce(F("event_sequence"), 0) + 1


def queue_application_events(
    *,
    event: WebhookEvent,
    applications: QuerySet[Application],
    data: dict | None = None,
    now: datetime | None = None,
) -> int:
    """`event` about each of `applications`, to each subscription whose user may see it,
    numbered: one more than the application's event before (its row is locked by the
    write that made the event, so the numbers follow the commits)."""
    subscriptions = _listening(event)
    if not subscriptions:
        return 0
    applications.update(event_sequence=NEXT)
    return _queue(
        event,
        (
            (
                subscription,
                applications.filter(within_reach(subscription.user))
                .order_by()
                .values(
                    "public_id",
                    "opening_id",
                    application_id=F("pk"),
                    sequence=F("event_sequence"),
                ),
            )
            for subscription in subscriptions
        ),
        data=data or {},
        at=now or timezone.now(),
    )


def queue_opening_event(
    *, event: WebhookEvent, opening: Opening, data: dict | None = None, now: datetime | None = None
) -> int:
    """`event` about `opening`, to each subscription whose user may see the opening,
    numbered as the application's events are."""
    subscriptions = _listening(event)
    if not subscriptions:
        return 0
    Opening.objects.filter(pk=opening.pk).update(event_sequence=NEXT)
    sequence = Opening.objects.values_list("event_sequence", flat=True).get(pk=opening.pk)
    return _queue(
        event,
        (
            (subscription, [{"opening_id": opening.pk, "sequence": sequence}])
            for subscription in subscriptions
            if visible_openings(subscription.user).filter(pk=opening.pk).exists()
        ),
        data=data or {},
        at=now or timezone.now(),
    )


def queue_deletion_events(*, claims: QuerySet[PurgeClaim], deleted_at: datetime) -> int:
    """application.deleted for each claimed application, to each subscription whose
    user could see it: the public id, the reason and the time, nothing else."""
    subscriptions = _listening(WebhookEvent.APPLICATION_DELETED)
    if not subscriptions:
        return 0
    when = deleted_at.isoformat()
    return _queue(
        WebhookEvent.APPLICATION_DELETED,
        (
            (
                subscription,
                [
                    {
                        "public_id": public_id,
                        "opening_id": opening_id,
                        "sequence": (last or 0) + 1,
                        "data": {"reason": reason, "deleted_at": when},
                    }
                    for public_id, opening_id, reason, last in claims.filter(
                        within_reach(subscription.user)
                    )
                    .order_by()
                    .distinct()
                    .values_list("public_id", "opening_id", "reason", "event_sequence")
                ],
            )
            for subscription in subscriptions
        ),
        data={},
        at=deleted_at,
    )
