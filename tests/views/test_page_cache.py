"""The careers page and the ads are kept in the cache per language, and rendered again
when an opening changes (by a service, the admin, the queue or a deletion), at Swedish
midnight, and never kept for a signed-in visitor."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ats.models import Opening
from ats.services.openings import publish_and_close_on_time, update_opening
from tests.factories import OpeningFactory, UserFactory
from tests.helpers import open_ad, titles

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def retitle_unseen(opening: Opening, title: str) -> None:
    """A change that no signal reports: a kept page goes on showing the old title."""
    Opening.objects.filter(pk=opening.pk).update(title=title)


def queries_beyond_the_cache(client: Client, path: str, **headers) -> tuple[int, bytes]:
    """The tests' cache is a database table, as without Redis in production: its own
    queries are the cache's, the others are the page's."""
    with CaptureQueriesContext(connection) as queries:
        content = client.get(path, **headers).content
    return len([q for q in queries if "ats_cache" not in q["sql"]]), content


def test_the_careers_page_is_kept_per_language_and_costs_no_query_of_its_own(client):
    ad = open_ad(title="Lagerchef")
    swedish = client.get("/jobs/", HTTP_ACCEPT_LANGUAGE="sv")
    retitle_unseen(ad, "Truckförare")

    queries, content = queries_beyond_the_cache(client, "/jobs/", HTTP_ACCEPT_LANGUAGE="sv")

    assert (queries, content) == (0, swedish.content)
    assert titles(swedish) == ["Lagerchef"] and "Lediga tjänster" in swedish.content.decode()
    english = client.post("/language/", {"language": "en", "next": "/jobs/"}, follow=True)
    assert titles(english) == ["Truckförare"]  # rendered now, for English
    assert "Open positions" in english.content.decode()


def test_a_filtered_list_and_a_signed_in_visitor_are_never_kept(client):
    ad = open_ad(title="Lagerchef")
    client.get("/jobs/")
    retitle_unseen(ad, "Truckförare")

    assert titles(client.get("/jobs/")) == ["Lagerchef"]  # the kept one
    assert titles(client.get("/jobs/", {"place": "Göteborg"})) == ["Truckförare"]
    signed_in = Client()
    signed_in.force_login(UserFactory())
    assert titles(signed_in.get("/jobs/")) == ["Truckförare"]
    retitle_unseen(ad, "Kock")
    signed_in.get("/jobs/")
    assert titles(client.get("/jobs/")) == ["Lagerchef"]  # nor kept for the others


@pytest.mark.parametrize(
    "change",
    ["service", "save", "queue", "delete"],
)
def test_every_change_to_an_opening_renders_the_pages_again_once_committed(
    client, change, django_capture_on_commit_callbacks
):
    ad = open_ad(title="Lagerchef")
    OpeningFactory(  # its time has come: only the queue puts it up
        title="Kock", status=Opening.Status.SCHEDULED, publish_at=timezone.now() - timedelta(1)
    )
    assert titles(client.get("/jobs/")) == ["Lagerchef"]
    with django_capture_on_commit_callbacks() as callbacks:
        if change == "service":
            update_opening(opening=ad, fields={"title": "Truckförare"})
        elif change == "save":  # as the admin saves it
            ad.title = "Truckförare"
            ad.save()
        elif change == "queue":
            assert publish_and_close_on_time() == (1, 0)
        else:
            ad.delete()
    assert titles(client.get("/jobs/")) == ["Lagerchef"]  # not committed yet

    for callback in callbacks:
        callback()

    expected = {"service": ["Truckförare"], "save": ["Truckförare"], "delete": []}
    assert titles(client.get("/jobs/")) == expected.get(change, ["Kock", "Lagerchef"])


def test_an_ad_whose_last_day_has_passed_leaves_the_kept_page_at_swedish_midnight(client):
    evening = datetime(2026, 12, 1, 23, 59, tzinfo=STOCKHOLM)
    with time_machine.travel(evening, tick=False):
        open_ad(title="Lagerchef", application_deadline=evening.date())
        open_ad(title="Kock", application_deadline=evening.date() + timedelta(days=5))
        assert titles(client.get("/jobs/")) == ["Kock", "Lagerchef"]
    with time_machine.travel(evening + timedelta(minutes=2), tick=False):
        assert titles(client.get("/jobs/")) == ["Kock"]  # before the queue closes it


def test_an_ad_page_keeps_the_ad_and_renders_the_form_for_each_visitor(
    client, notice, django_capture_on_commit_callbacks
):
    ad = open_ad(title="Lagerchef", description="**Krav:** truckkort")
    first = client.get(f"/jobs/{ad.slug}/").content.decode()
    Opening.objects.filter(pk=ad.pk).update(description="**Krav:** B-körkort")

    second = Client().get(f"/jobs/{ad.slug}/").content.decode()

    assert "<strong>Krav:</strong> truckkort" in first and "truckkort" in second
    assert token(first) != token(second)  # each visitor's own form
    with django_capture_on_commit_callbacks(execute=True):
        update_opening(opening=ad, fields={"title": "Lagerchef <b>natt</b>"})
    third = client.get(f"/jobs/{ad.slug}/").content.decode()
    assert "<strong>Krav:</strong> B-körkort" in third
    assert "<h1>Lagerchef &lt;b&gt;natt&lt;/b&gt;</h1>" in third  # kept as escaped


def token(page: str) -> str:
    return page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


def test_the_language_switch_needs_no_token_and_sets_the_language_alone():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/language/", {"language": "en", "next": "/jobs/"})

    assert (response.status_code, response["Location"]) == (302, "/jobs/")
    assert set(response.cookies) == {"django_language"}
    assert response.cookies["django_language"].value == "en"
    outside = client.post("/language/", {"language": "sv", "next": "https://evil.example/"})
    assert not outside["Location"].startswith("https://evil.example")
