"""Every row of the retention table, with leap days, time zones and changed settings."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from ats import retention
from ats.models import Opening

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("moment", "years", "expected"),
    [
        (local(2025, 5, 14, 10, 0), 2, local(2027, 5, 14, 10, 0)),
        (local(2024, 2, 29, 9, 30), 2, local(2026, 2, 28, 9, 30)),  # no 29 Feb in 2026
        (local(2024, 2, 29, 9, 30), 4, local(2028, 2, 29, 9, 30)),  # leap year to leap year
        (local(2025, 2, 28, 9, 30), 3, local(2028, 2, 28, 9, 30)),  # 28 Feb stays 28 Feb
        (local(2025, 12, 31, 23, 59), 2, local(2027, 12, 31, 23, 59)),
    ],
)
def test_add_years_keeps_the_calendar_date(moment, years, expected):
    assert retention.add_years(moment, years) == expected


def test_add_years_counts_the_date_in_swedish_time_not_utc():
    # 23:30 UTC on 28 February 2024 is already 29 February in Stockholm.
    moment = datetime(2024, 2, 28, 23, 30, tzinfo=UTC)
    assert retention.add_years(moment, 2) == local(2026, 2, 28, 0, 30)


def test_add_years_keeps_wall_clock_time_across_summer_time():
    # Winter time (+01:00) to summer time (+02:00) is not a timedelta of whole days.
    moment = local(2025, 7, 1, 12, 0)
    later = retention.add_years(moment, 2)
    assert later == local(2027, 7, 1, 12, 0)
    assert later.utcoffset() == timedelta(hours=2)
    winter = retention.add_years(local(2025, 1, 15, 12, 0), 2)
    assert winter.astimezone(UTC) == datetime(2027, 1, 15, 11, 0, tzinfo=UTC)


def test_add_period_takes_years_or_an_exact_duration():
    moment = local(2025, 3, 1, 8, 0)
    assert retention.add_period(moment, 1) == local(2026, 3, 1, 8, 0)
    assert retention.add_period(moment, timedelta(days=30)) == moment + timedelta(days=30)


SUBMITTED = local(2025, 6, 10, 14, 0)


def test_application_for_an_opening_waits_for_the_hiring_decision():
    deadline = retention.deadline_on_submission(
        for_opening=True, submitted_at=SUBMITTED, consent_given_at=SUBMITTED
    )
    assert deadline is None
    assert not retention.is_due(deadline, now=SUBMITTED + timedelta(days=3650))


def test_spontaneous_without_consent_is_due_the_moment_it_arrives():
    deadline = retention.deadline_on_submission(
        for_opening=False, submitted_at=SUBMITTED, consent_given_at=None
    )
    assert deadline == SUBMITTED
    assert retention.is_due(deadline, now=SUBMITTED)


def test_spontaneous_with_consent_is_kept_two_years_from_the_consent():
    deadline = retention.deadline_on_submission(
        for_opening=False, submitted_at=SUBMITTED, consent_given_at=SUBMITTED
    )
    assert deadline == local(2027, 6, 10, 14, 0)
    assert not retention.is_due(deadline, now=deadline - timedelta(microseconds=1))
    assert retention.is_due(deadline, now=deadline)


def test_decision_starts_a_two_year_clock():
    assert retention.deadline_after_decision(local(2024, 2, 29, 16, 0)) == local(2026, 2, 28, 16, 0)


def test_settings_change_the_periods(settings):
    settings.ATS_CONSENT_RETENTION = 1
    settings.ATS_RETENTION_AFTER_DECISION = timedelta(days=180)
    assert retention.deadline_with_consent(SUBMITTED) == local(2026, 6, 10, 14, 0)
    assert retention.deadline_after_decision(SUBMITTED) == SUBMITTED + timedelta(days=180)


@pytest.mark.parametrize(
    ("period", "words", "swedish"),
    [
        (2, "2 years", "2 år"),
        (1, "1 year", "1 år"),
        (timedelta(days=30), "30 days", "30 dagar"),
        (timedelta(days=1), "1 day", "1 dag"),
    ],
)
def test_describe_period(period, words, swedish):
    assert retention.describe_period(period) == words
    with translation.override("sv"):
        assert retention.describe_period(period) == swedish


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (date(2026, 3, 10), date(2026, 4, 10)),
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 4, 30), date(2026, 5, 30)),
        (date(2026, 2, 1), date(2026, 3, 1)),
    ],
)
def test_privacy_requests_are_answered_within_one_month(received, deadline):
    assert retention.privacy_request_deadline(received) == deadline


NEW_YORK = ZoneInfo("America/New_York")
LAST_DAY = date(2026, 6, 1)  # its end in New York is 06:00 on 2 June in Stockholm


@pytest.mark.parametrize(
    ("time_zones", "ends_at"),
    [
        ({}, local(2026, 6, 2, 0, 0)),  # the site's TIME_ZONE (Stockholm)
        ({"TIME_ZONE": "America/New_York"}, datetime(2026, 6, 2, 0, 0, tzinfo=NEW_YORK)),
        ({"ATS_TIME_ZONE": "America/New_York"}, datetime(2026, 6, 2, 0, 0, tzinfo=NEW_YORK)),
    ],
    ids=["site", "site-elsewhere", "employer-elsewhere"],
)
def test_the_employer_time_zone_sets_when_the_last_day_to_apply_ends(settings, time_zones, ends_at):
    for name, value in time_zones.items():
        setattr(settings, name, value)
    opening = Opening(status=Opening.Status.PUBLISHED, application_deadline=LAST_DAY)
    assert opening.takes_applications(now=ends_at - timedelta(microseconds=1))
    assert not opening.takes_applications(now=ends_at)
    assert opening.stopped_taking_applications() == ends_at


def test_years_are_counted_on_the_employer_calendar(settings):
    settings.ATS_TIME_ZONE = "America/New_York"
    # 03:00 UTC on 29 February 2024 is still 28 February in New York.
    moment = datetime(2024, 2, 29, 3, 0, tzinfo=UTC)
    assert retention.add_years(moment, 2) == datetime(2026, 2, 28, 22, 0, tzinfo=NEW_YORK)


@pytest.mark.parametrize("zone", ["Europe/Stockholm", "America/New_York"])
def test_a_hold_to_the_end_of_a_day_lasts_that_whole_day_where_the_employer_is(settings, zone):
    settings.ATS_TIME_ZONE = zone
    ends = retention.end_of_day(date(2027, 3, 3))
    assert ends == datetime(2027, 3, 4, 0, 0, tzinfo=ZoneInfo(zone))
    assert retention.last_day_before(ends) == date(2027, 3, 3)
    assert retention.last_day_before(ends + timedelta(microseconds=1)) == date(2027, 3, 4)
