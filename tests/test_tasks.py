"""The queue: schedules registered once, tasks that call the services."""

import inspect
from datetime import timedelta

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import IntegrityError
from django.db.migrations.state import ProjectState
from django.utils import timezone
from django_q.models import Failure, Schedule

from ats import tasks
from ats.apps import register_schedules_after_migrate
from ats.models import Application, DeletionRecord
from ats.services.schedules import (
    EMAIL_SCHEDULE,
    PURGE_SCHEDULE,
    RENEWAL_SCHEDULE,
    RETIRED_SCHEDULES,
    SETTLE_SCHEDULE,
    SWEEP_SCHEDULE,
    register_schedules,
)
from tests.factories import ApplicationFactory
from tests.helpers import run_as_the_cluster

pytestmark = pytest.mark.django_db


def schedules() -> dict[str, Schedule]:
    names = [
        PURGE_SCHEDULE,
        SWEEP_SCHEDULE,
        RENEWAL_SCHEDULE,
        EMAIL_SCHEDULE,
        SETTLE_SCHEDULE,
    ]
    rows = Schedule.objects.filter(name__in=names)
    assert rows.count() == 5
    return {row.name: row for row in rows}


def test_migrate_registers_each_schedule_exactly_once():
    call_command("migrate", verbosity=0)
    call_command("migrate", verbosity=0)
    purge, sweep = schedules()[PURGE_SCHEDULE], schedules()[SWEEP_SCHEDULE]
    assert (purge.func, purge.schedule_type, purge.minutes) == (
        "ats.tasks.purge_due_applications",
        Schedule.MINUTES,
        15,
    )
    assert (sweep.func, sweep.schedule_type) == ("ats.tasks.sweep_orphan_cv_files", Schedule.DAILY)
    renewal = schedules()[RENEWAL_SCHEDULE]
    assert (renewal.func, renewal.schedule_type) == (
        "ats.tasks.ask_for_consent_renewals_due",
        Schedule.DAILY,
    )
    emails = schedules()[EMAIL_SCHEDULE]
    assert (emails.func, emails.schedule_type, emails.minutes) == (
        "ats.tasks.send_emails",
        Schedule.MINUTES,
        1,
    )
    late = schedules()[SETTLE_SCHEDULE]
    assert (late.func, late.schedule_type, late.minutes) == (
        "ats.tasks.settle_hiring_decisions",
        Schedule.MINUTES,
        15,
    )


def test_a_schedule_of_an_earlier_version_goes_on_the_next_migrate():
    # 0.1's safety net, whose task is now ats.tasks.settle_hiring_decisions.
    Schedule.objects.create(
        name="ats: date late arrivals", func="ats.tasks.date_late_arrivals_of_decided_openings"
    )

    call_command("migrate", verbosity=0)

    assert not Schedule.objects.filter(name__in=RETIRED_SCHEDULES).exists()
    assert Schedule.objects.filter(name=SETTLE_SCHEDULE).count() == 1


def test_a_migrate_before_the_queue_has_its_tables_registers_nothing_and_does_not_fail():
    Schedule.objects.all().delete()
    without_the_queue = ProjectState.from_apps(global_apps)
    without_the_queue.remove_model("django_q", "schedule")

    register_schedules_after_migrate(apps=without_the_queue.apps)
    assert not Schedule.objects.exists()
    register_schedules_after_migrate(apps=global_apps)
    assert len(schedules()) == 5


def test_registering_collapses_duplicates_and_follows_the_settings(settings):
    Schedule.objects.create(name=PURGE_SCHEDULE, func="ats.tasks.purge_due_applications")
    settings.ATS_PURGE_INTERVAL_MINUTES = 5
    register_schedules()
    assert schedules()[PURGE_SCHEDULE].minutes == 5


def test_purge_task_deletes_what_is_due(cv_files):
    ApplicationFactory(consented=True, delete_after=timezone.now() - timedelta(seconds=1))
    assert "Deleted: 1 application(s)" in tasks.purge_due_applications()
    assert not Application.objects.exists()
    assert DeletionRecord.objects.count() == 1
    assert cv_files.remaining() == []


def test_sweep_task_reports_counts_only(cv_files):
    ApplicationFactory()
    assert tasks.sweep_orphan_cv_files() == "Orphan CV files deleted: 0; failed: 0"


def test_a_failed_task_is_kept_without_its_exceptions_message(monkeypatch):
    """The queue keeps a failed task's exception, message and all, until its failures
    are deleted: an IntegrityError quotes the row it refused."""

    address = "astrid.lindqvist@example.se"

    def refused():
        raise IntegrityError(f"Key (email)=({address}) already exists.")

    monkeypatch.setattr(tasks, "purge_due", refused)
    run_as_the_cluster("ats.tasks.purge_due_applications")

    failure = Failure.objects.get()
    assert "IntegrityError" in failure.result and "refused" in failure.result
    assert "astrid" not in failure.result


def test_every_task_keeps_a_failure_without_its_message():
    defined_here = [
        value
        for name, value in vars(tasks).items()
        if inspect.isfunction(value)
        and value.__module__ == tasks.__name__
        and name != "recorded_without_personal_data"
    ]
    assert len(defined_here) >= 14
    assert [task.__name__ for task in defined_here if not hasattr(task, "__wrapped__")] == []
