"""The opening's board as the selector reads it: each column filtered and ordered as the
applicant list is."""

import pytest

from ats import selectors
from ats.selectors.pipeline import ApplicantFilters
from tests.factories import OpeningFactory
from tests.helpers import applicant, on_team


@pytest.mark.django_db
def test_the_board_filters_and_sorts_each_column():
    opening = OpeningFactory(title="Lagerchef")
    recruiter = on_team(opening)
    applicant(opening, "Cecilia", stage="new", source="linkedin")
    applicant(opening, "Astrid", stage="new", source="linkedin")
    applicant(opening, "Bertil", stage="new", source="indeed")
    applicant(opening, "David", stage="interview", source="linkedin")

    columns = {
        column.stage: column
        for column in selectors.board.board(
            user=recruiter,
            opening=opening,
            filters=ApplicantFilters(source="linkedin", sort="name"),
        )
    }

    assert [card.name for card in columns["new"].cards] == ["Astrid", "Cecilia"]
    assert [card.name for card in columns["interview"].cards] == ["David"]
    assert (columns["new"].count, columns["new"].counted, columns["offer"].count) == (2, True, 0)
