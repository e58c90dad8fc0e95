"""Roles on a hiring team: recruiter, hiring manager, interviewer."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0015_candidate_emails"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The many-to-many's own table gains a role (everyone on a team until now was,
        # in effect, its recruiter); only the state learns of the through model.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE ats_opening_hiring_team "
                    "ADD COLUMN role varchar(16) NOT NULL DEFAULT 'recruiter'",
                    "ALTER TABLE ats_opening_hiring_team DROP COLUMN role",
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="HiringTeamMember",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("recruiter", "Recruiter"),
                                    ("hiring_manager", "Hiring manager"),
                                    ("interviewer", "Interviewer"),
                                ],
                                default="recruiter",
                                max_length=16,
                                verbose_name="role",
                            ),
                        ),
                        (
                            "opening",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="team_members",
                                to="ats.opening",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="ats_team_memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "hiring team member",
                        "verbose_name_plural": "hiring team members",
                        "db_table": "ats_opening_hiring_team",
                        "unique_together": {("opening", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="opening",
                    name="hiring_team",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="ats_openings",
                        through="ats.HiringTeamMember",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="hiring team",
                    ),
                ),
            ],
        ),
    ]
