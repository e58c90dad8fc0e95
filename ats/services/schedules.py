"""The queue's recurring tasks, registered idempotently (Schedule.name is not unique)."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from .. import retention
from ..app_settings import app_settings

PURGE_SCHEDULE = "ats: purge due applications"
SWEEP_SCHEDULE = "ats: sweep orphan CV files"
RENEWAL_SCHEDULE = "ats: ask for consent renewals"
EMAIL_SCHEDULE = "ats: send emails"
SETTLE_SCHEDULE = "ats: settle hiring decisions"
OPENINGS_SCHEDULE = "ats: publish and close openings"
REMINDER_SCHEDULE = "ats: remind of openings without a decision"
WEBHOOK_SCHEDULE = "ats: deliver webhooks"
DIGEST_SCHEDULE = "ats: queue the daily digests"
SCHEDULES = (
    PURGE_SCHEDULE,
    SWEEP_SCHEDULE,
    RENEWAL_SCHEDULE,
    EMAIL_SCHEDULE,
    SETTLE_SCHEDULE,
    OPENINGS_SCHEDULE,
    REMINDER_SCHEDULE,
    WEBHOOK_SCHEDULE,
    DIGEST_SCHEDULE,
)
RETIRED_SCHEDULES = (
    "ats: date late arrivals",  # 0.1's, now SETTLE_SCHEDULE
    "ats: send receipts",  # 0.2's, now EMAIL_SCHEDULE: every email, not only receipts
)


@transaction.atomic
def register_schedules() -> None:
    """Exactly one row per schedule, with the current settings, however often it runs."""
    wanted = {
        PURGE_SCHEDULE: {
            "func": "ats.tasks.purge_due_applications",
            "schedule_type": Schedule.MINUTES,
            "minutes": app_settings.PURGE_INTERVAL_MINUTES,
            "repeats": -1,
        },
        SWEEP_SCHEDULE: {
            "func": "ats.tasks.sweep_orphan_cv_files",
            "schedule_type": Schedule.DAILY,
            "minutes": None,
            "repeats": -1,
        },
        EMAIL_SCHEDULE: {  # the shortest interval django-q2 schedules
            "func": "ats.tasks.send_emails",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
        SETTLE_SCHEDULE: {  # a safety net under the decision's own task: as often as the purge
            "func": "ats.tasks.settle_hiring_decisions",
            "schedule_type": Schedule.MINUTES,
            "minutes": app_settings.PURGE_INTERVAL_MINUTES,
            "repeats": -1,
        },
        OPENINGS_SCHEDULE: {  # scheduled ads go up, and past deadlines close, on the minute
            "func": "ats.tasks.publish_and_close_openings",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
        WEBHOOK_SCHEDULE: {  # retries, and what a lost queue message left
            "func": "ats.tasks.deliver_webhooks",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
        REMINDER_SCHEDULE: {
            "func": "ats.tasks.remind_of_forgotten_openings",
            "schedule_type": Schedule.WEEKLY,
            "minutes": None,
            "repeats": -1,
        },
        RENEWAL_SCHEDULE: {
            "func": "ats.tasks.ask_for_consent_renewals_due",
            "schedule_type": Schedule.DAILY,
            "minutes": None,
            "repeats": -1,
        },
        DIGEST_SCHEDULE: {  # those who asked for it (services/todo.py)
            "func": "ats.tasks.send_daily_digests",
            "schedule_type": Schedule.DAILY,
            "minutes": None,
            "repeats": -1,
        },
    }
    # When a new schedule first runs (the others: at once); kept after, as the queue moves it.
    first_run = {DIGEST_SCHEDULE: {"next_run": next_morning(timezone.now())}}
    Schedule.objects.filter(name__in=RETIRED_SCHEDULES).delete()
    for name, fields in wanted.items():
        keep = Schedule.objects.filter(name=name).order_by("pk").first()
        if keep is None:
            Schedule.objects.create(name=name, **fields, **first_run.get(name, {}))
            continue
        Schedule.objects.filter(name=name).exclude(pk=keep.pk).delete()
        Schedule.objects.filter(pk=keep.pk).update(**fields)


DIGEST_HOUR = time(7)  # the digest waits at the start of the employer's day


def next_morning(now: datetime) -> datetime:
    """The next DIGEST_HOUR where the employer is."""
    day = retention.employer_date(now)
    if datetime.combine(day, DIGEST_HOUR, tzinfo=retention.employer_zone()) <= now:
        day += timedelta(days=1)
    return datetime.combine(day, DIGEST_HOUR, tzinfo=retention.employer_zone())
