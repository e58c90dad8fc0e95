"""A purge claims an application by moving it into a narrow PurgeClaim and deleting it,
instead of marking the row (purge_run). A row marked when this migration runs is past
its date: the next purge claims it again and deletes its file, if still there."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0021_due_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="PurgeClaim",
            fields=[
                (
                    "application_id",
                    models.BigIntegerField(editable=False, primary_key=True, serialize=False),
                ),
                ("batch", models.UUIDField(db_index=True, editable=False)),
                ("public_id", models.UUIDField(editable=False)),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("consent_absent", "Spontaneous, no consent to keep it"),
                            ("consent_expired", "Consent period ended"),
                            ("retention_expired", "Retention after the hiring decision ended"),
                            ("consent_withdrawn", "Consent withdrawn"),
                            ("erasure_requested", "Erasure requested"),
                        ],
                        editable=False,
                        max_length=20,
                    ),
                ),
                ("due_at", models.DateTimeField(editable=False)),
                ("cv", models.CharField(blank=True, editable=False, max_length=200)),
                ("stage", models.CharField(editable=False, max_length=12)),
                ("source", models.CharField(blank=True, editable=False, max_length=20)),
                ("submitted_at", models.DateTimeField(editable=False)),
                ("email", models.EmailField(blank=True, editable=False, max_length=254)),
                ("language", models.CharField(blank=True, editable=False, max_length=8)),
                ("claimed_at", models.DateTimeField(editable=False)),
            ],
            options={
                "verbose_name": "application being deleted",
                "verbose_name_plural": "applications being deleted",
            },
        ),
        migrations.RemoveIndex(
            model_name="application",
            name="ats_claimed_by_purge_run",
        ),
        migrations.RemoveField(
            model_name="application",
            name="purge_run",
        ),
        migrations.AddField(
            model_name="purgeclaim",
            name="opening",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="ats.opening",
            ),
        ),
    ]
