"""An account's integrations end with it, however it is deactivated (ats/apps.py calls
services/staff_access.py at the save)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ats.models import ApiKey, WebhookSubscription
from ats.services.api_keys import issue_api_key, key_presented
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def integrations(user) -> str:
    _, secret = issue_api_key(
        name=f"Lön {user.pk}", user=user, created_by=user, scopes=["openings:read"],
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    WebhookSubscription.objects.create(
        name=f"HR {user.pk}", url="https://hr.example.se/ats", events=["opening.decided"],
        user=user,
    )  # fmt: skip
    return secret


def test_a_deactivated_users_keys_expire_and_subscriptions_pause_for_good():
    leaving, staying = UserFactory(is_staff=True), UserFactory(is_staff=True)
    secret, kept = integrations(leaving), integrations(staying)

    leaving.is_active = False
    leaving.save()
    leaving.is_active = True  # back again: the old keys and subscriptions stay ended
    leaving.save()

    assert key_presented(secret) is None
    assert ApiKey.objects.get(user=leaving).expires_at <= timezone.now()
    assert WebhookSubscription.objects.get(user=leaving).paused_at is not None
    assert key_presented(kept) is not None
    assert WebhookSubscription.objects.get(user=staying).paused_at is None
