"""Webhooks against a real HTTP receiver on 127.0.0.1: the events its subscription may
hear and no other, signed (the receiver checks as docs/api.md, "Verifying a delivery",
shows), retried after failures, paused when it keeps failing, and application.deleted
after a purge, acknowledged in the certificate and the ledger check. Signatures are
checked by the Standard Webhooks project's own library, and by the bare HMAC of
docs/api.md."""

import base64
import hmac
import json
import socket
import ssl
import threading
import time
from collections import deque
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
import time_machine
import trustme
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from ats import cv_checks, tasks
from ats.checks import check_webhook_networks
from ats.exports import export_document
from ats.models import (
    Application,
    PipelineStage,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from ats.processing import processing_record
from ats.selectors.candidates import deletion_certificate
from ats.services import webhook_delivery, webhook_targets
from ats.services.applications import submit_application
from ats.services.decisions import record_hiring_decision
from ats.services.pipeline import move_application
from ats.services.pipeline_stages import add_stage
from ats.services.purge import purge_due
from ats.services.webhook_delivery import deliver_due_webhooks
from ats.services.webhooks import SubscriptionError, create_subscription, resume_subscription
from tests.factories import (
    ApplicationFactory,
    HiringTeamMemberFactory,
    OpeningFactory,
    UserFactory,
    grant,
    sent_emails,
)
from tests.helpers import reject_without_email

pytestmark = pytest.mark.django_db


def verified_by_hand(secret: str, headers, body: bytes, tolerance: int = 300) -> bool:
    """docs/api.md's bare HMAC, as a receiver without a library would write it."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.digest(key, signed, "sha256")).decode()
    fresh = abs(time.time() - int(headers["webhook-timestamp"])) < tolerance
    return fresh and any(
        hmac.compare_digest(expected, given) for given in headers["webhook-signature"].split()
    )


def verified_by_library(secret: str, headers, body: bytes) -> bool:
    """The Standard Webhooks reference library, as docs/api.md shows it."""
    try:
        Webhook(secret).verify(body, dict(headers))
    except WebhookVerificationError:
        return False
    return True


class Receiver:
    """An HTTP server that answers the statuses it is given (then 200) and keeps what
    it received, with whether the signature held; HTTPS with a certificate for `name`
    when given one."""

    def __init__(self, *, name: str = "127.0.0.1", certificate: trustme.LeafCert | None = None):
        self.statuses, self.received, self.secret = deque(), [], ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {
                        "host": self.headers["Host"],
                        "id": self.headers["webhook-id"],
                        "headers": dict(self.headers),
                        "event": json.loads(body)["type"],
                        "verified": verified_by_library(receiver.secret, self.headers, body),
                        "verified_by_hand": verified_by_hand(receiver.secret, self.headers, body),
                        "body": json.loads(body),
                    }
                )
                self.send_response(receiver.statuses.popleft() if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if certificate:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            certificate.configure_cert(context)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://{name}:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def subscribe(self, *, user, events=tuple(WebhookEvent.values), name="HR-systemet"):
        subscription = create_subscription(
            name=name, url=self.url, events=list(events), user=user, created_by=user
        )
        self.secret = subscription.secret
        return subscription

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def on_this_machine(settings):
    """Webhooks may go to this machine, as an operator allows its own network."""
    settings.ATS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]


@pytest.fixture
def receiver(settings, on_this_machine):
    settings.ATS_WEBHOOK_ALLOW_HTTP = True  # the receiver is on this machine
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def certificate_authority(tmp_path, monkeypatch):
    """A CA the worker trusts, as OpenSSL is told of one (SSL_CERT_FILE)."""
    authority = trustme.CA()
    authority.cert_pem.write_to_path(tmp_path / "ca.pem")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    return authority


@pytest.fixture
def team():
    """An opening, a recruiter of its team, and a colleague outside it."""
    opening = OpeningFactory(status="published")
    recruiter = HiringTeamMemberFactory(opening=opening, user__email="rekryterare@example.se").user
    return opening, recruiter, UserFactory()


def a_move(opening, recruiter) -> None:
    """One event: a new applicant of the opening moved to an offer by its recruiter."""
    move_application(
        application=ApplicationFactory(opening=opening), stage="offer", moved_by=recruiter
    )


def apply(opening, cv):
    return submit_application(
        opening=opening,
        name="Astrid Lindqvist",
        email="astrid@example.se",
        cv=cv_checks.validate_cv(cv),
        consent=False,
    )


def test_a_subscription_hears_signed_of_what_its_user_may_see_and_of_no_person(
    receiver, team, notice, sample_upload
):
    opening, recruiter, outsider = team
    mine = receiver.subscribe(user=recruiter)
    theirs = create_subscription(
        name="BI",
        url=receiver.url,
        events=list(WebhookEvent.values),
        user=outsider,
        created_by=outsider,
    )
    submission = apply(opening, sample_upload("pdf"))
    application = Application.objects.get(public_id=submission.public_id)
    move_application(application=application, stage="interview", moved_by=recruiter)

    summary = deliver_due_webhooks()

    assert summary.delivered == 2
    assert [(r["event"], r["verified"], r["verified_by_hand"]) for r in receiver.received] == [
        ("application.received", True, True),
        ("application.stage_changed", True, True),
    ]
    assert [r["id"] for r in receiver.received] == [r["body"]["id"] for r in receiver.received]
    received, moved = (r["body"] for r in receiver.received)
    assert (received["sequence"], moved["sequence"]) == (1, 2)
    assert received["data"] == {"public_id": str(application.public_id), "opening_id": opening.pk}
    assert moved["data"]["stage"] == "interview" and moved["id"] != received["id"]
    raw = json.dumps(receiver.received)
    assert "Astrid" not in raw and "astrid@example.se" not in raw  # ids, never the person
    assert not theirs.deliveries.exists()  # its user may not see the opening
    recruiter.is_active = False
    recruiter.save()
    move_application(application=application, stage="offer", moved_by=outsider)
    assert mine.deliveries.count() == 2  # a deactivated user's subscription hears no more
    log = mine.deliveries.get(event=WebhookEvent.APPLICATION_RECEIVED)
    assert (log.attempts, log.last_status, log.delivered_at is not None) == (1, 200, True)
    shared = export_document(application, now=timezone.now())["application"]["shared_with"]
    assert [(s["system"], s["event"]) for s in shared] == [
        ("HR-systemet", "application.received"),
        ("HR-systemet", "application.stage_changed"),
    ]


def test_another_key_or_a_changed_body_does_not_verify(receiver, team):
    _, recruiter, _ = team
    receiver.subscribe(user=recruiter)
    move_application(
        application=ApplicationFactory(opening=team[0]), stage="reviewing", moved_by=recruiter
    )
    deliver_due_webhooks()
    [delivered] = receiver.received
    body = json.dumps(delivered["body"], separators=(",", ":")).encode()
    assert verified_by_library(receiver.secret, delivered["headers"], body)  # as sent
    changed = body.replace(b'"reviewing"', b'"offer"')
    another_key = "whsec_" + base64.b64encode(b"another key of 32 bytes, not its").decode()
    for secret, sent in ((receiver.secret, changed), (another_key, body)):
        assert not verified_by_library(secret, delivered["headers"], sent)
        assert not verified_by_hand(secret, delivered["headers"], sent)


@pytest.mark.parametrize(
    ("other_events", "attempts_at"),
    [
        (False, [29, 60, 180, 420]),  # the first run is late; then 1, 2, 4 minutes
        (True, [0, 60, 180, 420]),  # sent at once; then 1, 2, 4 minutes, not earlier
    ],
)
def test_a_failing_receiver_is_retried_about_1_2_4_minutes_later_then_acknowledges(
    receiver, team, other_events, attempts_at
):
    """As docs/api.md says, with the worker's runs as django-q2 makes them: the
    schedule's, one a minute, each starting up to 30 s late (its scheduler looks every
    30 s), here the worst way round (a late run, then one on time, ...); and, on a busy
    site, the runs that other events start, every 10 s."""
    opening, recruiter, _ = team
    subscription = receiver.subscribe(user=recruiter)
    receiver.statuses.extend([500, 503, 500])
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
    attempts = []
    with time_machine.travel(start, tick=False) as clock:
        a_move(opening, recruiter)
        for second in range(12 * 60):
            clock.move_to(start + timedelta(seconds=second))
            minute, into_it = divmod(second, 60)
            before = len(receiver.received)
            if into_it == (29 if minute % 2 == 0 else 0):
                tasks.deliver_webhooks()
            elif other_events and second % 10 == 0:
                tasks.deliver_new_webhooks()
            if len(receiver.received) > before:
                attempts.append(second)
        delivery = subscription.deliveries.get()

    assert attempts == attempts_at
    assert len({r["id"] for r in receiver.received}) == 1  # one event, to de-duplicate by
    assert (delivery.attempts, delivery.last_status) == (4, 200) and delivery.delivered_at
    subscription.refresh_from_db()
    assert subscription.failing_since is None and subscription.paused_at is None


def test_an_event_a_dead_worker_had_taken_is_sent_once_its_lease_ends(receiver, team):
    """At least once: the worker that leased it died before it wrote the outcome."""
    opening, recruiter, _ = team
    subscription = receiver.subscribe(user=recruiter)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        a_move(opening, recruiter)
        [leased] = webhook_delivery._lease(now=timezone.now(), due_by=timezone.now())  # and died
        deliver_due_webhooks()
        assert receiver.received == []  # leased: no second worker takes it meanwhile
        clock.shift(webhook_delivery.LEASE + timedelta(seconds=1))
        deliver_due_webhooks()
    assert [r["id"] for r in receiver.received] == [str(leased.event_id)]
    assert subscription.deliveries.get().delivered_at is not None


def failing(receiver, team, clock, *, runs: int, every: timedelta):
    """The recruiter's subscription to a receiver that answers 500, told of one move,
    after the worker's `runs` runs `every` apart."""
    opening, recruiter, _ = team
    subscription = receiver.subscribe(user=recruiter)
    receiver.statuses.extend([500] * 100)
    a_move(opening, recruiter)
    for _ in range(runs):
        deliver_due_webhooks()
        clock.shift(every)
    return subscription


def test_an_event_is_given_up_24_hours_after_it_happened(receiver, team, settings):
    settings.ATS_WEBHOOK_PAUSE_AFTER = timedelta(days=7)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        subscription = failing(receiver, team, clock, runs=40, every=timedelta(hours=1))
        sent = len(receiver.received)
        deliver_due_webhooks()
    assert len(receiver.received) == sent  # given up: not sent again
    delivery = subscription.deliveries.get()
    assert delivery.gave_up_at and delivery.delivered_at is None
    assert sent == delivery.attempts > 5  # retried, hourly at most once here
    assert timedelta(hours=12) < delivery.gave_up_at - delivery.occurred_at <= timedelta(hours=24)


def test_a_receiver_that_keeps_failing_is_paused_its_user_emailed_and_resumed_later(
    receiver, team, settings
):
    settings.ATS_WEBHOOK_PAUSE_AFTER = timedelta(hours=1)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        subscription = failing(receiver, team, clock, runs=8, every=timedelta(minutes=10))
        subscription.refresh_from_db()
        assert subscription.paused_at is not None
        sent = len(receiver.received)
        clock.shift(timedelta(hours=3))
        deliver_due_webhooks()
        assert len(receiver.received) == sent  # paused: nothing is sent

        sent_emails("team emails")
        [email] = mail.outbox
        assert email.to == ["rekryterare@example.se"]
        assert "HR-systemet" in email.subject and "HTTP 500" in email.body

        receiver.statuses.clear()
        assert resume_subscription(subscription=subscription) == 1
        deliver_due_webhooks()
    assert subscription.deliveries.get().delivered_at is not None
    subscription.refresh_from_db()
    assert subscription.paused_at is None and subscription.failing_since is None


def test_a_purge_tells_each_subscription_that_could_see_it_to_delete_its_copy(
    receiver, team, cv_files
):
    opening, recruiter, outsider = team
    mine = receiver.subscribe(user=recruiter)
    create_subscription(
        name="BI",
        url=receiver.url,
        events=["application.deleted"],
        user=outsider,
        created_by=outsider,
    )
    application = ApplicationFactory(
        opening=opening, decided=True, delete_after=timezone.now() + timedelta(minutes=1)
    )
    reject_without_email(application, by=recruiter)
    assert mine.deliveries.filter(application=application).exists()  # not yet sent
    Application.objects.filter(pk=application.pk).update(
        delete_after=timezone.now() - timedelta(minutes=1)
    )

    purge_due()

    [deleted] = WebhookDelivery.objects.all()  # its other events went with it
    assert (deleted.subscription, deleted.event) == (mine, WebhookEvent.APPLICATION_DELETED)
    certificate = deletion_certificate(public_id=application.public_id)
    assert [(t.subscription, t.acknowledged_at) for t in certificate.told] == [
        ("HR-systemet", None)
    ]
    out = _verify_ledger()
    assert f"NOT YET ACKNOWLEDGED by HR-systemet: {application.public_id}" in out

    deliver_due_webhooks()

    [told] = receiver.received
    assert told["verified"] and told["event"] == "application.deleted"
    assert told["body"]["data"] == {
        "public_id": str(application.public_id),
        "opening_id": opening.pk,
        "reason": "retention_expired",
        "deleted_at": deleted.occurred_at.isoformat(),
    }
    certificate = deletion_certificate(public_id=application.public_id)
    assert certificate.told[0].acknowledged_at is not None
    out = _verify_ledger()
    assert "Webhook HR-systemet: 1 deletions acknowledged, 0 not yet" in out
    assert "NOT YET" not in out


def test_events_that_a_retry_delivered_late_are_put_back_in_order_by_their_sequence(
    receiver, team, cv_files
):
    """The review's case: `reviewing` failed twice and arrived after `interview` and
    `offer`. Each event numbers itself among its application's, the deletion too."""
    opening, recruiter, _ = team
    receiver.subscribe(user=recruiter)
    application = ApplicationFactory(opening=opening)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        move_application(application=application, stage="reviewing", moved_by=recruiter)
        receiver.statuses.extend([500])
        deliver_due_webhooks()
        clock.shift(timedelta(seconds=5))
        move_application(application=application, stage="interview", moved_by=recruiter)
        move_application(application=application, stage="offer", moved_by=recruiter)
        deliver_due_webhooks()  # not `reviewing`: it waits for its retry
        clock.shift(timedelta(minutes=1))
        deliver_due_webhooks()
        Application.objects.filter(pk=application.pk).update(
            delete_after=timezone.now(), deletion_reason="erasure_requested"
        )
        purge_due()
        deliver_due_webhooks()

    delivered = [r["body"] for r in receiver.received[1:]]  # the first was refused
    assert [(e["data"].get("stage"), e["sequence"]) for e in delivered] == [
        ("interview", 2),
        ("offer", 3),
        ("reviewing", 1),
        (None, 4),  # application.deleted
    ]
    in_order = sorted(delivered, key=lambda event: event["sequence"])
    assert [e["data"].get("stage") for e in in_order[:3]] == ["reviewing", "interview", "offer"]


def test_a_move_says_which_stage_of_the_openings_pipeline_it_went_to(receiver, team):
    """The kind, for every integration that knows the fixed stages, and the team's own
    stage by its id (GET /openings/{id}/stages) and name, null where it is the kind's."""
    opening, recruiter, _ = team
    receiver.subscribe(user=recruiter, events=["application.stage_changed"])
    case = add_stage(owner=opening, kind="interview", name="Caseintervju")
    application = ApplicationFactory(opening=opening)

    move_application(application=application, stage="interview", moved_by=recruiter)
    move_application(application=application, pipeline_stage=case, moved_by=recruiter)
    deliver_due_webhooks()

    first = PipelineStage.objects.get(opening=opening, kind="interview", position=0)
    assert [
        (r["body"]["data"]["stage"], r["body"]["data"]["pipeline_stage"]) for r in receiver.received
    ] == [
        ("interview", {"id": first.pk, "name": None}),
        ("interview", {"id": case.pk, "name": "Caseintervju"}),
    ]


def test_the_decision_announces_every_move_it_makes_in_a_fixed_number_of_statements(receiver, team):
    _, recruiter, _ = team
    receiver.subscribe(user=recruiter)

    def decide(applicants: int) -> tuple[int, object]:
        decided = OpeningFactory(status="published")
        HiringTeamMemberFactory(opening=decided, user=recruiter)
        first = ApplicationFactory(opening=decided)
        columns = {
            f.attname: getattr(first, f.attname)
            for f in Application._meta.concrete_fields
            if f.name not in ("id", "public_id", "form_token")
        }
        more = Application.objects.bulk_create(
            Application(**columns) for _ in range(applicants - 1)
        )
        chosen, already_out, *others = [first, *more]
        Application.objects.filter(pk=already_out.pk).update(stage="rejected")
        WebhookDelivery.objects.all().delete()
        with CaptureQueriesContext(connection) as statements:
            record_hiring_decision(opening=decided, hired=[chosen.public_id], decided_by=recruiter)
        told = {
            (d.public_id, d.event, d.data.get("stage"))
            for d in WebhookDelivery.objects.filter(opening_id=decided.pk)
        }
        assert told == {
            (chosen.public_id, "application.stage_changed", "hired"),
            (chosen.public_id, "application.hired", None),
            *((a.public_id, "application.stage_changed", "rejected") for a in others),
            (None, "opening.decided", None),
        }  # not the one already rejected
        return len(statements)

    assert decide(4) == decide(1100)  # more than one INSERT of a thousand rows would take


def _verify_ledger() -> str:
    out = StringIO()
    call_command("ats_verify_ledger", stdout=out)
    return out.getvalue()


def test_the_record_of_processing_names_each_connected_system(receiver, team):
    _, recruiter, _ = team
    receiver.subscribe(user=recruiter, events=["application.deleted"])
    recipients = {r["role"]: r["sees"] for r in processing_record()["recipients"]}
    assert recipients["webhook HR-systemet (127.0.0.1)"] == (
        "ids of what its user sees, and of each deletion: application.deleted"
    )


# The review's probes, and the other spellings and ranges of the same places.
INTERNAL_URLS = [
    "https://127.0.0.1:8199/",
    "https://localhost/",
    "https://10.0.0.1/",
    "https://192.168.1.1/",
    "https://172.16.0.1/",
    "https://100.64.0.1/",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/",
    "https://[fd00::1]/",
    "https://[fe80::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:a9fe:a9fe]/",
    "https://[64:ff9b::a9fe:a9fe]/",
    "https://[2002:a00:1::]/",
    "https://[::7f00:1]/",
    "https://[::a9fe:a9fe]/",
    "https://[::ffff:0:7f00:1]/",  # IPv4-translated (SIIT): 127.0.0.1
    "https://[64:ff9b:1::a00:1]/",
    "https://[fec0::1]/",
    "https://0x7f000001/",
    "https://2130706433/",
    "https://0177.0.0.1/",
    "https://127.1/",
    "https://0.0.0.0/",
    "https://224.0.0.1/",
    "https://240.0.0.1/",
    "https://255.255.255.255/",
    "https://metadata.google.internal/",
    "https://metadata.google.internal./computeMetadata/v1/",
]


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_a_webhook_is_never_subscribed_into_the_workers_own_network(url):
    user = grant(UserFactory())
    with pytest.raises(SubscriptionError, match="only to addresses on the internet"):
        create_subscription(
            name="x", url=url, events=["opening.decided"], user=user, created_by=user
        )
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("https://user:pw@127.0.0.1/", "user name or password"),
        ("https://user@hooks.example.se/", "user name or password"),
        ("https://hooks.example.se:99999/", "not a URL"),
        ("https:///hooks", "not a URL"),
        ("https://[", "not a URL"),  # urlsplit raises on these two
        ("https://\uff03a/", "not a URL"),
        ("file:///etc/passwd", "https://"),
        ("http://hooks.example.se/", "https://"),
    ],
)
def test_a_webhook_url_with_credentials_or_no_host_is_refused(url, refusal):
    user = grant(UserFactory())
    with pytest.raises(SubscriptionError, match=refusal):
        create_subscription(
            name="x", url=url, events=["opening.decided"], user=user, created_by=user
        )


def test_a_receiver_on_this_machine_is_refused_unless_the_operator_allows_its_network(
    settings, team
):
    settings.ATS_WEBHOOK_ALLOW_HTTP = True
    _, recruiter, _ = team
    receiver = Receiver()
    try:
        with pytest.raises(SubscriptionError, match="only to addresses on the internet"):
            receiver.subscribe(user=recruiter)
        settings.ATS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
        receiver.subscribe(user=recruiter)
        a_move(*team[:2])
        deliver_due_webhooks()
        assert [r["verified"] for r in receiver.received] == [True]

        # The operator takes the network back: the next delivery checks the name again.
        settings.ATS_WEBHOOK_ALLOWED_NETWORKS = []
        a_move(*team[:2])
        deliver_due_webhooks()
    finally:
        receiver.stop()
    assert len(receiver.received) == 1
    latest = WebhookDelivery.objects.latest("occurred_at")
    assert (latest.delivered_at, latest.last_status, latest.last_error) == (
        None,
        None,
        "unreachable",
    )


def test_the_delivery_log_says_delivered_refused_by_receiver_or_unreachable_and_no_more(
    receiver, team, certificate_authority, monkeypatch
):
    opening, recruiter, _ = team
    answering = receiver.subscribe(user=recruiter, name="answers")
    receiver.statuses.extend([500])
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # a port nothing listens on
    closed_port = closed.getsockname()[1]
    untrusted = Receiver(name="localhost", certificate=trustme.CA().issue_cert("localhost"))
    try:
        for name, url in [
            ("closed port", f"https://127.0.0.1:{closed_port}/"),
            ("self-signed", untrusted.url),
        ]:
            create_subscription(
                name=name,
                url=url,
                events=list(WebhookEvent.values),
                user=recruiter,
                created_by=recruiter,
            )
        a_move(opening, recruiter)
        deliver_due_webhooks()
    finally:
        untrusted.stop()
        closed.close()
    log = {
        d.subscription.name: (d.last_status, d.last_error)
        for d in WebhookDelivery.objects.select_related("subscription")
    }
    assert log == {
        "answers": (500, "refused by receiver (HTTP 500)"),
        "closed port": (None, "unreachable"),
        "self-signed": (None, "unreachable"),
    }
    assert answering.deliveries.get().attempts == 1


def test_a_delivery_connects_to_the_address_that_was_checked_with_the_name_in_tls_and_host(
    certificate_authority,
):
    """No second lookup between the check and the connection: the name below is
    resolved by nobody, yet TLS verifies it, for the address checked is the one used."""
    receiver = Receiver(
        name="hooks.example.se", certificate=certificate_authority.issue_cert("hooks.example.se")
    )
    port = receiver.server.server_port
    target = webhook_targets.Target(
        scheme="https", host="hooks.example.se", port=port, path="/hooks", address="127.0.0.1"
    )
    body = b'{"type":"opening.decided"}'
    receiver.secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    headers = webhook_delivery.signed_headers(
        secret=receiver.secret, event_id="1", timestamp=int(time.time()), body=body
    )
    try:
        status = webhook_targets.post(target, body=body, headers=headers, timeout=5)
    finally:
        receiver.stop()
    assert status == 200
    assert receiver.received[0]["host"] == f"hooks.example.se:{port}"


def test_a_delivery_over_https_to_a_name_verifies_its_certificate(
    settings, on_this_machine, certificate_authority, team
):
    opening, recruiter, _ = team
    receiver = Receiver(name="localhost", certificate=certificate_authority.issue_cert("localhost"))
    try:
        receiver.subscribe(user=recruiter)
        a_move(opening, recruiter)
        deliver_due_webhooks()
    finally:
        receiver.stop()
    assert [r["verified"] for r in receiver.received] == [True]
    assert WebhookDelivery.objects.get().delivered_at is not None


@pytest.mark.parametrize(
    ("url", "events", "refusal"),
    [
        ("http://hr.example.se/", ["opening.decided"], "https://"),
        ("https://hr.example.se/", ["hired"], "Unknown events"),
        ("https://hr.example.se/", [], "at least one"),
    ],
    ids=["http", "an-unknown-event", "no-event"],
)
def test_a_subscription_needs_https_known_events_and_one_at_least(url, events, refusal):
    user = grant(UserFactory())
    with pytest.raises(SubscriptionError, match=refusal):
        create_subscription(name="x", url=url, events=events, user=user, created_by=user)
    assert not WebhookSubscription.objects.exists()


def test_an_allowed_network_that_is_not_one_fails_the_system_check(settings):
    settings.ATS_WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16", "intranet"]
    [error] = check_webhook_networks()
    assert (error.id, "'intranet'" in error.msg) == ("ats.E005", True)
