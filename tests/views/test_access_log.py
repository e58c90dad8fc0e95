"""The access log in /recruit/access-log/: what the privacy officer reads of who read or
changed which application, without the Django admin (UX problem 38)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ats.models import AccessEvent, Application
from ats.services.access_log import record_access
from ats.services.erasure import erase_applications_now
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, grant
from tests.helpers import logged_in, staff_client, text

pytestmark = pytest.mark.django_db

LOG = "/recruit/access-log/"


@pytest.fixture
def officer():
    return grant(UserFactory(username="dpo"), "view_accessevent", "view_all_applications")


def rows(response) -> list[list[str]]:
    """The log's rows as read: who, what, which application (when left out)."""
    html = response.content.decode()
    if "<tbody>" not in html:
        return []
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in row.split("</td>")[1:-1]]
        for row in body.split("</tr>")[:-1]
    ]


def test_the_officer_reads_who_did_what_newest_first_and_others_find_no_page(officer):
    opening = OpeningFactory(title="Lagerchef")
    hanna = UserFactory(username="hanna", first_name="Hanna", last_name="Berg")
    kept, restricted, erased = ApplicationFactory.create_batch(3, opening=opening)
    Application.objects.filter(pk=restricted.pk).update(restricted_at=timezone.now())
    for application, action in ((kept, "view"), (restricted, "view"), (erased, "download_cv")):
        record_access(user=hanna, action=action, public_ids=[application.public_id])
    erase_applications_now(  # its events outlive it
        applications=Application.objects.filter(pk=erased.pk), requested_by=officer
    )
    client = logged_in(officer)

    response = client.get(LOG)

    assert response.status_code == 200 and "Access log" in text(client.get("/recruit/"))
    assert rows(response) == [
        ["dpo", "Erased", f"{erased.public_id} Its events only"],
        ["Hanna Berg", "Downloaded the CV", f"{erased.public_id} Its events only"],
        # Restricted: named as its page names it to the reader, by no name.
        ["Hanna Berg", "Viewed", f"{restricted.public_id} Its events only"],
        ["Hanna Berg", "Viewed", f"{kept.name} Its events only"],
    ]
    html = response.content.decode()
    assert f'href="/recruit/applications/{kept.public_id}/"' in html  # still there: a link
    assert f'href="/recruit/applications/{erased.public_id}/"' not in html  # gone: its id
    assert restricted.name not in html
    # One who may open none of them reads ids only.
    outsider = logged_in(grant(UserFactory(username="auditor"), "view_accessevent"))
    assert kept.name not in outsider.get(LOG).content.decode()
    assert "/recruit/applications/" not in outsider.get(LOG).content.decode()
    colleague = staff_client("colleague", "view_all_applications")
    assert colleague.get(LOG).status_code == 404
    assert "Access log" not in text(colleague.get("/recruit/"))


def test_the_log_is_narrowed_to_an_application_a_colleague_an_action_or_a_day(officer):
    astrid, johan = ApplicationFactory.create_batch(2)
    hanna, ivan = UserFactory(username="hanna"), UserFactory(username="ivan")
    record_access(user=hanna, action=AccessEvent.Action.VIEW, public_ids=[astrid.public_id])
    record_access(user=ivan, action=AccessEvent.Action.SCORE, public_ids=[johan.public_id])
    AccessEvent.objects.filter(user=ivan).update(at=timezone.now() - timedelta(days=3))
    client = logged_in(officer)
    page = client.get(f"/recruit/applications/{astrid.public_id}/")
    assert f'href="{LOG}?application={astrid.public_id}"' in page.content.decode()

    def shown(**filters) -> list[str]:
        return [row[1] for row in rows(client.get(LOG, filters))]

    assert shown(application=astrid.public_id)[-1] == "Viewed"
    assert len(shown(application=astrid.public_id)) == 2  # and the officer's own view
    assert shown(user=ivan.pk, action="score") == ["Scored"]
    assert shown(action="score", until=timezone.localdate() - timedelta(days=1)) == ["Scored"]
    assert shown(action="view", until=timezone.localdate() - timedelta(days=1)) == []
    # What does not fit is left out, not an error: the whole log, and the page says so.
    assert len(shown(application="not-an-id", user="x", until="tomorrow")) == 3
    for unfit in ({"application": "astrid@example.se"}, {"until": "9999-12-31"}):
        page = client.get(LOG, unfit)
        assert page.status_code == 200 and "A filter that does not fit is left out" in text(page)


def test_older_pages_follow_without_gaps_or_repeats_at_the_same_cost(officer, monkeypatch):
    monkeypatch.setattr("ats.selectors.access_log.PAGE_SIZE", 20)
    application = ApplicationFactory()
    hanna = UserFactory(username="hanna")
    ids = [application.public_id] * 25  # recorded together: one time, ordered by id
    record_access(user=hanna, action=AccessEvent.Action.VIEW, public_ids=ids)
    record_access(user=hanna, action=AccessEvent.Action.NOTE, public_ids=ids)
    client = logged_in(officer)

    seen, url, costs = [], f"{LOG}?action=&application=x@example.se", []
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        costs.append(len(queries))
        seen += re.findall(r"<tr>\s*<td[^>]*>", response.content.decode())
        older = re.search(r'href="\?([^"]+)">Older events', response.content.decode())
        assert not older or "example.se" not in older[1]  # what did not fit goes no further
        url = older and f"{LOG}?{older[1].replace('&amp;', '&')}"

    assert len(seen) == 50 and len(costs) == 3
    assert costs[0] == costs[1] == costs[2]
    assert client.get(LOG, {"after": "not-a-cursor"}).status_code == 404
    assert AccessEvent.objects.count() == 50  # the officer's reading of the log is not logged
