"""Webhook subscriptions through the API (scope webhooks:manage): a key manages the
subscriptions that act for its own user, and reads their delivery log."""

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from .. import cursors
from ..app_settings import app_settings
from ..models import ApiScope, WebhookDelivery, WebhookEvent, WebhookSubscription
from ..services.webhooks import SubscriptionError, create_subscription
from .auth import require
from .document import documented
from .fields import CONTROL, FilledOneLine, OneLine
from .idempotency import at_most_once
from .problems import InvalidBody
from .reads import conditional_get

router = Router(tags=["webhooks"])


def _schemes_taken(schema: dict) -> None:
    # The service takes http:// as well only where ATS_WEBHOOK_ALLOW_HTTP says so; the
    # document, made at each request, says what it takes now.
    schemes = "https?" if app_settings.WEBHOOK_ALLOW_HTTP else "https"
    schema["pattern"] = rf"^{schemes}://[^\s{CONTROL}]+$"


class SubscriptionIn(Schema):
    name: FilledOneLine = Field(min_length=1, max_length=100)
    url: OneLine = Field(
        max_length=500, pattern=r"^https?://\S+$", json_schema_extra=_schemes_taken
    )
    events: list[WebhookEvent] = Field(min_length=1)


class SubscriptionOut(Schema):
    id: int
    name: str
    url: str
    events: list[WebhookEvent]
    created_at: datetime
    failing_since: datetime | None
    paused_at: datetime | None  # a paused one is resumed in the admin


class NewSubscription(SubscriptionOut):
    secret: str  # signs every delivery; shown this once only


class DeliveryOut(Schema):
    event_id: UUID
    event: WebhookEvent
    public_id: UUID | None
    opening_id: int | None
    occurred_at: datetime
    attempts: int
    delivered_at: datetime | None
    gave_up_at: datetime | None
    last_status: int | None
    last_error: str


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


class DeliveryFilters(Schema):
    cursor: str | None = None
    limit: int = cursors.PAGE_SIZE


def _own(request: HttpRequest):
    require(request, ApiScope.WEBHOOKS_MANAGE)
    return WebhookSubscription.objects.filter(user=request.user)


@conditional_get(
    router,
    "/webhooks",
    response=list[SubscriptionOut],
    summary="The subscriptions that act for the key's user",
)
def list_subscriptions(request: HttpRequest):
    return _own(request).order_by("pk")


@router.post(
    "/webhooks",
    response={201: NewSubscription},
    summary="Subscribe a URL to events; the answer holds its signing secret, once",
    openapi_extra=documented(write=True, idempotent=True),
)
def subscribe(request: HttpRequest, subscription: SubscriptionIn):
    require(request, ApiScope.WEBHOOKS_MANAGE)

    def create() -> dict:
        try:
            made = create_subscription(
                name=subscription.name,
                url=subscription.url,
                events=list(subscription.events),
                user=request.user,
                created_by=request.user,
            )
        except SubscriptionError as error:
            raise InvalidBody.saying(str(error)) from error
        return NewSubscription.from_orm(made).model_dump(mode="json")

    def again(subscription_id: int) -> dict:
        made = get_object_or_404(_own(request), pk=subscription_id)
        return NewSubscription.from_orm(made).model_dump(mode="json")

    return at_most_once(request, create, status=201, replay=again)


@conditional_get(
    router,
    "/webhooks/{subscription_id}",
    response=SubscriptionOut,
    summary="One subscription",
)
def read_subscription(request: HttpRequest, subscription_id: int):
    return get_object_or_404(_own(request), pk=subscription_id)


@router.delete(
    "/webhooks/{subscription_id}",
    response={204: None},
    summary="End a subscription, and its delivery log with it",
    openapi_extra=documented(),
)
def unsubscribe(request: HttpRequest, subscription_id: int) -> HttpResponse:
    get_object_or_404(_own(request), pk=subscription_id).delete()
    return HttpResponse(status=204)


@conditional_get(
    router,
    "/webhooks/{subscription_id}/deliveries",
    response=DeliveryPage,
    summary="The subscription's delivery log, newest first",
)
def list_deliveries(request: HttpRequest, subscription_id: int, filters: Query[DeliveryFilters]):
    subscription = get_object_or_404(_own(request), pk=subscription_id)
    return cursors.page(
        WebhookDelivery.objects.filter(subscription=subscription),
        by="occurred_at",
        newest_first=True,
        cursor=filters.cursor,
        limit=filters.limit,
    )
