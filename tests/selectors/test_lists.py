"""Lists to take away as the selectors read them: only rows the access log holds as
exported leave, in one query; the counts in four past the user's permissions, however
many applications."""

from datetime import timedelta

import pytest
from django.template.defaultfilters import floatformat
from django.utils import timezone

from ats import selectors
from ats.models import AccessEvent
from ats.services.access_log import record_access_to_all
from tests.factories import ApplicationFactory, OpeningFactory
from tests.helpers import on_team, received

pytestmark = pytest.mark.django_db


def test_a_row_not_in_the_access_log_never_leaves(django_assert_num_queries):
    opening = OpeningFactory()
    ApplicationFactory.create_batch(2, opening=opening, cv="cv/shared.pdf")
    user = on_team(opening)
    export = selectors.lists.applicant_export(
        user=user, opening=opening, filters=selectors.pipeline.ApplicantFilters()
    )
    logged_at = timezone.now()
    record_access_to_all(
        user=user,
        action=AccessEvent.Action.EXPORT_LIST,
        applications=export.applications,
        at=logged_at,
    )
    late = ApplicationFactory(opening=opening, name="Kom Sent", cv="cv/shared.pdf")

    with django_assert_num_queries(2):  # the rows, their tags
        rows = list(selectors.lists.exported_rows(export, user=user, logged_at=logged_at))
    unlogged = list(
        selectors.lists.exported_rows(export, user=user, logged_at=logged_at + timedelta(seconds=1))
    )

    assert len(rows) == 2 and late.name not in [row[0] for row in rows]
    assert unlogged == []


@pytest.mark.parametrize("applications", [3, 30])
def test_the_counts_take_four_queries_however_many(applications, django_assert_num_queries, notice):
    """Six here: the user's permissions (two, once a request) come first."""
    opening = OpeningFactory()
    for day in range(applications):  # over days and weeks: more kept rows
        received(opening, at=timezone.now() - timedelta(days=day), source="platsbanken")
    user = on_team(opening)

    with django_assert_num_queries(6):
        counts = selectors.lists.applicant_counts(user=user, opening=opening)

    assert counts.stages.total == applications
    assert counts.sources == [("platsbanken", applications)]
    assert sum(n for _monday, n in counts.weeks) == applications
    assert all(monday.weekday() == 0 for monday, _n in counts.weeks)


@pytest.mark.parametrize(
    ("mean", "shown"), [(2.25, "2.3"), (2.35, "2.4"), (2.666, "2.7"), (3, "3.0")]
)
def test_a_mean_in_a_file_is_rounded_as_the_page_rounds_it(mean, shown):
    assert str(selectors.lists.one_decimal(mean)) == shown
    assert floatformat(mean, 1) == shown
