"""The recruiter's pipeline as the selectors read it: the per-stage counts, and the
filters and orders of the applicant list (which the board shares: test_board.py)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from ats import selectors
from ats.models import (
    Application,
    Criterion,
    ScreeningAnswer,
    StageCount,
    Tag,
)
from ats.selectors.pipeline import ApplicantFilters
from tests.factories import (
    ApplicationFactory,
    ApplicationTagFactory,
    OpeningFactory,
    ScoreFactory,
)
from tests.helpers import applicant, on_team


@pytest.mark.django_db
def test_two_queries_give_the_counts_of_any_number_of_openings(django_assert_num_queries):
    openings = OpeningFactory.create_batch(3)
    for opening in openings:
        ApplicationFactory(opening=opening, cv="cv/shared.pdf")
    keys = [o.pk for o in openings] + [StageCount.POOL]
    with django_assert_num_queries(2):
        counts = selectors.pipeline.stage_counts(opening_keys=keys, now=timezone.now())
    assert [counts[key].total for key in keys] == [1, 1, 1, 0]


# The filters and the orders of the list and the board: one query, filtered_applications.

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def opening():
    return OpeningFactory(title="Lagerchef")


@pytest.fixture
def recruiter(opening):
    return on_team(opening)


def listed(user, opening, **filters) -> list[str]:
    rows = selectors.pipeline.filtered_applications(
        user=user, opening=opening, filters=ApplicantFilters(**filters)
    )
    return [row.name for row in rows]


def scored(application, by, *values: int) -> None:
    """`by`'s scores of the application, one a criterion of its opening."""
    for n, value in enumerate(values):
        criterion, _ = Criterion.objects.get_or_create(
            opening=application.opening, name=f"Krav {n}"
        )
        ScoreFactory(application=application, criterion=criterion, scored_by=by, value=value)


@pytest.mark.django_db
def test_the_source_filter_keeps_that_source_only(opening, recruiter):
    applicant(opening, "Astrid", source="linkedin")
    applicant(opening, "Bertil", source="indeed")
    applicant(opening, "Cecilia")

    assert listed(recruiter, opening, source="linkedin") == ["Astrid"]
    assert sorted(listed(recruiter, opening)) == ["Astrid", "Bertil", "Cecilia"]


@pytest.mark.django_db
def test_the_date_filter_takes_whole_days_where_the_employer_is(opening, recruiter):
    late = datetime(2026, 3, 31, 23, 30, tzinfo=STOCKHOLM)  # 21:30 UTC: still 31 March
    applicant(opening, "Astrid", submitted_at=late)
    applicant(opening, "Bertil", submitted_at=late + timedelta(hours=1))  # 1 April
    applicant(opening, "Cecilia", submitted_at=late + timedelta(days=2))  # 2 April

    assert listed(recruiter, opening, applied_to=date(2026, 3, 31)) == ["Astrid"]
    assert listed(recruiter, opening, applied_from=date(2026, 4, 1)) == ["Cecilia", "Bertil"]
    assert listed(
        recruiter, opening, applied_from=date(2026, 4, 1), applied_to=date(2026, 4, 1)
    ) == ["Bertil"]


@pytest.mark.django_db
def test_the_flag_filter_keeps_those_with_an_answer_that_misses_a_requirement(opening, recruiter):
    flagged = applicant(opening, "Astrid")
    passed = applicant(opening, "Bertil")
    ScreeningAnswer.objects.create(
        application=flagged, question_text="Körkort?", answer="no", misses_requirement=True
    )
    ScreeningAnswer.objects.create(application=passed, question_text="Körkort?", answer="yes")

    assert listed(recruiter, opening, flagged=True) == ["Astrid"]


@pytest.mark.django_db
def test_the_tag_filter_keeps_those_with_the_tag(opening, recruiter):
    tagged = applicant(opening, "Astrid")
    other = applicant(opening, "Bertil")
    tag, elsewhere = Tag.objects.create(name="Ring tillbaka"), Tag.objects.create(name="B")
    ApplicationTagFactory(application=tagged, tag=tag)
    ApplicationTagFactory(application=other, tag=elsewhere)

    assert listed(recruiter, opening, tag=tag.pk) == ["Astrid"]


@pytest.mark.django_db
def test_the_stage_filter_keeps_that_stage(opening, recruiter):
    applicant(opening, "Astrid", stage="interview")
    applicant(opening, "Bertil")

    assert listed(recruiter, opening, stage="interview") == ["Astrid"]


@pytest.mark.django_db
def test_the_orders_by_date_newest_first_and_by_name(opening, recruiter):
    now = timezone.now()
    applicant(opening, "Bertil", submitted_at=now - timedelta(days=2))
    applicant(opening, "Cecilia", submitted_at=now - timedelta(days=3))
    applicant(opening, "Astrid", submitted_at=now - timedelta(days=1))

    assert listed(recruiter, opening) == ["Astrid", "Bertil", "Cecilia"]
    assert listed(recruiter, opening, sort="name") == ["Astrid", "Bertil", "Cecilia"]
    assert listed(recruiter, opening, sort="date") == ["Astrid", "Bertil", "Cecilia"]
    Application.objects.filter(name="Astrid").update(submitted_at=now - timedelta(days=9))
    assert listed(recruiter, opening) == ["Bertil", "Cecilia", "Astrid"]
    assert listed(recruiter, opening, sort="name") == ["Astrid", "Bertil", "Cecilia"]


@pytest.mark.django_db
def test_a_score_filter_and_order_use_only_the_means_the_user_may_see(opening, recruiter):
    """No anchoring: an applicant the user has not scored has no mean for them, so a
    "mean at least" leaves it out, and the score order puts it after the scored ones
    (by date), whatever the others gave it."""
    colleague = on_team(opening, "kollega")
    now = timezone.now()
    both = applicant(opening, "Astrid", submitted_at=now - timedelta(days=4))
    theirs = applicant(opening, "Bertil", submitted_at=now - timedelta(days=3))
    mine_low = applicant(opening, "Cecilia", submitted_at=now - timedelta(days=2))
    applicant(opening, "David", submitted_at=now - timedelta(days=1))
    scored(both, recruiter, 4)
    scored(both, colleague, 2)  # mean 3
    scored(theirs, colleague, 4, 4)  # mean 4, unseen by the recruiter
    scored(mine_low, recruiter, 1)

    assert listed(recruiter, opening, min_score=Decimal("2.5")) == ["Astrid"]
    assert listed(recruiter, opening, min_score=Decimal("1")) == ["Cecilia", "Astrid"]  # by date
    assert listed(recruiter, opening, sort="score") == ["Astrid", "Cecilia", "David", "Bertil"]
    means = {
        row.name: row.mean_score
        for row in selectors.pipeline.filtered_applications(user=recruiter, opening=opening)
    }
    assert means == {"Astrid": 3, "Bertil": None, "Cecilia": 1, "David": None}
    # The colleague sees their own means: Bertil's 4 first.
    assert listed(colleague, opening, min_score=Decimal("3")) == ["Bertil", "Astrid"]
    page = selectors.pipeline.applicant_list(
        user=recruiter, opening=opening, filters=ApplicantFilters(sort="score")
    ).page
    assert [row.name for row in page] == ["Astrid", "Cecilia", "David", "Bertil"]


@pytest.mark.django_db
def test_filtered_or_sorted_a_restricted_application_is_left_out(opening, recruiter):
    applicant(opening, "Astrid", source="linkedin")
    applicant(opening, "Bertil", source="linkedin", restricted_at=timezone.now())

    assert sorted(listed(recruiter, opening)) == ["Astrid", "Bertil"]  # shown as restricted
    assert listed(recruiter, opening, source="linkedin") == ["Astrid"]
    assert listed(recruiter, opening, sort="name") == ["Astrid"]


@pytest.mark.django_db
def test_past_the_count_the_filtered_list_pages_on_without_a_total(opening, recruiter, monkeypatch):
    for n in range(7):
        applicant(opening, f"Sökande {n}", source="linkedin")
    monkeypatch.setattr(selectors.pipeline, "MATCHES_COUNTED_UP_TO", 5)
    monkeypatch.setattr(selectors.pipeline, "APPLICANTS_PER_PAGE", 3)

    first = selectors.pipeline.applicant_list(
        user=recruiter, opening=opening, filters=ApplicantFilters(source="linkedin")
    )
    last = selectors.pipeline.applicant_list(
        user=recruiter,
        opening=opening,
        filters=ApplicantFilters(source="linkedin", sort="name"),
        page_number=3,
    )

    assert (first.counted, first.matches, len(first.page), first.page.has_next()) == (
        False,
        5,
        3,
        True,
    )
    assert [row.name for row in last.page] == ["Sökande 6"] and not last.page.has_next()
