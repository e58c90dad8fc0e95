"""Random lives of applications keep the policy's invariants (hypothesis).

Candidates apply (with or without consent, to an opening or not), withdraw, erase;
recruiters decide; lawyers hold and release; time passes, with the scheduled purge
running as it would. After every step:
- nothing was deleted before its date, nor while a legal hold kept it;
- nothing past its date is still there once the scheduled purge has run, unless held;
- every deleted application has exactly one tombstone;
- every stored file belongs to an application row, and every row's file exists.
"""

import shutil
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ats import cv_checks
from ats.models import AccessEvent, Application, DeletionRecord, Opening
from ats.services import candidate_rights, holds
from ats.services.applications import ApplicationError, submit_application
from ats.services.decisions import record_hiring_decision
from ats.services.purge import purge_due
from tests.factories import OpeningFactory, UserFactory
from tests.helpers import sample_bytes

# Slow: hypothesis tries many lives.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CV = sample_bytes("pdf")

index = st.integers(min_value=0, max_value=30)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("apply"), st.booleans(), st.booleans()),
        st.tuples(st.just("withdraw"), index),
        st.tuples(st.just("erase"), index),
        st.tuples(st.just("object"), index),
        st.tuples(st.just("decide")),
        st.tuples(st.just("hold"), index, st.none() | st.integers(min_value=1, max_value=900)),
        st.tuples(st.just("unhold"), index),
        st.tuples(st.just("time"), st.integers(min_value=1, max_value=800)),
        # Right around the next date that matters: where an off-by-one would show.
        st.tuples(st.just("near_next_date"), st.integers(min_value=-90, max_value=90)),
        st.tuples(st.just("purge")),
    ),
    max_size=30,
)


class World:
    def __init__(self, cv_files):
        self.cv_files = cv_files
        self.now = START
        self.lawyer = UserFactory(username="jurist")
        self.opening = OpeningFactory(created_at=self.now)
        self.deadlines = {}  # public_id -> the last delete_after seen while it existed
        self.holds = {}  # public_id -> the last (hold reason, hold end) seen

    def live(self) -> list[Application]:
        return list(Application.objects.live(now=self.now).order_by("pk"))

    def pick(self, number: int) -> Application | None:
        applications = self.live()
        return applications[number % len(applications)] if applications else None

    def step(self, name: str, *args) -> None:
        with time_machine.travel(self.now, tick=False):
            getattr(self, name)(*args)
        self.remember_deadlines()
        self.check()

    def apply(self, for_opening: bool, consent: bool) -> None:
        try:
            submit_application(
                opening=self.opening if for_opening else None,
                name="Kandidat",
                email="k@example.se",
                cv=cv_checks.validate_cv(ContentFile(CV, name="cv.pdf")),
                consent=consent,
            )
        except ApplicationError:  # the opening has closed
            self.opening = OpeningFactory(created_at=self.now)

    def withdraw(self, number: int) -> None:
        if application := self.pick(number):
            candidate_rights.withdraw_consent(application=application)

    def erase(self, number: int) -> None:
        if application := self.pick(number):
            candidate_rights.request_erasure(application=application)

    def object(self, number: int) -> None:
        if (application := self.pick(number)) and not application.is_spontaneous:
            candidate_rights.object_to_processing(application=application)

    def decide(self) -> None:
        record_hiring_decision(opening=self.opening, hired=[], decided_by=self.lawyer)
        self.opening = OpeningFactory(created_at=self.now)  # the next recruitment

    def hold(self, number: int, days: int | None) -> None:
        if application := self.pick(number):
            until = self.now + timedelta(days=days) if days else None
            holds.place_legal_hold(
                applications=Application.objects.filter(pk=application.pk),
                reason="Tvist",
                until=until,
                placed_by=self.lawyer,
            )

    def unhold(self, number: int) -> None:
        if application := self.pick(number):
            holds.lift_legal_hold(
                applications=Application.objects.filter(pk=application.pk), lifted_by=self.lawyer
            )

    def time(self, days: int) -> None:
        self.now += timedelta(days=days)
        with time_machine.travel(self.now, tick=False):
            purge_due()  # the schedule runs every few minutes: it has run by now

    def near_next_date(self, minutes: int) -> None:
        dates = [
            moment
            for pair in Application.objects.values_list("delete_after", "hold_until")
            for moment in pair
            if moment is not None and moment > self.now
        ]
        if dates:
            self.now = max(self.now, min(dates) + timedelta(minutes=minutes))
            with time_machine.travel(self.now, tick=False):
                purge_due()

    def purge(self) -> None:
        purge_due()

    def remember_deadlines(self) -> None:
        for public_id, delete_after, reason, until in Application.objects.values_list(
            "public_id", "delete_after", "hold_reason", "hold_until"
        ):
            self.deadlines[public_id] = delete_after
            self.holds[public_id] = (reason, until)

    def check(self) -> None:
        rows = list(Application.objects.values_list("public_id", "cv"))
        tombstones = list(DeletionRecord.objects.values_list("public_id", "due_at", "deleted_at"))
        deleted = {public_id for public_id, _, _ in tombstones}
        # One tombstone per deleted application, and none for one that still exists.
        assert len(deleted) == len(tombstones)
        assert not deleted & {public_id for public_id, _ in rows}
        for public_id, due_at, deleted_at in tombstones:
            assert due_at <= deleted_at  # nothing before its time
            if public_id in self.deadlines:  # it existed as a row (not consent_absent)
                assert self.deadlines[public_id] is not None
                assert self.deadlines[public_id] <= deleted_at
                reason, until = self.holds[public_id]  # a legal hold keeps it, while it lasts
                assert not reason or (until is not None and until <= deleted_at)
        # Past its date and not held: gone once the schedule has run (after "time").
        overdue = Application.objects.due(now=self.now - timedelta(minutes=15))
        if self.last_step_moved_time:
            assert not overdue.exists()
        # Files and rows agree.
        assert sorted(self.cv_files.remaining()) == sorted(cv for _, cv in rows)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
# The lives an auditor would try first; hypothesis adds its own.
@example(steps=[("apply", False, True), ("hold", 0, None), ("erase", 0), ("purge",)])
@example(steps=[("apply", True, False), ("hold", 0, 30), ("object", 0), ("time", 10), ("time", 30)])
@example(steps=[("apply", True, False), ("decide",), ("near_next_date", -1), ("near_next_date", 1)])
@example(steps=[("apply", False, True), ("near_next_date", -1), ("withdraw", 0), ("purge",)])
def test_random_lives_keep_the_invariants(cv_files, notice, steps):
    # Each example starts from nothing (the fixtures are shared between examples).
    Application.objects.all().delete_with_dependents()
    DeletionRecord.objects.all().delete()
    AccessEvent.objects.all().delete()
    Opening.objects.all().delete()
    shutil.rmtree(cv_files.root, ignore_errors=True)
    world = World(cv_files)
    for name, *args in steps:
        world.last_step_moved_time = name in ("time", "near_next_date")
        world.step(name, *args)
