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
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    CharField,
    DateTimeField,
    Expression,
    F,
    JSONField,
    QuerySet,
    UUIDField,
    Value,
)
from django.db.models.functions import MD5, Cast, Coalesce, Concat, JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _

from ..bulk import insert_from_select
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
    *,
    subscription: WebhookSubscription,
    rows: QuerySet,
    subject: Expression,
    sequence: Expression,
    data: Expression,
    at: datetime,
    **ids: Expression,
) -> int:
    """Write the outbox rows for one subscription in one INSERT ... SELECT, one per row
    of `rows` (a decision's thousands never pass through Python). The event's id is
    the same for every subscription told, for a receiver de-duplicates by it: derived
    from what it is about (`subject`, unique for ever: a public id, an opening's id) and
    its sequence number there, unique among that subject's events."""
    event_id = MD5(
        Concat(
            Value(f"{event}:"),
            Cast(subject, CharField()),
            Value(":"),
            Cast(sequence, CharField()),
            output_field=CharField(),
        )
    )
    return insert_from_select(
        into=WebhookDelivery,
        rows=rows,
        subscription=Value(subscription.pk),
        event_id=Cast(event_id, UUIDField()),
        event=Value(str(event)),
        sequence=sequence,
        data=data,
        occurred_at=Value(at, DateTimeField()),
        retry_until=Value(at + RETRY_FOR, DateTimeField()),
        next_attempt_at=Value(at, DateTimeField()),
        attempts=Value(0),
        last_error=Value(""),
        **ids,
    )


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
    write that made the event, so the numbers follow the commits). A fixed number of
    statements, however many applications."""
    subscriptions = _listening(event)
    if not subscriptions:
        return 0
    applications.update(event_sequence=NEXT)
    queued = sum(
        _queue(
            event,
            subscription=subscription,
            rows=applications.filter(within_reach(subscription.user)),
            subject=F("public_id"),
            sequence=F("event_sequence"),
            data=Value(data or {}, JSONField()),
            at=now or timezone.now(),
            application=F("pk"),
            public_id=F("public_id"),
            opening_id=F("opening_id"),
        )
        for subscription in subscriptions
    )
    _deliver_on_commit(queued)
    return queued


def queue_opening_event(
    *, event: WebhookEvent, opening: Opening, data: dict | None = None, now: datetime | None = None
) -> int:
    """`event` about `opening`, to each subscription whose user may see the opening,
    numbered as the application's events are."""
    subscriptions = _listening(event)
    if not subscriptions:
        return 0
    Opening.objects.filter(pk=opening.pk).update(event_sequence=NEXT)
    queued = sum(
        _queue(
            event,
            subscription=subscription,
            rows=visible_openings(subscription.user).filter(pk=opening.pk),
            subject=F("pk"),
            sequence=F("event_sequence"),
            data=Value(data or {}, JSONField()),
            at=now or timezone.now(),
            opening_id=F("pk"),
        )
        for subscription in subscriptions
    )
    _deliver_on_commit(queued)
    return queued


def queue_deletion_events(*, claims: QuerySet[PurgeClaim], deleted_at: datetime) -> int:
    """application.deleted for each claimed application, to each subscription whose
    user could see it: the public id, the reason and the time, nothing else; numbered
    after the application's last event."""
    event = WebhookEvent.APPLICATION_DELETED
    queued = sum(
        _queue(
            event,
            subscription=subscription,
            rows=claims.filter(within_reach(subscription.user)).distinct(),
            subject=F("public_id"),
            sequence=NEXT,
            data=JSONObject(reason=F("reason"), deleted_at=Value(deleted_at.isoformat())),
            at=deleted_at,
            public_id=F("public_id"),
            opening_id=F("opening_id"),
        )
        for subscription in _listening(event)
    )
    _deliver_on_commit(queued)
    return queued
