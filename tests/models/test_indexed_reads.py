"""Reads that must stay flat with a million applications follow an index: a person's
applications by address, whatever its case (an anonymous form, /my-data/, and a
privacy request must not cost a scan of every application), a page of the pool, a
column of the board and the list in its orders and filters, a tag's among them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ats.models import Application
from ats.selectors.candidates import applications_of_person
from ats.selectors.pipeline import ApplicantFilters, filtered_applications
from ats.services.purge import due_in_claiming_order
from ats.services.tags import create_tag, tag_applications
from tests.factories import ApplicationFactory, OpeningFactory
from tests.helpers import on_team

pytestmark = pytest.mark.django_db


def test_an_address_finds_its_applications_whatever_its_case():
    mine = ApplicationFactory.create_batch(2, email="Astrid.Lindqvist@Example.se")
    ApplicationFactory(email="astrid.lindqvist@example.com")

    found = applications_of_person(email="  ASTRID.lindqvist@example.SE ")

    assert sorted(a.pk for a in found) == sorted(a.pk for a in mine)


def explained(queryset, *, without: tuple[str, ...] = ("seqscan",)) -> str:
    """The plan the database would follow for a large table (a tiny one is cheaper to
    scan, or to sort, so PostgreSQL is told not to)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for method in without:
                cursor.execute(f"SET enable_{method} = off")
        try:
            return queryset.explain()
        finally:
            if connection.vendor == "postgresql":
                for method in without:
                    cursor.execute(f"RESET enable_{method}")


def test_the_lookup_is_answered_from_the_index():
    ApplicationFactory.create_batch(3)

    plan = explained(Application.objects.live().of_email("astrid@example.se"))

    assert "ats_application_email_lower" in plan, plan


def test_a_page_of_the_spontaneous_pool_is_read_in_index_order_not_sorted():
    """Without its own index, PostgreSQL sorted every spontaneous application (it reads
    no order from "opening IS NULL") to show 50: 90 ms at 100,000 in the pool."""
    ApplicationFactory.create_batch(3, consented=True, delete_after=timezone.now() + timedelta(9))
    page = (
        Application.objects.live()
        .filter(opening__isnull=True)
        .order_by("-submitted_at", "-pk")[:50]
    )

    plan = explained(page)

    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


def test_the_purge_claims_the_due_rows_from_the_index_on_their_date():
    """By id, each batch's claim walked the primary key past every living row: 167 ms a
    batch with 800,000 of them (bench/purge_scale.py)."""
    ApplicationFactory.create_batch(
        3, delete_after=timezone.now() - timedelta(days=1), deletion_reason="erasure_requested"
    )
    ApplicationFactory.create_batch(3)

    plan = explained(due_in_claiming_order(now=timezone.now())[:1000], without=("seqscan", "sort"))

    assert "ats_application_delete_after" in plan and "pkey" not in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


@pytest.fixture
def big_opening():
    """An opening whose applicants its recruiter sees (the board and the list read it)."""
    opening = OpeningFactory()
    ApplicationFactory.create_batch(3, opening=opening, cv="cv/shared.pdf", source="linkedin")
    return opening


def test_a_board_column_is_read_from_the_index_on_opening_stage_and_date(big_opening):
    """A window over every applicant of the opening ranked them all: 1,047 ms with
    200,000 in one opening. Each column now reads its first cards from the index."""
    # Most of the opening in other columns, and the database told so: with a handful of
    # rows the index on (opening, date) costs it the same, and it may take either.
    ApplicationFactory.create_batch(40, opening=big_opening, cv="cv/shared.pdf", stage="rejected")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ats_application")
    column = filtered_applications(user=on_team(big_opening), opening=big_opening).filter(
        stage="new"
    )[:101]

    plan = explained(column, without=("seqscan", "sort", "bitmapscan"))

    assert "ats_applicants_by_stage" in plan, plan
    assert "Sort" not in plan.split("SubPlan")[0] and "TEMP B-TREE FOR ORDER" not in plan, plan


def test_the_list_by_name_is_read_from_the_index_on_opening_and_name(big_opening):
    page = filtered_applications(
        user=on_team(big_opening), opening=big_opening, filters=ApplicantFilters(sort="name")
    )[:51]

    plan = explained(page, without=("seqscan", "sort", "bitmapscan"))

    assert "ats_applicants_by_name" in plan, plan  # or by_stage_name, with a stage
    assert "Sort" not in plan.split("SubPlan")[0] and "TEMP B-TREE FOR ORDER" not in plan, plan


def test_the_flag_filter_is_no_join_over_every_application(big_opening):
    """As a semi-join, PostgreSQL merged the flagged answers with every application in
    the order of their ids (a walk of the whole table at a million)."""
    page = filtered_applications(
        user=on_team(big_opening),
        opening=big_opening,
        filters=ApplicantFilters(flagged=True, source="linkedin"),
    )[:51]

    plan = explained(page)

    assert "ats_application_pkey" not in plan and "Merge" not in plan, plan


@pytest.mark.parametrize(
    ("stage", "index"), [("new", "ats_tagged_by_stage"), ("", "ats_tagged_by_date")]
)
def test_a_tag_filter_reads_the_tags_own_rows_in_the_order_shown(big_opening, stage, index):
    """As an EXISTS, a board column read the opening's applicants newest first until
    enough had the tag: eleven times the cards where one in eleven has it (x5.8 in the
    database from 10,000 to a million). A column, and the list, read the tag's rows."""
    tag = create_tag(name="Ring tillbaka")
    recruiter = on_team(big_opening)
    tag_applications(applications=big_opening.applications.all(), tag=tag, tagged_by=recruiter)
    rows = filtered_applications(
        user=recruiter, opening=big_opening, filters=ApplicantFilters(tag=tag.pk, stage=stage)
    )[:101]

    plan = explained(rows, without=("seqscan", "sort", "bitmapscan"))

    assert index in plan, plan
    assert "Sort" not in plan.split("SubPlan")[0] and "TEMP B-TREE FOR ORDER" not in plan, plan
