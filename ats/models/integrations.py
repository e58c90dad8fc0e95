"""The API's keys and its remembered answers (Idempotency-Key), and the webhook
subscriptions with their deliveries."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..app_settings import app_settings
from ..validators import validate_one_line
from .enums import WebhookEvent
from .fields import done_by, held_with_application


def acts_for(help_text: str) -> models.ForeignKey:
    """The user an integration acts for: it reaches no more than they do, and goes when
    their account goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("acts for"),
        help_text=help_text,
    )


class ApiKey(models.Model):
    """A key one integration (an HR system, a BI tool) presents as
    `Authorization: Bearer ats_<prefix>_<secret>`, made by an administrator and shown
    once (services/api_keys.py). Only a salted SHA-256 of the secret is kept: the
    secret is 256 random bits, which no table of guesses covers, so a slow password
    hash would only slow every request. The key acts for its user and never sees more
    than that user would on the recruiter pages."""

    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        help_text=_("Which integration uses it."),
        validators=[validate_one_line],
    )
    user = acts_for(_("The key sees what this user sees on the recruiter pages, no more."))
    created_by = done_by(_("made by"), editable=False)  # null also: made before it was recorded
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    salt = models.CharField(max_length=32, editable=False)
    secret_sha256 = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} (ats_{self.prefix}_…)"


class IdempotentRequestQuerySet(models.QuerySet):
    def ended(self, *, now: datetime) -> "IdempotentRequestQuerySet":
        """Past the time in which a client may send its request again."""
        return self.filter(created_at__lt=now - app_settings.API_IDEMPOTENCY_WINDOW)


class IdempotentRequest(models.Model):
    """A creating write through the API, by its Idempotency-Key: a client that retries
    after a lost answer gets the first answer, and nothing is done twice
    (api/idempotency.py). The answer holds ids and dates, never personal data; the
    key is the client's, so rows go once ended (each purge, each write by its key)."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # An HMAC of method, path and body: no guess of a note's text can be checked on it.
    fingerprint = models.CharField(max_length=64)
    answer = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = IdempotentRequestQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="ats_one_request_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.created_at:%Y-%m-%d %H:%M})"


class WebhookSubscription(models.Model):
    """Another system told of events here by signed HTTP POSTs, from the worker
    (services/webhook_delivery.py). It hears of what its user may see on the recruiter
    pages, no more; its user is emailed when it is paused."""

    name = models.CharField(_("name"), max_length=100, unique=True, validators=[validate_one_line])
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=64, editable=False)  # signs; needed in clear
    user = acts_for(_("It hears of what this user may see, and this user is told if it fails."))
    created_by = done_by(_("made by"), editable=False)  # null also: made before it was recorded
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event for one subscription: the outbox row the worker sends, and then the
    delivery log (status, attempts, last error). It holds ids, never personal data.
    An application's events go with the application (delete_with_dependents), except
    application.deleted, which names only the tombstone's public id and stays as the
    proof of who was told to delete their copy."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(editable=False)  # the same for every subscription told
    event = models.CharField(max_length=32, choices=WebhookEvent.choices, editable=False)
    application = held_with_application(
        "webhook_deliveries", null=True, editable=False, verbose_name=None
    )
    public_id = models.UUIDField(null=True, db_index=True, editable=False)
    opening_id = models.BigIntegerField(null=True, editable=False)
    data = models.JSONField(default=dict, editable=False)
    occurred_at = models.DateTimeField(editable=False)
    # Counts the events about its application (or opening): a higher one happened later.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    retry_until = models.DateTimeField(editable=False)
    next_attempt_at = models.DateTimeField(null=True, db_index=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    delivered_at = models.DateTimeField(null=True, editable=False)
    gave_up_at = models.DateTimeField(null=True, editable=False)
    last_status = models.PositiveSmallIntegerField(null=True, editable=False)
    last_error = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="ats_one_delivery_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"
