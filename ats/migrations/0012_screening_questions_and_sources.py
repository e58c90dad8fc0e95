"""Screening questions and their answers (deleted with the application), and the channel
an application came from, counted in the statistics that outlive it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0011_job_ads"),
    ]

    operations = [
        # By SQL, as in 0010: AddField would rebuild the table on SQLite and lose the
        # stage-count triggers.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE ats_application ADD COLUMN source varchar(20) NOT NULL DEFAULT ''",
                    "ALTER TABLE ats_application DROP COLUMN source",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="application",
                    name="source",
                    field=models.CharField(blank=True, max_length=20, verbose_name="source"),
                ),
            ],
        ),
        migrations.AddField(
            model_name="applicationstatistic",
            name="source",
            field=models.CharField(blank=True, max_length=20, verbose_name="source"),
        ),
        migrations.CreateModel(
            name="ScreeningQuestion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.CharField(max_length=300, verbose_name="question")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("yes_no", "Yes or no"),
                            ("choice", "One of several"),
                            ("text", "Short text"),
                        ],
                        default="yes_no",
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                (
                    "choices",
                    models.TextField(
                        blank=True,
                        help_text="For one of several: one choice a line.",
                        verbose_name="choices",
                    ),
                ),
                (
                    "unmet_answer",
                    models.CharField(
                        blank=True,
                        help_text="Flags the application for the recruiters; it never rejects it.",
                        max_length=200,
                        verbose_name="answer that does not meet a requirement",
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "opening",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="questions",
                        to="ats.opening",
                    ),
                ),
            ],
            options={
                "verbose_name": "screening question",
                "verbose_name_plural": "screening questions",
                "ordering": ["opening", "position", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ScreeningAnswer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("question_text", models.CharField(max_length=300)),
                ("answer", models.CharField(max_length=500)),
                ("misses_requirement", models.BooleanField(default=False)),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="answers",
                        to="ats.application",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="ats.screeningquestion",
                    ),
                ),
            ],
            options={
                "verbose_name": "screening answer",
                "verbose_name_plural": "screening answers",
                "ordering": ["application", "pk"],
            },
        ),
    ]
