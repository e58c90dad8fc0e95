"""Tombstones through the API: an integration learns which applications are gone, from
the purge itself, a page at a time, and only for the openings its user decides on."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ats.models import ApiScope
from ats.services.purge import purge_due
from tests.factories import ApplicationFactory, OpeningFactory
from tests.helpers import ApiClient

pytestmark = pytest.mark.django_db


def test_what_the_purge_deleted_is_listed_oldest_first_a_page_at_a_time(make_key, cv_files):
    opening, other = OpeningFactory(), OpeningFactory()
    _, secret = make_key(ApiScope.APPLICATIONS_READ, on_team=opening)
    past = timezone.now() - timedelta(minutes=1)
    gone = [ApplicationFactory(opening=opening, decided=True, delete_after=past) for _ in range(3)]
    ApplicationFactory(opening=other, decided=True, delete_after=past)  # not the key's
    ApplicationFactory(consented=True, delete_after=past)  # the pool: not the key's either
    purge_due()
    api = ApiClient(secret)

    seen, cursor = [], None
    for _ in range(2):
        page = api.get("/api/v1/deletions", {"limit": 2, **({"cursor": cursor} if cursor else {})})
        seen += page.json()["items"]
        cursor = page.json()["next_cursor"]

    assert sorted(item["public_id"] for item in seen) == sorted(str(a.public_id) for a in gone)
    assert cursor is None
    assert {item["reason"] for item in seen} == {"retention_expired"}
    assert all(item["ledger_object"] for item in seen)
    assert set(seen[0]) == {
        "public_id", "kind", "opening_id", "reason", "due_at", "deleted_at", "ledger_object"
    }  # fmt: skip
    later = api.get("/api/v1/deletions", {"deleted_after": timezone.now().isoformat()})
    assert later.json()["items"] == []


def test_the_pool_s_tombstones_need_the_pool_permission(make_key, cv_files):
    ApplicationFactory(consented=True, delete_after=timezone.now() - timedelta(minutes=1))
    purge_due()
    _, without = make_key(ApiScope.APPLICATIONS_READ)
    _, with_pool = make_key(
        ApiScope.APPLICATIONS_READ, permissions=["view_spontaneous_applications"]
    )

    assert ApiClient(without).get("/api/v1/deletions").json()["items"] == []
    [item] = ApiClient(with_pool).get("/api/v1/deletions").json()["items"]
    assert item["kind"] == "spontaneous" and item["opening_id"] is None


def test_a_time_with_any_offset_rfc_3339_allows_is_read_in_utc(make_key):
    """PostgreSQL refuses offsets beyond 15:59; schemathesis sent +23:02."""
    _, secret = make_key(ApiScope.APPLICATIONS_READ, permissions=["view_all_applications"])
    api = ApiClient(secret)
    far = api.get("/api/v1/deletions", {"deleted_after": "2646-09-08T19:11:51+23:02"})
    assert far.status_code == 200 and far.json()["items"] == []
    edge = api.get("/api/v1/deletions", {"deleted_after": "9999-12-31T23:00:00-05:00"})
    assert edge.status_code == 422
