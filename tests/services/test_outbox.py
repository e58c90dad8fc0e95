"""One drain for every email, against a real SMTP server (aiosmtpd): one refused address
blocks nothing, a server that is down loses nothing, a killed worker sends again at most
the message in flight, and no title or name can stop the mail."""

import os
import signal
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from ats.forms.openings import OpeningForm
from ats.models import (
    Application,
    CandidateEmail,
    EmailTemplate,
    Interview,
    LinkRequest,
    StaffEmail,
)
from ats.selectors.applications import timeline
from ats.services import candidate_emails
from ats.services.decisions import record_hiring_decision
from ats.services.interviews import tell_interviewers
from ats.services.leases import LEASE
from ats.services.outbox import drain_outbox
from ats.services.staff_emails import queue_staff_email
from tests import faults
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, emailed_link
from tests.faults import RecordingSmtpHandler, needs_postgresql, send_mail_to
from tests.helpers import ROOT, database_url
from tests.mail import as_read, received_by

pytestmark = pytest.mark.django_db


def parsed(smtp_server, to: str, *, first: int = 0):
    """The `first`th email `to` got, as a mail client reads it."""
    contents = [content for recipients, content in smtp_server.received if recipients == [to]]
    return as_read(contents[first])


def waiting_receipts(count: int, *, first: str = "") -> list[Application]:
    emails = ([first] if first else []) + [f"kandidat{n}@example.se" for n in range(count)]
    return [ApplicationFactory(email=email, receipt_sent_at=None) for email in emails]


def test_one_refused_address_blocks_no_email_behind_it(smtp_server):
    refused = waiting_receipts(5, first="fel@example.se")[0]
    decided = OpeningFactory()
    told_nothing = ApplicationFactory(opening=decided, email="borta@example.se")
    ApplicationFactory.create_batch(5, opening=decided)
    record_hiring_decision(opening=decided, hired=[], decided_by=UserFactory())
    queue_staff_email(to="slutat@example.se", template="mentioned", context={"link": ""})
    queue_staff_email(to="chef@example.se", template="mentioned", context={"link": ""})
    smtp_server.refuse = {"fel@example.se", "borta@example.se", "slutat@example.se"}

    drained = drain_outbox()

    assert drained.sent == {"receipts": 5, "candidate emails": 5, "team emails": 1}
    assert drained.undeliverable == 3 and not drained.server_unavailable
    assert not {"fel@example.se", "borta@example.se"} & set(received_by(smtp_server))
    position_filled = CandidateEmail.objects.get(application=told_nothing)
    assert position_filled.undeliverable_at and position_filled.sent_at is None
    assert StaffEmail.objects.get().failure == "refused by the mail server (550)"
    record = CandidateEmail.objects.get(application=refused)
    assert (record.template, record.failure) == ("received", "refused by the mail server (550)")
    assert record.undeliverable_at is not None and record.sent_at is None
    told = [entry.what for entry in timeline(application=refused, deciding=True)]
    assert (
        "Email could not be delivered: Application received (refused by the mail server (550))"
        in told
    )
    assert smtp_server.connections == 1  # one connection for the whole run

    smtp_server.refuse = set()
    assert drain_outbox().sent == {}  # a 5xx is final: not tried again


def test_a_recipient_refused_for_now_waits_for_the_next_run_and_the_rest_go(smtp_server):
    waiting_receipts(3, first="full@example.se")
    smtp_server.refuse, smtp_server.refuse_with = {"full@example.se"}, "452 4.2.2 Mailbox full"

    drained = drain_outbox()

    assert drained.sent == {"receipts": 3} and drained.undeliverable == 0
    assert Application.objects.filter(receipt_sent_at__isnull=True).count() == 1

    smtp_server.refuse = set()
    assert drain_outbox().sent == {"receipts": 1}
    assert received_by(smtp_server)["full@example.se"] == 1


def test_a_team_email_refused_for_good_keeps_neither_its_text_nor_its_calendar(smtp_server):
    interview = Interview.objects.create(
        application=ApplicationFactory(),
        place="Kontoret, Storgatan 1",
        status=Interview.Status.BOOKED,
        starts_at=timezone.now() + timedelta(days=3),
    )
    interview.interviewers.set(
        [UserFactory(email="slutat@example.se"), UserFactory(email="chef@example.se")]
    )
    tell_interviewers(interview_id=interview.pk)
    smtp_server.refuse = {"slutat@example.se"}

    drained = drain_outbox()

    assert drained.sent == {"team emails": 1} and drained.undeliverable == 1
    [refused] = StaffEmail.objects.all()
    assert refused.email == "slutat@example.se" and refused.subject
    assert refused.failure == "refused by the mail server (550)"
    assert (refused.body, refused.calendar) == ("", "")


@pytest.mark.parametrize("waiting", [3, 15])  # fewer than a streak, and a streak and a probe
def test_a_server_that_refuses_every_address_marks_none_undeliverable(smtp_server, waiting):
    waiting_receipts(waiting)
    smtp_server.refuse, smtp_server.refuse_with = {"*"}, "554 5.7.1 Relay access denied"

    drained = drain_outbox()

    assert drained.sent == {} and drained.undeliverable == 0  # it proved it takes nothing
    assert drained.server_unavailable == (waiting > 10)  # the run ended at the probe
    assert not CandidateEmail.objects.exists()
    smtp_server.refuse = set()
    assert drain_outbox().sent == {"receipts": waiting}


def test_more_refused_addresses_in_a_row_than_a_server_down_shows_hold_nothing_behind(
    smtp_server,
):
    """Ten misses in a row look like a server that takes nothing: a later email is tried
    before the run ends, and its going confirms the refusals (they held the outbox for
    good before)."""
    bad = [f"fel{n}@example.se" for n in range(12)]
    refused = [ApplicationFactory(email=email, receipt_sent_at=None) for email in bad]
    good = waiting_receipts(2)
    smtp_server.refuse = set(bad)

    drained = drain_outbox()

    assert drained.sent == {"receipts": 2} and drained.undeliverable == 12
    assert all(received_by(smtp_server)[a.email] == 1 for a in good)
    marked = CandidateEmail.objects.filter(application__in=refused, failure__contains="550")
    assert marked.count() == 12
    assert drain_outbox().sent == {}  # nothing left to try


def test_a_server_that_closes_after_so_many_emails_gets_them_all_in_one_run(smtp_server):
    waiting_receipts(5)
    smtp_server.per_connection = 2  # then "421 ... closing"

    assert drain_outbox().sent == {"receipts": 5}
    assert smtp_server.connections == 3 and sum(received_by(smtp_server).values()) == 5


def test_a_stopped_mail_server_loses_nothing_and_a_restarted_one_gets_everything(settings):
    handler = RecordingSmtpHandler()
    with faults.smtp_server(handler) as port:
        send_mail_to(settings, port)
        waiting_receipts(3)
        LinkRequest.objects.create(email="kandidat0@example.se")
        queue_staff_email(to="chef@example.se", template="mentioned", context={"link": "x"})

    stopped = drain_outbox()

    assert stopped.server_unavailable and stopped.sent == {} and stopped.undeliverable == 0
    assert LinkRequest.objects.exists() and StaffEmail.objects.exists()
    with faults.smtp_server(handler) as port:  # back, where its port was free again
        send_mail_to(settings, port)
        again = drain_outbox()
    assert again.sent == {"link requests": 1, "receipts": 3, "team emails": 1}
    assert sum(received_by(handler).values()) == 5


def test_a_link_request_the_mail_server_cannot_take_leaves_the_old_links_working(
    smtp_server, client
):
    application = ApplicationFactory(email="astrid@example.se")
    old_link = emailed_link(application)
    client.post("/my-data/", {"email": "astrid@example.se"})

    smtp_server.refuse, smtp_server.refuse_with = {"astrid@example.se"}, "451 4.3.0 Try later"
    assert drain_outbox().sent == {}
    assert Application.objects.get().link_key == application.link_key  # not revoked
    assert client.get(old_link).url == f"/my-application/{application.public_id}/"
    assert LinkRequest.objects.count() == 1  # still to answer

    smtp_server.refuse = set()
    assert drain_outbox().sent == {"link requests": 1}
    assert client.get(old_link).url == "/my-data/new-link/"  # revoked once the new one went


@pytest.mark.parametrize(
    "title", ["Lager\nchef", "Lager\rchef", "Lager\u2028chef", "Lager\x85chef"]
)
def test_no_title_or_name_stops_the_mail(smtp_server, title):
    opening = OpeningFactory(title=title, contact_email="chef@example.se")
    applicant = ApplicationFactory(opening=opening, name="Astrid\nLindqvist", receipt_sent_at=None)
    forgotten = SimpleNamespace(opening=opening, forgotten_days=40, applications=2)
    queue_staff_email(
        to="chef@example.se", template="decision_reminder", context={"row": forgotten, "link": ""}
    )
    record_hiring_decision(opening=opening, hired=[], decided_by=UserFactory())

    drained = drain_outbox()

    assert drained.sent == {"receipts": 1, "candidate emails": 1, "team emails": 1}
    assert drained.undeliverable == 0
    receipt = parsed(smtp_server, applicant.email)
    assert "\n" not in str(receipt["Subject"]) and "Lager chef" in str(receipt["Subject"])
    assert CandidateEmail.objects.filter(application=applicant, sent_at__isnull=False).count() == 2


def test_the_ad_form_refuses_a_title_on_two_lines():
    form = OpeningForm(data={"title": "Lager\nchef", "contact_name": "Bo\tEk"})

    assert not form.is_valid()
    assert "one line" in str(form.errors["title"]) and "one line" in str(
        form.errors["contact_name"]
    )


def test_every_email_comes_from_the_employer_marked_as_automatic_with_replies_to_the_contact(
    smtp_server, settings
):
    settings.DEFAULT_FROM_EMAIL, settings.ATS_EMPLOYER_NAME = "jobb@exempel.se", "Exempel AB"
    opening = OpeningFactory(title="R&D <tier 2>", contact_email="chef@exempel.se")
    applicant = ApplicationFactory(opening=opening, name="Astrid Lindqvist", receipt_sent_at=None)

    drain_outbox()

    receipt = parsed(smtp_server, applicant.email)
    assert receipt["From"] == "Exempel AB <jobb@exempel.se>"
    assert receipt["Auto-Submitted"] == "auto-generated"
    assert receipt["Reply-To"] == "chef@exempel.se"
    assert "R&D <tier 2>" in receipt["Subject"]  # never HTML-escaped
    assert receipt.get_content().startswith("Hej Astrid,")


@pytest.mark.parametrize(
    # Control characters both databases store (PostgreSQL refuses a NUL in text).
    "stored",
    ["chef@exempel.se\r\nBcc: alla@exempel.se", "chef\x1b@exempel.se"],
)
def test_a_contact_address_with_control_characters_is_never_a_reply_to(smtp_server, stored):
    # The forms and the API refuse such an address; a row written past them (a data
    # import, say) must still not put a header of its own into a candidate's email.
    opening = OpeningFactory(contact_email="chef@exempel.se")
    type(opening).objects.filter(pk=opening.pk).update(contact_email=stored)
    applicant = ApplicationFactory(opening=opening, name="Astrid Lindqvist", receipt_sent_at=None)

    drain_outbox()

    receipt = parsed(smtp_server, applicant.email)
    assert receipt["Reply-To"] is None and receipt["Bcc"] is None
    assert receipt.get_content().startswith("Hej Astrid,")


# Runs the worker's drain against the test's SMTP server, and kills its own process
# right after the server has taken the third message, before it is marked sent.
KILLED_DRAIN = """
import os, signal
import django
django.setup()
from ats.services import outbox
real, sent = outbox.Post.send, []

def then_die(post, built):
    real(post, built)
    sent.append(built)
    if len(sent) == 3:
        os.kill(os.getpid(), signal.SIGKILL)

outbox.Post.send = then_die
outbox.drain_outbox()
"""


@pytest.mark.slow  # a worker process, killed for real
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_sends_again_at_most_the_message_in_flight(
    smtp_server, settings, tmp_path, shipped_email_templates
):
    waiting_receipts(10)
    script = tmp_path / "killed_drain.py"
    script.write_text(KILLED_DRAIN)

    killed = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{settings.EMAIL_PORT}",
        },
        capture_output=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    assert sum(received_by(smtp_server).values()) == 3
    assert drain_outbox().another_worker  # its lease holds until it runs out

    with time_machine.travel(timezone.now() + LEASE):
        drain_outbox()

    assert set(received_by(smtp_server)) == {f"kandidat{n}@example.se" for n in range(10)}
    assert sum(received_by(smtp_server).values()) == 11  # the third, in flight, went twice
    assert not Application.objects.filter(receipt_sent_at__isnull=True).exists()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_email_once(smtp_server, shipped_email_templates):
    waiting_receipts(40)

    def worker() -> Counter:
        try:
            return drain_outbox().sent
        finally:
            connection.close()  # this thread's own

    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: worker(), range(2))

    assert first["receipts"] + second["receipts"] == 40  # the one that got the lease
    assert len(received_by(smtp_server)) == 40 and set(received_by(smtp_server).values()) == {1}


def test_an_email_that_cannot_be_built_is_undeliverable_and_the_rest_go(smtp_server, monkeypatch):
    real = candidate_emails.render_template_email
    broken = waiting_receipts(2)[0]

    def render_template_email(template, application, **interview):
        if application.pk == broken.pk:
            raise ValueError("a template the employer broke")
        return real(template, application, **interview)

    monkeypatch.setattr(candidate_emails, "render_template_email", render_template_email)
    drained = drain_outbox()

    assert drained.sent == {"receipts": 1} and drained.undeliverable == 1
    record = CandidateEmail.objects.get(application=broken)
    assert record.failure == "could not be built: ValueError"


def test_what_was_sent_is_kept_for_the_timeline_and_the_export(smtp_server):
    applicant = ApplicationFactory(receipt_sent_at=None, language="en")

    drain_outbox()

    kept = CandidateEmail.objects.get(application=applicant)
    assert kept.template == EmailTemplate.Key.RECEIVED
    assert kept.sent_at <= timezone.now() and kept.body.startswith("Hello ")
    assert kept.subject.startswith("We received your application")
    assert not mail.outbox  # the real server got it, not the test outbox


def text_sent(smtp_server) -> str:
    [(_, sent)] = smtp_server.received
    return as_read(sent).get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    ("language", "left_out"),
    [("sv", "[personlig länk]"), ("en", "[personal link]"), ("fi", "[personal link]")],
)
def test_what_is_kept_of_a_sent_email_holds_no_link_that_acts_as_the_candidate(
    smtp_server, settings, language, left_out
):
    settings.LANGUAGE_CODE = "sv"  # the site's; an email not in Swedish is in English
    decided = OpeningFactory()
    applicant = ApplicationFactory(opening=decided, language=language)
    record_hiring_decision(opening=decided, hired=[], decided_by=UserFactory())

    drain_outbox()

    sent, kept = text_sent(smtp_server), CandidateEmail.objects.get(application=applicant)
    assert "/my-application/" in sent  # the candidate's, in her email only
    assert "/my-application/" not in kept.body and left_out in kept.body
    assert kept.body.splitlines()[:2] == sent.splitlines()[:2]  # the rest as it went


@pytest.mark.parametrize("gap", ["{opening.name}", "{first_name[0]}x{first_name[x]}", "{}"])
def test_a_template_broken_in_the_database_stops_only_its_own_emails(smtp_server, gap):
    """Issue 29.2: what the admin refuses (models.EmailTemplate's validators) may still be
    stored by other means; an AttributeError or TypeError of its format stopped every
    outbox for good."""
    EmailTemplate.objects.filter(key=EmailTemplate.Key.POSITION_FILLED).update(
        body_sv=f"Hej {gap}", body_en=f"Hello {gap}"
    )
    decided = OpeningFactory()
    ApplicationFactory.create_batch(2, opening=decided, receipt_sent_at=timezone.now())
    record_hiring_decision(opening=decided, hired=[], decided_by=UserFactory())
    waiting_receipts(2)

    drained = drain_outbox()

    assert drained.sent["receipts"] == 2 and drained.undeliverable == 2
    failures = set(CandidateEmail.objects.exclude(failure="").values_list("failure", flat=True))
    assert len(failures) == 1 and failures.pop().startswith("could not be built")
