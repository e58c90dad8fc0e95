"""What was stored before issue 30 that must not stay: delivery-log errors that told the
key holder what answered inside the worker's network, and webhook signing secrets in the
stored idempotent answers (ASVS 13.2.5, 13.3.1)."""

from django.db import migrations
from django.db.models import Q

UNREACHABLE = "unreachable"


def forget(apps, schema_editor):
    WebhookDelivery = apps.get_model("ats", "WebhookDelivery")
    telling = WebhookDelivery.objects.exclude(
        Q(last_error="") | Q(last_error=UNREACHABLE) | Q(last_error__startswith="refused by ")
    )
    telling.filter(last_status__isnull=True).update(last_error=UNREACHABLE)
    for status in telling.values_list("last_status", flat=True).distinct():
        telling.filter(last_status=status).update(last_error=f"refused by receiver (HTTP {status})")
    IdempotentRequest = apps.get_model("ats", "IdempotentRequest")
    for stored in IdempotentRequest.objects.filter(answer__has_key="secret"):
        stored.answer = {"id": stored.answer["id"]}
        stored.save(update_fields=["answer"])


class Migration(migrations.Migration):
    dependencies = [("ats", "0032_one_line_fields")]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
