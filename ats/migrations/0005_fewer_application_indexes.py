"""Two indexes fewer to write for every application and every purge claim: the
opening's own index (the applicant list's index starts with the opening) and the index
of who set legal holds, now kept only for the rows that have one.

The two indexes are dropped by name (the same on SQLite and PostgreSQL) rather than by
altering the fields: on SQLite that would rebuild the table and lose the stage-count
triggers of 0003.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Django's names for the two indexes, from the table and column names alone.
DROPPED = {
    "ats_application_opening_id_a3c6fb0f": "opening_id",
    "ats_application_hold_set_by_id_65b3310c": "hold_set_by_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0004_receipt_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}",
                    reverse_sql=f"CREATE INDEX IF NOT EXISTS {name} ON ats_application ({column})",
                )
                for name, column in DROPPED.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="application",
                    name="hold_set_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="legal hold set by",
                    ),
                ),
                migrations.AlterField(
                    model_name="application",
                    name="opening",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Empty for a spontaneous application.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
                        to="ats.opening",
                        verbose_name="opening",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                condition=models.Q(("hold_set_by__isnull", False)),
                fields=["hold_set_by"],
                name="ats_holds_by_user",
            ),
        ),
    ]
