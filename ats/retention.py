"""The employer's retention policy as pure functions: dates in, dates out.

No database, no storage, no clock: the caller says what "now" is. Each function is one
row of the retention table (docs/privacy-model.md), and nothing else computes a
deletion date.

| case                          | delete_after                          |
| spontaneous, no consent       | at once (the moment it was submitted) |
| spontaneous, consent at T     | T + ATS_CONSENT_RETENTION             |
| opening, no decision yet      | None: waits for the hiring decision   |
| opening, decision at D        | D + ATS_RETENTION_AFTER_DECISION      |
| consent withdrawn / erasure   | at once (the moment it was asked)     |
| access log entry at T         | T + ATS_ACCESS_LOG_RETENTION          |

Days and years are counted where the employer is (employer_zone: ATS_TIME_ZONE, by
default the site's TIME_ZONE), whatever the server's clock or the UTC offset.
"""

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import ngettext

from .app_settings import app_settings

Period = int | timedelta  # whole calendar years, or an exact duration


def employer_zone() -> ZoneInfo:
    """Where the employer's days begin and end: ATS_TIME_ZONE, else TIME_ZONE."""
    return ZoneInfo(app_settings.time_zone)


def employer_date(moment: datetime) -> date:
    """The day it is where the employer is at `moment`: the day a deadline is compared with."""
    return timezone.localtime(moment, employer_zone()).date()


def end_of_day(day: date) -> datetime:
    """The first moment after `day` where the employer is: when a deadline on that day passes."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=employer_zone())


def last_day_before(moment: datetime) -> date:
    """The last day wholly before `moment` where the employer is: a hold that ends at the
    end of 3 March (end_of_day) lasts until 3 March."""
    return employer_date(moment - timedelta(microseconds=1))


def add_years(moment: datetime, years: int) -> datetime:
    """The same calendar date and wall-clock time `years` later, where the employer is.

    29 February becomes 28 February. The employer's time, because "two years after the
    decision" means the date its HR team sees on its calendar, whatever the UTC offset.
    """
    local = timezone.localtime(moment, employer_zone())
    try:
        return local.replace(year=local.year + years)
    except ValueError:  # 29 February, and the target year has none
        return local.replace(year=local.year + years, day=28)


def add_period(moment: datetime, period: Period) -> datetime:
    if isinstance(period, timedelta):
        return moment + period
    return add_years(moment, period)


def subtract_period(moment: datetime, period: Period) -> datetime:
    if isinstance(period, timedelta):
        return moment - period
    return add_years(moment, -period)


def describe_period(period: Period) -> str:
    """The period as a candidate reads it: "2 years", "30 days"."""
    if isinstance(period, timedelta):
        return ngettext("%(count)d day", "%(count)d days", period.days) % {"count": period.days}
    return ngettext("%(count)d year", "%(count)d years", period) % {"count": period}


def periods() -> dict[str, str]:
    """The policy's periods as a candidate reads them, for pages and emails: how long an
    application is kept after the hiring decision, and with consent."""
    return {
        "decision_period": describe_period(app_settings.RETENTION_AFTER_DECISION),
        "consent_period": describe_period(app_settings.CONSENT_RETENTION),
    }


def deadline_with_consent(consent_given_at: datetime) -> datetime:
    return add_period(consent_given_at, app_settings.CONSENT_RETENTION)


def deadline_after_decision(decided_at: datetime) -> datetime:
    return add_period(decided_at, app_settings.RETENTION_AFTER_DECISION)


def decision_time(decided_on: date, *, now: datetime) -> datetime:
    """When a decision recorded for `decided_on` was made: now if today, else the start
    of that day where the employer is. Earlier rather than later: the policy says "at most"."""
    if decided_on == employer_date(now):
        return now
    return datetime.combine(decided_on, time.min, tzinfo=employer_zone())


def access_log_cutoff(now: datetime) -> datetime:
    """Access log entries from before this moment have been kept long enough."""
    return subtract_period(now, app_settings.ACCESS_LOG_RETENTION)


def deadline_on_request(requested_at: datetime) -> datetime:
    """Withdrawn consent and erasure take effect the moment they are asked for."""
    return requested_at


def deadline_on_submission(
    *, for_opening: bool, submitted_at: datetime, consent_given_at: datetime | None
) -> datetime | None:
    if for_opening:
        return None  # the clock starts at the hiring decision
    if consent_given_at is None:
        return submitted_at  # nothing personal outlives the request
    return deadline_with_consent(consent_given_at)


def renewal_notice() -> timedelta:
    """How long before a consent ends its holder is asked to renew it."""
    return timedelta(days=app_settings.CONSENT_RENEWAL_NOTICE)


def renewal_is_open(deadline: datetime | None, *, now: datetime) -> bool:
    """A consent ending at `deadline` may be renewed from when its holder is asked
    (renewal_notice before the end), not from the day it was given."""
    return deadline is not None and deadline - renewal_notice() <= now


def privacy_request_deadline(received_on: date) -> date:
    """One month to answer (GDPR art. 12(3)): the same date next month, or its last day."""
    year, month = received_on.year + received_on.month // 12, received_on.month % 12 + 1
    return date(year, month, min(received_on.day, calendar.monthrange(year, month)[1]))


def is_due(deadline: datetime | None, *, now: datetime) -> bool:
    return deadline is not None and deadline <= now


def is_held(hold_reason: str, hold_until: datetime | None, *, now: datetime) -> bool:
    """Under a legal hold at `now`: a reason is given, and the hold has no end or ends later."""
    return bool(hold_reason) and (hold_until is None or hold_until > now)
