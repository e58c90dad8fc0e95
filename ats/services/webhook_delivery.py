"""Sending webhook events from the outbox (services/webhooks.py), by the worker.

Each event is POSTed as JSON, signed as the Standard Webhooks specification says
(standardwebhooks.com), so that its libraries verify it: `webhook-id` (the event's id),
`webhook-timestamp` (unix time of the attempt) and `webhook-signature: v1,<base64
HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed by the base64-decoded part of the
secret after `whsec_`. A 2xx answer is an acknowledgement; anything else, or no answer
within TIMEOUT, is retried with a doubling wait (by the worker's run about 1, 2, 4, ...
minutes later) until RETRY_FOR after the event, then given up. A receiver that has
failed every attempt for ATS_WEBHOOK_PAUSE_AFTER is paused, and its subscription's user
emailed.

At least once: a row is leased before it is sent and its result written after, so a
worker killed in between leaves it to be sent again once the lease ends; receivers
de-duplicate by `webhook-id`.
"""

import base64
import hashlib
import hmac
import http.client
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..app_settings import app_settings
from ..emails import site_url
from ..models import WebhookDelivery, WebhookSubscription
from . import webhook_targets
from .staff_emails import queue_staff_email

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
# Retries ride the worker's run each minute (a shorter first wait would be a promise it
# cannot keep), and a run starts up to half a minute late (the cluster looks at its
# schedules every 30 s): the scheduled run takes what falls due that much after it, so
# that the run one wait later sends a retry, neither the one before nor the one after.
# The runs that a new event starts take only what is due.
FIRST_RETRY = timedelta(minutes=1)
RUN_JITTER = timedelta(seconds=30)
LEASE = timedelta(minutes=5)  # longer than a batch takes: TIMEOUT_SECONDS a row at most
BATCH_SIZE = 25
UNREACHABLE = "unreachable"


@dataclass
class DeliverySummary:
    delivered: int = 0
    failed: int = 0
    gave_up: int = 0
    paused: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        return (
            f"Webhook events delivered: {self.delivered}; failed, to retry: {self.failed}; "
            f"given up: {self.gave_up}; subscriptions paused: {len(self.paused)}"
        )


def signed_headers(*, secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.digest(key, f"{event_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"v1,{base64.b64encode(digest).decode()}",
    }


def payload(delivery: WebhookDelivery) -> bytes:
    data = {}
    if delivery.public_id is not None:
        data["public_id"] = str(delivery.public_id)
    if delivery.opening_id is not None:
        data["opening_id"] = delivery.opening_id
    return json.dumps(
        {
            "id": str(delivery.event_id),
            "type": delivery.event,
            "occurred_at": delivery.occurred_at.isoformat(),
            "sequence": delivery.sequence,
            "data": {**data, **delivery.data},
        },
        separators=(",", ":"),
    ).encode()


def _post(delivery: WebhookDelivery, *, now: datetime) -> tuple[int | None, str]:
    """(status, error): status None when no answer came. The log tells the key holder
    only "refused by receiver" or "unreachable", never what answered instead (a closed
    port, a certificate, a refused address): it must not map the worker's network."""
    body = payload(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "ats-webhooks/2",
        **signed_headers(
            secret=delivery.subscription.secret,
            event_id=str(delivery.event_id),
            timestamp=int(now.timestamp()),
            body=body,
        ),
    }
    try:
        target = webhook_targets.check(delivery.subscription.url)  # the name, again now
        status = webhook_targets.post(target, body=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except (webhook_targets.UnsafeTarget, OSError, http.client.HTTPException) as error:
        logger.info("Webhook subscription %s unreachable: %s", delivery.subscription_id,
                    type(error).__name__)  # fmt: skip
        return None, UNREACHABLE
    return status, "" if 200 <= status < 300 else f"refused by receiver (HTTP {status})"


def _lease(*, now: datetime, due_by: datetime) -> list[WebhookDelivery]:
    with transaction.atomic():
        rows = list(
            WebhookDelivery.objects.filter(
                next_attempt_at__lte=due_by, subscription__paused_at__isnull=True
            )
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription")
            .order_by("next_attempt_at", "pk")[:BATCH_SIZE]
        )
        WebhookDelivery.objects.filter(pk__in=[r.pk for r in rows]).update(
            next_attempt_at=now + LEASE
        )
    return rows


def _record(delivery: WebhookDelivery, *, status: int | None, error: str, now: datetime) -> str:
    """Write the attempt; returns "delivered", "failed" or "gave_up"."""
    delivery.attempts += 1
    delivery.last_status, delivery.last_error = status, error
    if status is not None and 200 <= status < 300:
        delivery.delivered_at, delivery.next_attempt_at = now, None
        outcome = "delivered"
    else:
        wait = FIRST_RETRY * 2 ** (delivery.attempts - 1)
        if now + wait > delivery.retry_until:
            delivery.gave_up_at, delivery.next_attempt_at = now, None
            outcome = "gave_up"
        else:
            delivery.next_attempt_at = now + wait
            outcome = "failed"
    delivery.save(
        update_fields=[
            "attempts", "last_status", "last_error", "delivered_at", "gave_up_at",
            "next_attempt_at",
        ]
    )  # fmt: skip
    return outcome


def _pause_if_failing(subscription: WebhookSubscription, *, now: datetime, error: str) -> bool:
    """Note the failure; pause the subscription (and email its user) when every attempt
    has failed for ATS_WEBHOOK_PAUSE_AFTER. True if it was paused now."""
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.paused_at is not None:
            return False
        subscription.failing_since = subscription.failing_since or now
        pausing = now - subscription.failing_since >= app_settings.WEBHOOK_PAUSE_AFTER
        if pausing:
            subscription.paused_at = now
        subscription.save(update_fields=["failing_since", "paused_at"])
    if pausing and subscription.user.email:
        queue_staff_email(
            to=subscription.user.email,
            template="webhook_paused",
            context={
                "subscription": subscription,
                "failing_since": subscription.failing_since,
                "last_error": error,
                "link": site_url(
                    reverse("admin:ats_webhooksubscription_change", args=[subscription.pk])
                ),
            },
        )
    return pausing


def deliver_due_webhooks(
    *, now: datetime | None = None, scheduled: bool = False
) -> DeliverySummary:
    """Send what is due (by the `scheduled` run: what falls due before the next one
    could start), a batch at a time, until nothing is."""
    summary = DeliverySummary()
    while True:
        now_of_batch = now or timezone.now()
        rows = _lease(
            now=now_of_batch, due_by=now_of_batch + (RUN_JITTER if scheduled else timedelta())
        )
        answered, failing = set(), {}
        for delivery in rows:
            if delivery.subscription_id in failing:  # it is down: not again this minute
                WebhookDelivery.objects.filter(pk=delivery.pk).update(
                    next_attempt_at=now_of_batch + FIRST_RETRY
                )
                continue
            status, error = _post(delivery, now=now_of_batch)
            outcome = _record(delivery, status=status, error=error, now=now_of_batch)
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            if outcome == "delivered":
                answered.add(delivery.subscription_id)
            else:
                failing[delivery.subscription_id] = (delivery.subscription, error)
        WebhookSubscription.objects.filter(pk__in=answered - set(failing)).update(
            failing_since=None
        )
        for subscription, error in failing.values():
            if _pause_if_failing(subscription, now=now_of_batch, error=error):
                summary.paused.append(subscription.name)
                logger.warning("Webhook subscription %s paused: %s", subscription.pk, error)
        if len(rows) < BATCH_SIZE:
            return summary
