"""Staff login (ASVS 6.2.1, 6.3.1, 6.3.3, 7.3.1): Django's password rules, throttling
per account and per address on both logins and on password reset, a second factor
required of staff, with recovery codes, and sessions that end."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from bs4 import BeautifulSoup
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ, Task

from ats import checks
from ats.models import StaffEmail
from ats.services.outbox import drain_outbox
from tests.factories import (
    ApplicationFactory,
    OpeningFactory,
    UserFactory,
    sent_emails,
    totp_code,
)
from tests.faults import send_mail_to

pytestmark = pytest.mark.django_db
PASSWORD = "ett långt och bra lösenord"


@pytest.fixture
def recruiter():
    user = UserFactory(username="rekryterare", email="rekryterare@example.se")
    user.set_password(PASSWORD)
    user.save()
    OpeningFactory().hiring_team.add(user)
    return user


def log_in(client, username: str, password: str, **extra):
    return client.post("/accounts/login/", {"login": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_passwords_follow_djangos_rules():
    for weak in ("1", "password123", "12345678901234"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password(PASSWORD)


def test_five_wrong_passwords_lock_the_account_at_that_address_even_to_the_right_one(
    client, recruiter
):
    for _ in range(5):
        log_in(client, "rekryterare", "fel lösenord")

    refused = log_in(client, "rekryterare", PASSWORD)

    assert not logged_in(client)
    assert "Too many failed login attempts" in refused.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):  # the lock ends
        assert log_in(Client(), "rekryterare", PASSWORD).url == "/accounts/2fa/authenticate/"


def test_a_strangers_wrong_passwords_leave_the_account_open_to_its_owner(recruiter):
    stranger, owner = Client(REMOTE_ADDR="203.0.113.66"), Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(6):
        log_in(stranger, "rekryterare", "fel lösenord")

    second = log_in(owner, "rekryterare", PASSWORD)
    owner.post(second.url, {"code": totp_code()})

    assert logged_in(owner)
    refused = log_in(stranger, "rekryterare", PASSWORD)
    assert "Too many failed login attempts" in refused.content.decode()


def test_allauth_counts_the_address_ats_counts_behind_a_proxy(client, recruiter, behind_the_proxy):
    for visitor in range(10):
        log_in(client, f"gissning{visitor}", "fel", **behind_the_proxy(f"198.51.100.{visitor}"))

    owner = log_in(client, "rekryterare", PASSWORD, **behind_the_proxy("192.0.2.10"))
    assert owner.status_code == 302 and owner.url == "/accounts/2fa/authenticate/"


def test_a_visitor_who_writes_the_header_is_counted_by_the_proxys_entry(
    client, recruiter, behind_the_proxy
):
    for forged in range(10):
        address = behind_the_proxy(f"192.0.2.{100 + forged}, 198.51.100.99")
        log_in(client, f"gissning{forged}", "fel", **address)

    refused = log_in(
        client, "rekryterare", PASSWORD, **behind_the_proxy("192.0.2.1, 198.51.100.99")
    )
    assert "Too many failed login attempts" in refused.content.decode()


def test_the_admin_login_is_the_throttled_login_with_its_second_factor(client, recruiter):
    page = client.get("/admin/login/?next=/admin/")
    posted = client.post("/admin/login/", {"username": "rekryterare", "password": PASSWORD})

    assert page.status_code == posted.status_code == 302
    assert page.url.startswith("/accounts/login/")
    assert not logged_in(client)  # the admin's own form logs nobody in


def test_the_second_factor_is_asked_at_every_login(client, recruiter):
    second = log_in(client, "rekryterare", PASSWORD)
    assert second.url == "/accounts/2fa/authenticate/"
    assert not logged_in(client)

    client.post(second.url, {"code": "000000" if totp_code() != "000000" else "111111"})
    assert not logged_in(client)
    client.post(second.url, {"code": totp_code()})
    assert logged_in(client)


def test_a_recovery_code_stands_in_for_a_lost_phone_once(client, recruiter):
    code = RecoveryCodes.activate(recruiter).get_unused_codes()[0]

    client.post(log_in(client, "rekryterare", PASSWORD).url, {"code": code})
    assert logged_in(client)

    again = Client()
    again.post(log_in(again, "rekryterare", PASSWORD).url, {"code": code})
    assert not logged_in(again)


def test_staff_without_an_authenticator_set_one_up_before_any_page(client):
    newcomer = UserFactory(username="ny", authenticator=False)
    newcomer.set_password(PASSWORD)
    newcomer.save()
    OpeningFactory().hiring_team.add(newcomer)
    assert log_in(client, "ny", PASSWORD).status_code == 302
    assert logged_in(client)  # a password alone, this once

    for page in ("/recruit/", "/admin/"):
        response = client.get(page)
        assert response.status_code == 302 and response.url == "/accounts/2fa/totp/activate/"
    setup = client.get("/accounts/2fa/totp/activate/")
    assert setup.status_code == 200  # no second password prompt right after the login
    assert 'src="data:image/svg+xml' in setup.content.decode()  # the QR code


def set_up_authenticator(client, setup_page) -> str:
    """The code of the secret the set-up page shows, typed in: the next page's URL."""
    secret = setup_page.context["form"].secret
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    return client.post("/accounts/2fa/totp/activate/", {"code": code}).url


def test_a_link_followed_at_the_first_login_leads_there_after_the_set_up(client):
    """UX review problems 11 and 18: an @mention's link, followed by a colleague who has
    never logged in, passed through the login and the authenticator's set-up and ended
    on the recovery codes, the link's page lost; and the password was asked twice."""
    newcomer = UserFactory(username="ny", authenticator=False)
    newcomer.set_password(PASSWORD)
    newcomer.save()
    application = ApplicationFactory()
    application.opening.hiring_team.add(newcomer)
    link = f"/recruit/applications/{application.public_id}/"

    login_page = client.get(link).url
    assert login_page == f"/accounts/login/?next={quote(link)}"
    arrived = client.post(login_page, {"login": "ny", "password": PASSWORD, "next": link})
    assert arrived.url == link
    setup = client.get(client.get(link).url)
    assert setup.request["PATH_INFO"] == "/accounts/2fa/totp/activate/"
    assert setup.status_code == 200  # not "confirm access: enter your password"

    codes = client.get(set_up_authenticator(client, setup))
    assert codes.request["PATH_INFO"] == "/accounts/2fa/recovery-codes/"
    page = BeautifulSoup(codes.content, "html.parser")
    onwards = page.find("a", string="Continue")
    assert onwards["href"] == link
    assert client.get(onwards["href"]).status_code == 200
    # Arrived, the way on is forgotten: the codes page, opened later, leads home.
    later = BeautifulSoup(client.get("/accounts/2fa/recovery-codes/").content, "html.parser")
    assert later.find("a", string="Continue")["href"] == "/recruit/"


def test_a_link_followed_by_staff_with_an_authenticator_leads_there_after_the_code(
    client, recruiter
):
    application = ApplicationFactory(opening=recruiter.ats_openings.first())
    link = f"/recruit/applications/{application.public_id}/"

    second = client.post(client.get(link).url, {"login": "rekryterare", "password": PASSWORD})
    arrived = client.post(second.url, {"code": totp_code()})

    assert arrived.url == link
    assert client.get(link).status_code == 200


def test_a_link_elsewhere_is_never_the_way_on(client):
    newcomer = UserFactory(username="ny", authenticator=False)
    newcomer.set_password(PASSWORD)
    newcomer.save()
    log_in(client, "ny", PASSWORD)

    client.get("//elsewhere.example/recruit/")
    codes = client.get(set_up_authenticator(client, client.get("/accounts/2fa/totp/activate/")))
    page = BeautifulSoup(codes.content, "html.parser")
    assert page.find("a", string="Continue")["href"] == "/recruit/"


def test_changing_the_authenticator_later_asks_for_the_password_again(client, recruiter):
    start = timezone.now()
    with time_machine.travel(start):
        client.post(log_in(client, "rekryterare", PASSWORD).url, {"code": totp_code()})
        assert client.get("/recruit/").status_code == 200
        assert client.get("/accounts/2fa/totp/deactivate/").status_code == 200

    with time_machine.travel(start + timedelta(minutes=6)):
        again = client.get("/accounts/2fa/totp/deactivate/")
        assert again.status_code == 302 and again.url.startswith("/accounts/reauthenticate/")


def test_the_sites_own_files_never_send_staff_to_set_up_an_authenticator(client):
    """A browser fetches /favicon.ico beside the set-up page; sent there again, it made
    allauth show a new secret behind the page's back, and every code was refused."""
    newcomer = UserFactory(username="ny", authenticator=False)
    newcomer.set_password(PASSWORD)
    newcomer.save()
    log_in(client, "ny", PASSWORD)

    for path in ("/favicon.ico", "/robots.txt", "/sitemap.xml"):
        assert client.get(path).status_code == 200, path
    assert client.get("/recruit/").url == "/accounts/2fa/totp/activate/"


def test_an_idle_staff_session_ends_after_an_hour(client, recruiter):
    client.force_login(recruiter)
    assert client.get("/recruit/").status_code == 200

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert client.get("/recruit/").url.startswith("/accounts/login/")


def test_a_busy_staff_session_ends_eight_hours_after_its_login(client, recruiter):
    start = timezone.now()
    client.force_login(recruiter)
    for minutes in range(0, 8 * 60, 45):  # a request every 45 minutes: never idle
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/recruit/").status_code == 200

    with time_machine.travel(start + timedelta(hours=8, minutes=5)):
        assert client.get("/recruit/").url.startswith("/accounts/login/")


def test_password_reset_mails_one_address_three_times_an_hour_at_most(client, recruiter):
    answers = [
        client.post("/accounts/password/reset/", {"email": "rekryterare@example.se"}).status_code
        for _ in range(5)
    ]

    assert answers == [302, 302, 302, 429, 429]
    assert sent_emails("team emails") == 3
    refused = client.post("/accounts/password/reset/", {"email": "rekryterare@example.se"})
    assert "Too many requests" in refused.content.decode()


def test_password_resets_are_limited_per_visitor_not_for_the_whole_site(client, behind_the_proxy):
    answers = [
        client.post(
            "/accounts/password/reset/",
            {"email": f"person{visitor}@example.se"},
            **behind_the_proxy(f"198.51.100.{visitor}"),
        ).status_code
        for visitor in range(7)
    ]

    assert answers == [302] * 7


def test_password_reset_answers_the_same_whoever_asks_and_with_the_mail_server_down(
    client, recruiter, settings, monkeypatch, dead_port
):
    monkeypatch.setattr(Conf, "SYNC", False)  # as in production: the worker sends
    send_mail_to(settings, dead_port)

    known = client.post("/accounts/password/reset/", {"email": "rekryterare@example.se"})
    unknown = client.post("/accounts/password/reset/", {"email": "ingen@example.se"})

    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert known.url == "/accounts/password/reset/done/"
    assert StaffEmail.objects.count() == 2  # one email each, for the worker: the same work
    assert sent_emails() == 0 and mail.outbox == []  # they wait for the mail server


def reset_link_in(body: str) -> str:
    return re.search(r"/accounts/password/reset/key/\S+", body).group(0)


def test_a_reset_link_is_deleted_once_it_went_never_kept_by_the_queue(client, recruiter):
    client.post("/accounts/password/reset/", {"email": "rekryterare@example.se"})
    [waiting] = StaffEmail.objects.all()
    link = reset_link_in(waiting.body)

    assert sent_emails("team emails") == 1
    [sent] = mail.outbox
    assert sent.to == ["rekryterare@example.se"] and reset_link_in(sent.body) == link
    assert sent.body.startswith("Hello from testserver!")  # as allauth writes it
    assert "your username is rekryterare" in sent.body
    assert not StaffEmail.objects.exists()
    assert not OrmQ.objects.exists() and not Task.objects.exists()  # no task holds it


def test_a_reset_link_the_mail_server_refuses_is_not_kept_in_the_database(
    client, recruiter, smtp_server
):
    UserFactory(email="chef@example.se")
    client.post("/accounts/password/reset/", {"email": "rekryterare@example.se"})
    client.post("/accounts/password/reset/", {"email": "chef@example.se"})  # taken after it
    smtp_server.refuse = {"rekryterare@example.se"}

    drained = drain_outbox()

    assert drained.sent == {"team emails": 1} and drained.undeliverable == 1
    [refused] = StaffEmail.objects.all()
    assert refused.failure == "refused by the mail server (550)" and refused.subject
    assert refused.body == ""  # the link went with its last chance


def test_a_project_without_these_gets_deployment_warnings(settings):
    assert checks.check_staff_login() == []

    settings.AUTH_PASSWORD_VALIDATORS = []
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if not a.startswith("allauth")]
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600  # Django's default: two weeks

    warnings = [w.msg for w in checks.check_staff_login()]
    assert len(warnings) == 4
    assert any("336 hours" in w for w in warnings)
