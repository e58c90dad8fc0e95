"""The recruiter's pipeline as the selectors read it: the per-stage counts."""

import pytest
from django.utils import timezone

from ats import selectors
from ats.models import StageCount
from tests.factories import ApplicationFactory, OpeningFactory


@pytest.mark.django_db
def test_two_queries_give_the_counts_of_any_number_of_openings(django_assert_num_queries):
    openings = OpeningFactory.create_batch(3)
    for opening in openings:
        ApplicationFactory(opening=opening, cv="cv/shared.pdf")
    keys = [o.pk for o in openings] + [StageCount.POOL]
    with django_assert_num_queries(2):
        counts = selectors.pipeline.stage_counts(opening_keys=keys, now=timezone.now())
    assert [counts[key].total for key in keys] == [1, 1, 1, 0]
