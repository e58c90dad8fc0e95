"""The reports' counts (models/reports.py), kept from now on as things happen
(services/report_counts.py), and started here from what there is: each live
application's history replayed by the same definitions, and what ApplicationStatistic
kept of those already deleted (its month, source and last stage: a deleted applicant
rejected counts as having reached the first stage, and an arrival as on the first of its
month, which is all it knew)."""

from collections import Counter
from datetime import timedelta
from itertools import pairwise

import django.utils.timezone
from django.db import migrations, models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from ats import retention

PIPELINE = ["new", "reviewing", "interview", "offer", "hired"]
DAY_BUCKETS = [0, 1, 2, 3, 5, 8, 15, 31, 61, 91, 181, 366]  # as models/reports.py
CHUNK = 2_000


def bucket(duration: timedelta) -> int:
    """As services/report_counts.py counts it: the bucket whose end it is short of."""
    for start, end in pairwise(DAY_BUCKETS):
        if duration < timedelta(days=end):
            return start
    return DAY_BUCKETS[-1]


def replay(application, changes, reasons, zone) -> Counter:
    """What the services would have counted of one live application: its history
    replayed in order."""
    key = (
        application.opening_id or 0,
        application.submitted_at.astimezone(zone).date().replace(day=1),
        application.source,
    )
    counts = Counter()
    stage, since, furthest = "new", application.submitted_at, "new"
    for number, change in enumerate(changes):
        if number == 0:
            counts[
                (*key, "first_answer", "", bucket(change.changed_at - application.submitted_at))
            ] += 1
        if stage in PIPELINE[:-1]:
            counts[(*key, "in_stage", stage, bucket(change.changed_at - since))] += 1
        if change.to_stage in PIPELINE and PIPELINE.index(change.to_stage) > PIPELINE.index(
            furthest
        ):
            furthest = change.to_stage
        stage, since = change.to_stage, change.changed_at
    counts[(*key, "furthest", furthest, 0)] += 1
    if application.decided_at is not None and application.stage in ("hired", "rejected"):
        outcome = application.stage
        counts[(*key, "outcome", outcome, 0)] += 1
        counts[
            (
                *key,
                "to_decision",
                outcome,
                bucket(application.decided_at - application.submitted_at),
            )
        ] += 1
        if outcome == "rejected":
            reason = application.rejection_reason if application.rejection_reason in reasons else ""
            counts[(*key, "rejection_reason", reason, 0)] += 1
    return counts


def add_columns(apps, schema_editor):
    timestamp, default = {
        "postgresql": ("timestamp with time zone", "now()"),
        "sqlite": ("datetime", "'1970-01-01 00:00:00'"),  # SQLite's must be a constant
    }[schema_editor.connection.vendor]
    schema_editor.execute(
        f"ALTER TABLE ats_application ADD COLUMN stage_since {timestamp} NOT NULL DEFAULT {default}"
    )
    schema_editor.execute(
        "ALTER TABLE ats_application ADD COLUMN furthest_stage varchar(12) NOT NULL DEFAULT 'new'"
    )


def drop_columns(apps, schema_editor):
    for column in ("stage_since", "furthest_stage"):
        schema_editor.execute(f"ALTER TABLE ats_application DROP COLUMN {column}")


def replay_live(apps, schema_editor):
    """Each live application's place and counts, as the services would have kept them."""
    Application = apps.get_model("ats", "Application")
    StageChange = apps.get_model("ats", "StageChange")
    RejectionReason = apps.get_model("ats", "RejectionReason")
    history = StageChange.objects.filter(application=OuterRef("pk"))
    Application.objects.update(
        stage_since=Coalesce(
            Subquery(history.order_by("-changed_at", "-pk").values("changed_at")[:1]),
            F("submitted_at"),
        ),
        furthest_stage=Case(
            *(
                When(Q(stage=stage) | Exists(history.filter(to_stage=stage)), then=Value(stage))
                for stage in reversed(PIPELINE[1:])
            ),
            default=Value("new"),
        ),
    )
    zone = retention.employer_zone()
    reasons = set(RejectionReason.objects.values_list("label", flat=True))
    counts, arrivals = Counter(), Counter()
    last = 0
    while chunk := list(Application.objects.filter(pk__gt=last).order_by("pk")[:CHUNK]):
        last = chunk[-1].pk
        changes = {}
        for change in StageChange.objects.filter(application__in=chunk).order_by(
            "changed_at", "pk"
        ):
            changes.setdefault(change.application_id, []).append(change)
        for application in chunk:
            counts += replay(application, changes.get(application.pk, []), reasons, zone)
            day = application.submitted_at.astimezone(zone).date()
            arrivals[(application.opening_id or 0, day, application.source)] += 1
    add(apps, counts, arrivals)


def from_statistics(apps, schema_editor):
    """What ApplicationStatistic kept of the applications already deleted."""
    counts, arrivals = Counter(), Counter()
    for kept in apps.get_model("ats", "ApplicationStatistic").objects.all():
        key = (kept.opening_id or 0, kept.month, kept.source)
        furthest = kept.stage if kept.stage in PIPELINE else "new"
        counts[(*key, "furthest", furthest, 0)] += kept.applications
        if kept.stage in ("hired", "rejected"):
            counts[(*key, "outcome", kept.stage, 0)] += kept.applications
        arrivals[key] += kept.applications
    add(apps, counts, arrivals)


def add(apps, counts: Counter, arrivals: Counter) -> None:
    ReportCount = apps.get_model("ats", "ReportCount")
    ArrivalCount = apps.get_model("ats", "ArrivalCount")
    for (opening_key, month, source, figure, value, days), n in counts.items():
        row, _ = ReportCount.objects.get_or_create(
            opening_key=opening_key, month=month, source=source, figure=figure, value=value,
            days=days,
        )  # fmt: skip
        ReportCount.objects.filter(pk=row.pk).update(applications=F("applications") + n)
    for (opening_key, day, source), n in arrivals.items():
        row, _ = ArrivalCount.objects.get_or_create(opening_key=opening_key, day=day, source=source)
        ArrivalCount.objects.filter(pk=row.pk).update(applications=F("applications") + n)


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0044_staff_todo"),
    ]

    operations = [
        # By SQL, as in 0010 and 0012: AddField would rebuild the table on SQLite and
        # lose the counts' triggers. replay_live gives each row its values.
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
            state_operations=[
                migrations.AddField(
                    model_name="application",
                    name="furthest_stage",
                    field=models.CharField(
                        choices=[
                            ("new", "New"),
                            ("reviewing", "Reviewing"),
                            ("interview", "Interview"),
                            ("offer", "Offer"),
                            ("hired", "Hired"),
                            ("rejected", "Rejected"),
                        ],
                        default="new",
                        editable=False,
                        max_length=12,
                        verbose_name="furthest stage reached",
                    ),
                ),
                migrations.AddField(
                    model_name="application",
                    name="stage_since",
                    field=models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="in its stage since"
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="purgeclaim",
            name="decided",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.CreateModel(
            name="ArrivalCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("opening_key", models.IntegerField(editable=False)),
                ("day", models.DateField(editable=False, verbose_name="day applied")),
                (
                    "source",
                    models.CharField(
                        blank=True, editable=False, max_length=20, verbose_name="source"
                    ),
                ),
                (
                    "applications",
                    models.IntegerField(default=0, editable=False, verbose_name="applications"),
                ),
            ],
            options={
                "verbose_name": "arrival count",
                "verbose_name_plural": "arrival counts",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("opening_key", "day", "source"), name="ats_one_arrival_count"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ReportCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("opening_key", models.IntegerField(editable=False)),
                ("month", models.DateField(editable=False, verbose_name="month applied")),
                (
                    "source",
                    models.CharField(
                        blank=True, editable=False, max_length=20, verbose_name="source"
                    ),
                ),
                (
                    "figure",
                    models.CharField(
                        choices=[
                            ("furthest", "furthest stage reached"),
                            ("outcome", "outcome"),
                            ("rejection_reason", "rejection reason"),
                            ("deleted", "deletion"),
                            ("first_answer", "time to first answer"),
                            ("in_stage", "time in stage"),
                            ("to_decision", "time to decision"),
                        ],
                        editable=False,
                        max_length=20,
                        verbose_name="figure",
                    ),
                ),
                (
                    "value",
                    models.CharField(
                        blank=True, editable=False, max_length=120, verbose_name="value"
                    ),
                ),
                (
                    "days",
                    models.SmallIntegerField(default=0, editable=False, verbose_name="days (from)"),
                ),
                (
                    "applications",
                    models.IntegerField(default=0, editable=False, verbose_name="applications"),
                ),
            ],
            options={
                "verbose_name": "report count",
                "verbose_name_plural": "report counts",
                "indexes": [
                    models.Index(fields=["month", "figure"], name="ats_report_counts_by_month")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("opening_key", "month", "source", "figure", "value", "days"),
                        name="ats_one_report_count",
                    )
                ],
            },
        ),
        migrations.RunPython(replay_live, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(from_statistics, migrations.RunPython.noop, elidable=True),
    ]
