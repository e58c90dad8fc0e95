"""Who a key or a webhook subscription acts for (ASVS 8.2.1, 8.3.2, 8.3.3, 16.2.1): its
maker, or, when a superuser made it, the staff user chosen; the access log names the
maker beside the user; neither works once its user is no longer staff."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from ats.models import AccessEvent, ApiKey, ApiScope, WebhookSubscription
from ats.services.api_keys import ApiKeyError, issue_api_key
from ats.services.pipeline import move_application
from ats.services.webhooks import SubscriptionError, create_subscription
from tests.factories import ApplicationFactory, HiringTeamMemberFactory, UserFactory, grant
from tests.helpers import ApiClient, logged_in_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss():
    return UserFactory(username="boss", is_superuser=True)


@pytest.fixture
def keymaker(client):
    """Staff who may add keys and subscriptions, and nothing else: the assessment's."""
    return logged_in_staff(
        client,
        "keymaker",
        *("add_apikey", "view_apikey", "add_webhooksubscription", "view_webhooksubscription"),
    )


def key_form(user) -> dict:
    expires = timezone.localtime() + timedelta(days=30)
    return {
        "name": "Eskalering",
        "user": user.pk,
        "scopes": [ApiScope.APPLICATIONS_READ, ApiScope.CV_READ],
        "expires_at_0": expires.strftime("%Y-%m-%d"),
        "expires_at_1": "12:00:00",
    }


def subscription_form(user) -> dict:
    return {
        "name": "HR",
        "url": "https://127.0.0.1/hooks",
        "events": ["application.stage_changed"],
        "user": user.pk,
    }


def test_a_key_maker_makes_keys_only_for_themself(client, keymaker, boss):
    offered = client.get("/admin/ats/apikey/add/").content.decode()
    assert f'value="{keymaker.pk}"' in offered and f'value="{boss.pk}"' not in offered

    refused = client.post("/admin/ats/apikey/add/", key_form(boss))
    assert "Select a valid choice" in refused.content.decode()
    assert not ApiKey.objects.exists()
    with pytest.raises(ApiKeyError, match="only a superuser"):
        issue_api_key(
            name="x",
            user=boss,
            created_by=keymaker,
            scopes=[ApiScope.OPENINGS_READ],
            expires_at=timezone.now() + timedelta(days=1),
        )

    client.post("/admin/ats/apikey/add/", key_form(keymaker))
    key = ApiKey.objects.get()
    assert (key.user, key.created_by) == (keymaker, keymaker)


def test_a_subscription_maker_subscribes_only_for_themself(client, keymaker, boss, settings):
    settings.ATS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    refused = client.post("/admin/ats/webhooksubscription/add/", subscription_form(boss))
    assert "Select a valid choice" in refused.content.decode()
    with pytest.raises(SubscriptionError, match="only a superuser"):
        create_subscription(
            name="x",
            url="https://127.0.0.1/",
            events=["application.stage_changed"],
            user=boss,
            created_by=keymaker,
        )
    assert not WebhookSubscription.objects.exists()

    client.post("/admin/ats/webhooksubscription/add/", subscription_form(keymaker))
    subscription = WebhookSubscription.objects.get()
    assert (subscription.user, subscription.created_by) == (keymaker, keymaker)


def test_the_access_log_names_who_made_the_key_beside_the_user_it_acts_for(client, boss):
    recruiter = grant(UserFactory(username="alice"), "download_cv")
    application = ApplicationFactory()
    HiringTeamMemberFactory(opening=application.opening, user=recruiter)
    client.force_login(boss)
    response = client.post("/admin/ats/apikey/add/", key_form(recruiter), follow=True)
    [secret] = re.findall(r"ats_\w+_[\w-]+", str(list(response.context["messages"])))

    read = ApiClient(secret).get(f"/api/v1/applications/{application.public_id}")

    assert read.status_code == 200
    event = AccessEvent.objects.get()
    assert (event.user, event.api_key, event.api_key_made_by) == (recruiter, "Eskalering", boss)
    row = client.get("/admin/ats/accessevent/").content.decode()
    assert re.search(r"alice</td>.*Eskalering</td>.*boss</td>", row, re.S)


def test_a_key_and_a_subscription_stop_when_their_user_is_no_longer_staff(settings):
    settings.ATS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    user = grant(UserFactory(), "view_all_applications")
    _, secret = issue_api_key(
        name="BI",
        user=user,
        created_by=user,
        scopes=[ApiScope.OPENINGS_READ],
        expires_at=timezone.now() + timedelta(days=1),
    )
    subscription = create_subscription(
        name="BI",
        url="https://127.0.0.1/",
        events=["application.stage_changed"],
        user=user,
        created_by=user,
    )
    assert ApiClient(secret).get("/api/v1/openings/").status_code == 200

    type(user).objects.filter(pk=user.pk).update(is_staff=False)
    move_application(application=ApplicationFactory(), stage="reviewing", moved_by=UserFactory())

    assert ApiClient(secret).get("/api/v1/openings/").status_code == 401
    assert not subscription.deliveries.exists()


def test_nobody_but_a_superuser_changes_a_key_or_subscription_someone_else_made(
    client, keymaker, boss, settings
):
    settings.ATS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    theirs = create_subscription(
        name="Boss", url="https://127.0.0.1/boss", events=["application.stage_changed"],
        user=boss, created_by=boss,
    )  # fmt: skip
    _key, _ = issue_api_key(
        name="Boss key", user=boss, created_by=boss, scopes=[ApiScope.OPENINGS_READ],
        expires_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    grant(keymaker, "change_webhooksubscription", "change_apikey")
    client.force_login(keymaker)

    listed = client.get("/admin/ats/webhooksubscription/").content.decode()
    keys = client.get("/admin/ats/apikey/").content.decode()
    redirected = client.post(
        f"/admin/ats/webhooksubscription/{theirs.pk}/change/",
        {**subscription_form(boss), "url": "https://127.0.0.2/mine"},
    )

    assert "Boss" not in listed and "Boss key" not in keys
    assert redirected.status_code == 302  # to the admin's index: no such object for them
    theirs.refresh_from_db()
    assert theirs.url == "https://127.0.0.1/boss"
