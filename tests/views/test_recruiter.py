"""The recruiter's pages: who sees what, what is logged, what a page costs in queries."""

import re
import urllib.request
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ats import retention, tasks
from ats.models import AccessEvent, Application, Interview, Opening
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, grant, totp_code
from tests.helpers import on_team, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """An opening with a team, one of its applications, and a spontaneous one."""
    opening = OpeningFactory(title="Lagerchef")
    application = ApplicationFactory(opening=opening, name="Astrid Lindqvist")
    spontaneous = ApplicationFactory(
        consented=True, delete_after=timezone.now() + timedelta(days=99)
    )
    member = grant(UserFactory(username="member"), "download_cv")
    member_without_download = UserFactory(username="member-no-download")
    opening.hiring_team.add(member, member_without_download)
    return {
        "opening": opening,
        "application": application,
        "spontaneous": spontaneous,
        "member": member,
        "member_without_download": member_without_download,
        "staff_without_team": UserFactory(username="outsider"),
        "view_all": grant(UserFactory(username="head-of-hr"), "view_all_applications"),
        "pool_and_retention": grant(
            UserFactory(username="talent"),
            "view_spontaneous_applications",
            "download_cv",
            "view_retention",
        ),
        "not_staff": UserFactory(username="employee", is_staff=False),
    }


def urls(world) -> dict[str, str]:
    opening, application = world["opening"], world["application"]
    return {
        "home": "/recruit/",
        "opening": f"/recruit/openings/{opening.pk}/",
        "decision": f"/recruit/openings/{opening.pk}/decision/",
        "application": f"/recruit/applications/{application.public_id}/",
        "cv": f"/recruit/applications/{application.public_id}/cv/",
        "pool": "/recruit/spontaneous/",
        "pool_application": f"/recruit/applications/{world['spontaneous'].public_id}/",
        "pool_cv": f"/recruit/applications/{world['spontaneous'].public_id}/cv/",
        "retention": "/recruit/retention/",
    }


OPENING_PAGES = {"opening": 200, "decision": 200, "application": 200}
NOTHING = {"pool": 404, "pool_application": 404, "pool_cv": 404, "retention": 404}
EXPECTED = {
    "staff_without_team": {
        "home": 200,
        **dict.fromkeys(OPENING_PAGES, 404),
        "cv": 404,
        **NOTHING,
    },
    "member": {"home": 200, **OPENING_PAGES, "cv": 200, **NOTHING},
    "member_without_download": {"home": 200, **OPENING_PAGES, "cv": 404, **NOTHING},
    "view_all": {"home": 200, **OPENING_PAGES, "cv": 404, **NOTHING},
    "pool_and_retention": {
        "home": 200,
        **dict.fromkeys(OPENING_PAGES, 404),
        "cv": 404,
        "pool": 200,
        "pool_application": 200,
        "pool_cv": 200,
        "retention": 200,
    },
    "not_staff": dict.fromkeys(["home", *OPENING_PAGES, "cv", *NOTHING], 404),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_every_recruiter_url_for_every_role(client, world, role):
    client.force_login(world[role])
    seen = {name: client.get(url).status_code for name, url in urls(world).items()}
    assert seen == EXPECTED[role]


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    for url in urls(world).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_recruiter_pages_are_never_cached(client, world):
    client.force_login(world["member"])
    for name in ("home", "opening", "application", "cv"):
        assert "no-store" in client.get(urls(world)[name])["Cache-Control"]


def log_out_form(response) -> str | None:
    """Where the log-out button posts, with the form's CSRF token; None: no button."""
    html = response.content.decode()
    forms = re.findall(
        r'<form method="post" action="([^"]*)" class="inline">\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">'
        r'<button type="submit" class="link">Log out</button>',
        html,
    )
    assert len(forms) <= 1 and ("Log out" in html) == bool(forms)
    return forms[0] if forms else None


@pytest.mark.parametrize(
    ("site", "log_out"),
    [
        ("config.urls", "/accounts/logout/"),  # allauth's account_logout
        ("tests.views.admin_only_site", "/admin/logout/"),  # a POST form there too
        ("tests.views.site_without_log_out", None),
    ],
)
def test_recruiter_pages_need_no_url_name_the_host_may_lack(client, world, settings, site, log_out):
    settings.ROOT_URLCONF = site
    client.force_login(world["member"])

    for page in ("home", "opening", "application", "decision"):
        response = client.get(urls(world)[page])
        assert response.status_code == 200, page
        assert log_out_form(response) == log_out


@pytest.mark.parametrize(
    ("setting", "log_out"),
    [
        ("/sso/logout/", "/sso/logout/"),  # a path, as the single sign-on has it
        ("admin:logout", "/admin/logout/"),  # a URL name
        ("", None),  # no button: the site logs out elsewhere
    ],
)
def test_the_log_out_button_goes_where_ats_logout_url_says(
    client, world, settings, setting, log_out
):
    settings.ATS_LOGOUT_URL = setting
    client.force_login(world["member"])

    assert log_out_form(client.get("/recruit/")) == log_out


def test_the_log_out_button_logs_out(client, world):
    client.force_login(world["member"])
    action = log_out_form(client.get("/recruit/"))

    client.post(action)

    assert client.get("/recruit/")["Location"].startswith("/accounts/login/")


def test_login_page_leads_to_the_workspace(client, world):
    world["member"].set_password("rätt lösenord")
    world["member"].save()
    password = client.post("/accounts/login/", {"login": "member", "password": "rätt lösenord"})
    assert password.url == "/accounts/2fa/authenticate/"  # and then the second factor

    response = client.post(password.url, {"code": totp_code()}, follow=True)

    assert response.redirect_chain[-1][0] == "/recruit/"
    assert "Lagerchef" in response.content.decode()


def test_home_counts_applicants_per_stage(client, world):
    ApplicationFactory.create_batch(2, opening=world["opening"], stage=Application.Stage.INTERVIEW)
    ApplicationFactory(
        opening=world["opening"], delete_after=timezone.now(), deletion_reason="erasure_requested"
    )
    client.force_login(world["member"])
    home = client.get("/recruit/").context["home"]
    [(opening, counts)] = home.openings
    assert opening == world["opening"]
    assert counts.counts["new"] == 1 and counts.counts["interview"] == 2  # the erased one is gone
    assert counts.total == 3
    assert home.spontaneous is None  # no permission for the pool


def test_an_interviewer_counts_only_the_stages_they_see(client):
    opening = OpeningFactory(title="Lagerchef")
    ApplicationFactory.create_batch(2, opening=opening, stage=Application.Stage.INTERVIEW)
    ApplicationFactory(opening=opening, stage=Application.Stage.NEW)
    client.force_login(on_team(opening, "intervjuare", role="interviewer"))

    [(_, counts)] = client.get("/recruit/").context["home"].openings

    assert (counts.counts["interview"], counts.counts["new"], counts.total) == (2, 0, 2)


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["home", "opening", "pool"])
def test_list_pages_cost_the_same_queries_for_5_and_200_applications(
    client, world, page, django_assert_num_queries
):
    user = grant(world["member"], "view_spontaneous_applications")
    client.force_login(user)
    url = urls(world)[page]

    def add_applications(count):  # to the opening and to the pool alike
        ApplicationFactory.create_batch(count, opening=world["opening"], cv="cv/shared.pdf")
        ApplicationFactory.create_batch(
            count, consented=True, delete_after=timezone.now() + timedelta(days=9), cv="cv/a.pdf"
        )

    add_applications(4)  # 5 each, with the world's own
    client.get(url)  # the home page's first visit writes the user's row (services/todo.py)
    five = query_count(client, url)
    add_applications(195)  # 200 each
    with django_assert_num_queries(five):
        assert client.get(url).status_code == 200
    assert five <= 22, "session, user, perms, 2FA, role, team, colleagues, criteria, stages, ..."


def test_applicants_are_paginated_by_50_and_filtered_by_stage(client, world):
    ApplicationFactory.create_batch(59, opening=world["opening"], cv="cv/shared.pdf")
    ApplicationFactory.create_batch(3, opening=world["opening"], stage="offer", cv="cv/shared.pdf")
    client.force_login(world["member"])
    url = urls(world)["opening"]

    assert len(client.get(url).context["applicants"].page.object_list) == 50
    assert len(client.get(url + "?page=2").context["applicants"].page.object_list) == 13
    offers = client.get(url + "?stage=offer").context["applicants"].page.object_list
    assert [a.stage for a in offers] == ["offer"] * 3


def test_search_by_name_or_email_keeps_the_term_out_of_urls(client, world):
    ApplicationFactory(opening=world["opening"], name="Johan Berg", email="jb@example.se")
    client.force_login(world["member"])
    url = urls(world)["opening"]

    response = client.post(url, {"q": "Lindqvist"})
    assert response.status_code == 302 and response["Location"] == url
    found = client.get(url).context["applicants"].page.object_list
    assert [a.name for a in found] == ["Astrid Lindqvist"]
    client.post(url, {"q": "jb@example"})
    assert [a.name for a in client.get(url).context["applicants"].page.object_list] == [
        "Johan Berg"
    ]
    client.post(url, {"q": ""})
    assert len(client.get(url).context["applicants"].page.object_list) == 2


def test_viewing_an_application_is_logged_without_personal_data(client, world):
    client.force_login(world["member"])
    response = client.get(urls(world)["application"])

    assert "Astrid Lindqvist" in response.content.decode()
    event = AccessEvent.objects.get()
    assert (event.user, event.action, event.public_id, event.actor) == (
        world["member"],
        AccessEvent.Action.VIEW,
        world["application"].public_id,
        "staff",
    )
    logged = " ".join(str(v) for v in AccessEvent.objects.values_list().get())
    assert "Astrid" not in logged and "@" not in logged


def test_stage_changes_and_notes_are_kept_with_their_history(client, world):
    client.force_login(world["member"])
    application = world["application"]
    base = urls(world)["application"]

    client.post(base + "stage/", {"stage": "interview"})
    client.post(base + "notes/", {"text": "Stark kandidat, boka intervju."})

    application.refresh_from_db()
    assert application.stage == "interview"
    [change] = application.stage_changes.all()
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        "new",
        "interview",
        world["member"],
    )
    assert application.notes.get().text == "Stark kandidat, boka intervju."
    page = client.get(base).content.decode()
    assert "Stark kandidat" in page and "Moved from New to Interview" in page
    actions = list(AccessEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[:2] == ["stage_change", "note"]


def test_cv_is_streamed_from_the_folder_as_an_attachment(client, world, cv_files):
    client.force_login(world["member"])
    application = world["application"]
    response = client.get(urls(world)["cv"])

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == cv_files.read(application.cv.name)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert AccessEvent.objects.get().action == AccessEvent.Action.DOWNLOAD_CV


def test_cv_on_s3_is_a_presigned_link_that_expires_within_a_minute(client, world, s3_cv_files):
    application = ApplicationFactory(opening=world["opening"], cv_filename="CV Åsa Öberg.pdf")
    client.force_login(world["member"])
    response = client.get(f"/recruit/applications/{application.public_id}/cv/")

    assert response.status_code == 302
    link = response["Location"]
    assert re.search(r"X-Amz-Expires=(\d+)", link).group(1) == "60"
    assert "no-store" in response["Cache-Control"]
    # A link's query stays in browsers' histories and S3's logs: no name in it.
    said = urllib.parse.unquote(urllib.parse.unquote(link))  # a header, quoted in a query
    assert "Åsa" not in said and "Öberg" not in said
    with urllib.request.urlopen(link) as download:  # the local S3 server, over HTTP
        assert download.read() == s3_cv_files.read(application.cv.name)
        disposition = download.headers["Content-Disposition"]
        assert disposition == f'attachment; filename="CV-{application.public_id.hex[:8]}.pdf"'
        assert download.headers["Content-Type"] == "application/pdf"


def test_retention_dashboard_shows_counts_and_holds(client, world):
    ApplicationFactory(
        opening=world["opening"],
        delete_after=timezone.now() - timedelta(days=1),
        deletion_reason="retention_expired",
        hold_reason="Tvist AD 2026-12",
    )
    client.force_login(world["pool_and_retention"])
    page = client.get("/recruit/retention/").content.decode()
    assert "Tvist AD 2026-12" in page
    assert "Lagerchef" in page  # waiting for a decision since the first application


def test_decision_page_shows_the_date_it_will_set(client, world):
    client.force_login(world["member"])
    page = client.get(urls(world)["decision"])
    expected = retention.deadline_after_decision(timezone.now())
    assert page.context["delete_after_if_today"].date() == expected.date()
    assert expected.strftime("%Y") in page.content.decode()


def test_recording_the_decision_closes_the_opening_and_confirms_the_date(client, world):
    hired = world["application"]
    hired.stage = "offer"
    hired.submitted_at = timezone.now() - timedelta(days=10)
    hired.save()
    Opening.objects.update(created_at=timezone.now() - timedelta(days=20))
    other = ApplicationFactory(opening=world["opening"], submitted_at=hired.submitted_at)
    Interview.objects.create(
        application=other, place="Kontoret", status=Interview.Status.BOOKED,
        starts_at=timezone.now() + timedelta(days=2),
    )  # fmt: skip
    client.force_login(world["member"])
    decided_on = timezone.localdate() - timedelta(days=3)  # within the days needing no confirmation

    form = {"hired": [str(hired.public_id)], "decided_on": decided_on.isoformat()}
    confirm = client.post(urls(world)["decision"], form)
    assert "Hired: Astrid Lindqvist" in text(confirm)  # who, who is told and what goes, first
    assert '1 applicant gets the "position filled" email' in text(confirm)
    assert "1 interview of those not hired is called off" in text(confirm)
    world["opening"].refresh_from_db()
    assert world["opening"].decided_at is None

    response = client.post(urls(world)["decision"], {**form, "confirmed": "yes"}, follow=True)

    world["opening"].refresh_from_db()
    assert world["opening"].status == Opening.Status.CLOSED
    assert timezone.localdate(world["opening"].decided_at) == decided_on
    hired.refresh_from_db()
    other.refresh_from_db()
    assert hired.stage == "hired" and other.stage == "rejected"
    assert (
        hired.delete_after
        == other.delete_after
        == retention.deadline_after_decision(world["opening"].decided_at)
    )
    page = response.content.decode()
    assert response.redirect_chain == [(urls(world)["decision"], 302)]
    assert "will be deleted on" in page
    assert str(decided_on.year + 2) in page


def test_a_decision_dated_in_the_future_is_refused(client, world):
    client.force_login(world["member"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(urls(world)["decision"], {"decided_on": tomorrow.isoformat()})
    assert response.status_code == 200
    assert "cannot be dated in the future" in response.content.decode()
    world["opening"].refresh_from_db()
    assert world["opening"].decided_at is None


POST_ALLOWED = {"member", "member_without_download", "view_all"}


@pytest.mark.parametrize("role", EXPECTED)
def test_every_recruiter_form_for_every_role(client, world, role):
    client.force_login(world[role])
    base = urls(world)["application"]
    posts = {
        "stage": client.post(base + "stage/", {"stage": "reviewing"}).status_code,
        "note": client.post(base + "notes/", {"text": "Anteckning"}).status_code,
    }
    expected = 302 if role in POST_ALLOWED else 404
    assert posts == {"stage": expected, "note": expected}
    world["application"].refresh_from_db()
    assert (world["application"].stage == "reviewing") == (role in POST_ALLOWED)
    assert world["application"].notes.exists() == (role in POST_ALLOWED)


def test_anonymous_forms_are_sent_to_the_login(client, world):
    base = urls(world)["application"]
    for url in (base + "stage/", base + "notes/", urls(world)["decision"]):
        assert client.post(url, {})["Location"].startswith("/accounts/login/")
    assert not world["application"].notes.exists()


def test_pages_read_from_the_end_hold_the_same_applicants_in_the_same_order(client, world):
    ApplicationFactory.create_batch(120, opening=world["opening"], cv="cv/shared.pdf")
    client.force_login(world["member"])
    url = urls(world)["opening"]
    everyone = list(
        Application.objects.filter(opening=world["opening"])
        .order_by("-submitted_at", "-pk")
        .values_list("public_id", flat=True)
    )
    seen = []
    for number in (1, 2, 3):
        page = client.get(f"{url}?page={number}").context["applicants"].page
        seen += [application.public_id for application in page.object_list]
    assert seen == everyone  # 121 applicants: 50, 50 (read from the end) and 21


def test_an_application_of_a_decided_opening_without_a_date_is_an_anomaly_until_dated(
    client, world
):
    decided_at = timezone.now() - timedelta(days=3)
    opening = OpeningFactory(title="Truckförare", status="closed", decided_at=decided_at)
    late = ApplicationFactory(opening=opening, delete_after=None)  # as the race left it
    client.force_login(world["pool_and_retention"])
    out = StringIO()

    page = client.get("/recruit/retention/").content.decode()
    call_command("ats_retention_report", stdout=out)

    assert "Anomaly: applications without a deletion date" in page and "Truckförare" in page
    assert "ANOMALY: 1 application(s) of the decided opening 'Truckförare'" in out.getvalue()

    assert tasks.settle_hiring_decisions().endswith(": 1")

    late.refresh_from_db()
    assert late.decided_at == decided_at
    assert late.delete_after == retention.deadline_after_decision(decided_at)
    assert late.deletion_reason == "retention_expired"
    assert "Anomaly" not in client.get("/recruit/retention/").content.decode()
    assert tasks.settle_hiring_decisions().endswith(": 0")


def test_a_decision_dated_1900_is_refused_and_deletes_nothing(client, world):
    client.force_login(world["member"])

    response = client.post(
        urls(world)["decision"], {"decided_on": "1900-01-01", "confirmed": "yes"}
    )

    assert "A hiring decision cannot be dated before" in text(response)
    world["opening"].refresh_from_db()
    world["application"].refresh_from_db()
    assert world["opening"].decided_at is None
    assert world["application"].delete_after is None


def test_a_backdated_decision_shows_its_deletion_date_and_waits_for_the_confirmation(client, world):
    Opening.objects.update(created_at=timezone.now() - timedelta(days=60))
    Application.objects.update(submitted_at=timezone.now() - timedelta(days=50))
    decided_on = timezone.localdate() - timedelta(days=40)
    form = {"decided_on": decided_on.isoformat(), "confirmed": "yes"}
    client.force_login(world["member"])
    assert "needs the permission to backdate" in text(client.post(urls(world)["decision"], form))

    client.force_login(grant(world["member"], "backdate_decision"))
    page = client.post(urls(world)["decision"], form)

    deletion = retention.deadline_after_decision(
        retention.decision_time(decided_on, now=timezone.now())
    )
    assert f"Every application to this opening will be deleted on {deletion:%-d %B %Y}" in text(
        page
    )
    world["opening"].refresh_from_db()
    assert world["opening"].decided_at is None

    client.post(urls(world)["decision"], {**form, "confirm_backdating": "on"})

    world["application"].refresh_from_db()
    assert timezone.localdate(world["application"].delete_after) == deletion.date()


def test_the_note_box_says_notes_are_part_of_the_candidates_access(client, world):
    client.force_login(world["member"])

    page = text(client.get(urls(world)["application"]))

    assert "notes are part of their right of access and appear in their export" in page
