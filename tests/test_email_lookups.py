"""A person's applications are found by their address through an index, whatever its
case: an anonymous form (/my-data/) and a privacy request must not cost a scan of
every application."""

import pytest
from django.db import connection

from ats.models import Application
from ats.selectors.candidates import applications_of_person
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_an_address_finds_its_applications_whatever_its_case():
    mine = ApplicationFactory.create_batch(2, email="Astrid.Lindqvist@Example.se")
    ApplicationFactory(email="astrid.lindqvist@example.com")

    found = applications_of_person(email="  ASTRID.lindqvist@example.SE ")

    assert sorted(a.pk for a in found) == sorted(a.pk for a in mine)


def test_the_lookup_is_answered_from_the_index():
    ApplicationFactory.create_batch(3)
    lookup = Application.objects.live().of_email("astrid@example.se")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a tiny table is cheaper to scan
            cursor.execute("SET enable_seqscan = off")
        try:
            plan = lookup.explain()
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("RESET enable_seqscan")

    assert "ats_application_email_lower" in plan, plan
