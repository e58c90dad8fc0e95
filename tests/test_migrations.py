"""Data migrations, run on rows as an earlier version stored them."""

import base64
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ats.models import CandidateEmail
from tests.factories import ApplicationFactory, PrivacyNoticeFactory, UserFactory

# Slow: the schema migrated back to earlier versions, and forward again.
pytestmark = pytest.mark.slow

BEFORE, AFTER = ("ats", "0032_one_line_fields"), ("ats", "0033_forget_what_the_review_found_stored")
STANDARD_WEBHOOKS = ("ats", "0034_webhook_event_sequence")
BEFORE_ROLES = ("ats", "0037_accessevent_view_cv")
BEFORE_PIPELINES, PIPELINES = ("ats", "0048_ad_templates"), ("ats", "0049_pipeline_stages")
BEFORE_OWN_LINKS = ("ats", "0051_addresses_never_sampled")
OWN_LINKS = ("ats", "0052_sent_emails_keep_no_own_link")


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    """The tests after these find the schema they expect."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_webhook_secrets_are_respelt_as_standard_webhooks_reads_them_with_the_same_key():
    """Secrets were URL-safe base64 without padding, which the Standard Webhooks
    libraries cannot decode (issue 31)."""
    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    apps = executor.loader.project_state([AFTER]).apps
    key = bytes(range(250, 256)) + bytes(range(26))  # "-" and "_" in URL-safe base64
    old = "whsec_" + base64.urlsafe_b64encode(key).decode().rstrip("=")
    assert "-" in old or "_" in old
    apps.get_model("ats", "WebhookSubscription").objects.create(
        name="HR", url="https://hr.example.se/", events=[], secret=old, user_id=UserFactory().pk
    )

    executor = MigrationExecutor(connection)
    executor.migrate([STANDARD_WEBHOOKS])
    apps = executor.loader.project_state([STANDARD_WEBHOOKS]).apps

    secret = apps.get_model("ats", "WebhookSubscription").objects.get().secret
    assert base64.b64decode(secret.removeprefix("whsec_"), validate=True) == key
    respelt = old.removeprefix("whsec_").replace("-", "+").replace("_", "/")
    assert secret == "whsec_" + respelt + "=" * (-len(respelt) % 4)  # the changelog's rule


@pytest.mark.django_db(transaction=True)
def test_what_the_security_review_found_stored_is_forgotten():
    """Delivery errors that told what answered inside the worker's network, and webhook
    secrets kept with an Idempotency-Key (issue 30, N1 and N10)."""
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    apps = executor.loader.project_state([BEFORE]).apps
    user = UserFactory()
    now = timezone.now()
    subscription = apps.get_model("ats", "WebhookSubscription").objects.create(
        name="HR", url="https://hr.example.se/", events=[], secret="whsec_x", user_id=user.pk
    )
    errors = {
        "ConnectionRefusedError: [Errno 111] Connection refused": None,
        "SSLCertVerificationError: self-signed certificate": None,
        "HTTP 302": 302,
        "": 200,
    }
    Delivery = apps.get_model("ats", "WebhookDelivery")
    for error, status in errors.items():
        Delivery.objects.create(
            subscription=subscription, event_id=uuid.uuid4(), event="opening.decided",
            occurred_at=now, retry_until=now + timedelta(hours=1), last_error=error,
            last_status=status,
        )  # fmt: skip
    key = apps.get_model("ats", "ApiKey").objects.create(
        name="BI", user_id=user.pk, prefix="abc", salt="s", secret_sha256="0" * 64,
        scopes=[], expires_at=now + timedelta(days=1),
    )  # fmt: skip
    apps.get_model("ats", "IdempotentRequest").objects.create(
        api_key=key, key="hr-1", fingerprint="f", created_at=now,
        answer={"id": subscription.pk, "name": "HR", "secret": "whsec_x"},
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    apps = executor.loader.project_state([AFTER]).apps

    logged = apps.get_model("ats", "WebhookDelivery").objects.values_list("last_error", flat=True)
    assert sorted(logged) == ["", "refused by receiver (HTTP 302)", "unreachable", "unreachable"]
    stored = apps.get_model("ats", "IdempotentRequest").objects.get()
    assert stored.answer == {"id": subscription.pk}


@pytest.mark.django_db(transaction=True)
def test_the_roles_come_ready_from_the_migration_alone_on_a_database_without_permissions():
    """As on a fresh install: migrate runs before Django creates any permission (that
    happens after it), and the migration creates what its groups need."""
    from django.contrib.auth.models import Group, Permission

    from ats.staff import ROLES as LISTED

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_ROLES])
    Group.objects.all().delete()
    Permission.objects.filter(content_type__app_label="ats").delete()

    executor = MigrationExecutor(connection)
    # No post_migrate: the migrations on their own (0039 and each that adds a model
    # whose permission a role lists).
    executor.migrate(executor.loader.graph.leaf_nodes())

    for role in LISTED:
        given = Group.objects.get(name=role.group).permissions.values_list(
            "content_type__app_label", "codename"
        )
        assert {f"{app}.{codename}" for app, codename in given} == set(role.permissions)


SEARCH_BEFORE, SEARCH_AFTER = (
    ("ats", "0039_list_exports_and_roles"),
    ("ats", "0040_application_text"),
)


@pytest.mark.django_db(transaction=True)
def test_applications_stored_before_search_are_found_by_what_they_hold():
    """Migration 0040 writes what search reads of every application already stored:
    folded, split by who may search it; their CVs' text stays empty."""
    notice = PrivacyNoticeFactory()  # the tests before may have flushed the first
    executor = MigrationExecutor(connection)
    executor.migrate([SEARCH_BEFORE])
    apps = executor.loader.project_state([SEARCH_BEFORE]).apps
    application = apps.get_model("ats", "Application").objects.create(
        name="Håkan Öberg",
        email="Hakan@Example.se",
        phone="070-123 45 67",
        cover_letter="Jag söker tjänsten",
        cv="cv/x.pdf",
        cv_filename="cv.pdf",
        privacy_notice_id=notice.pk,
    )
    apps.get_model("ats", "Note").objects.create(application=application, text="Stark på Triage")

    executor = MigrationExecutor(connection)
    executor.migrate([SEARCH_AFTER])
    apps = executor.loader.project_state([SEARCH_AFTER]).apps

    text = apps.get_model("ats", "ApplicationText").objects.get(application_id=application.pk)
    assert (text.team_text, text.cv_text) == ("hakan oberg\nstark på triage".replace("å", "a"), "")
    assert "hakan@example.se" in text.decider_text and "0701234567" in text.decider_text
    if connection.vendor == "postgresql":  # the database made its vectors
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT team_vector @@ to_tsquery('swedish', 'hakan') FROM ats_applicationtext"
            )
            assert cursor.fetchone() == (True,)


@pytest.mark.django_db(transaction=True)
def test_stages_per_opening_migrate_forward_and_back_with_the_counts_exact():
    """Openings of before get the default pipeline; back again, the counts of an
    opening's own stages go into their kind's, and the triggers count as before."""
    from ats.models import Application, PipelineStage
    from ats.services.pipeline import move_applications
    from ats.services.pipeline_stages import add_stage
    from tests.factories import ApplicationFactory, OpeningFactory

    opening, recruiter = OpeningFactory(), UserFactory()
    PipelineStage.objects.filter(opening=opening).delete()  # as an opening of before
    ApplicationFactory.create_batch(2, opening=opening, stage="interview")
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_PIPELINES])
    executor = MigrationExecutor(connection)
    executor.migrate([PIPELINES])

    assert [s.kind for s in PipelineStage.objects.filter(opening=opening)] == [
        "new", "reviewing", "interview", "offer", "hired", "rejected"
    ]  # fmt: skip
    case = add_stage(owner=opening, kind="interview", name="Case")
    move_applications(
        applications=Application.objects.filter(pk=opening.applications.first().pk),
        pipeline_stage=case,
        moved_by=recruiter,
    )
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_PIPELINES])
    apps = executor.loader.project_state([BEFORE_PIPELINES]).apps

    counts = apps.get_model("ats", "StageCount").objects.filter(opening_key=opening.pk)
    assert [(c.stage, c.applications) for c in counts] == [("interview", 2)]
    apps.get_model("ats", "Application").objects.filter(opening_id=opening.pk).update(stage="offer")
    assert sorted(counts.values_list("stage", "applications")) == [("interview", 0), ("offer", 2)]


@pytest.mark.django_db(transaction=True)
def test_emails_kept_before_lose_the_link_that_acts_as_the_candidate():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_OWN_LINKS])  # the same tables as now: the factories fit
    link = "https://jobb.example.se/my-application/WyJhYmMiLG51bGxd:1tAbc:x-Y_z/interview/"
    for language in ("sv", "en", "de"):
        CandidateEmail.objects.create(
            application=ApplicationFactory(language=language),
            template="interview_invitation",
            send_after=timezone.now(),
            sent_at=timezone.now(),
            body=f"Hej!\n\nVälj en tid: {link}\n\nVi ses.",
        )

    executor = MigrationExecutor(connection)
    executor.migrate([OWN_LINKS])

    kept = dict(CandidateEmail.objects.values_list("application__language", "body"))
    assert kept == {
        "sv": "Hej!\n\nVälj en tid: [personlig länk]\n\nVi ses.",
        "en": "Hej!\n\nVälj en tid: [personal link]\n\nVi ses.",
        "de": "Hej!\n\nVälj en tid: [personal link]\n\nVi ses.",
    }
