"""What a staff user's account carries beyond their own sign-in ends with it: once the
account is inactive (deactivated in the admin, by the identity provider over SCIM, or
anywhere else a user is saved), the API keys that act for them expire and their webhook
subscriptions are paused, for good. A reactivated account gets new keys; an
administrator resumes a subscription on purpose. Their sessions end by the site's own
means (config/apps.py)."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from ..models import ApiKey, WebhookSubscription


@transaction.atomic
def end_integrations(*, user: AbstractBaseUser, now: datetime | None = None) -> None:
    """Expire the user's API keys and pause their webhook subscriptions (what was ended
    before stays as it was)."""
    now = now or timezone.now()
    ApiKey.objects.filter(user=user, expires_at__gt=now).update(expires_at=now)
    WebhookSubscription.objects.filter(user=user, paused_at__isnull=True).update(paused_at=now)
