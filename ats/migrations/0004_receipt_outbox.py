"""Receipts sent from the applications themselves, by the worker (an outbox).

Applications already here had their receipt from the queue: they count as sent, when
they arrived, so that nobody gets a second one.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def count_earlier_receipts_as_sent(apps, schema_editor):
    Application = apps.get_model("ats", "Application")
    Application.objects.update(receipt_sent_at=F("submitted_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0003_stage_counts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="receipt_sent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(count_earlier_receipts_as_sent, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                condition=models.Q(("receipt_sent_at__isnull", True)),
                fields=["id"],
                name="ats_receipt_pending",
            ),
        ),
    ]
