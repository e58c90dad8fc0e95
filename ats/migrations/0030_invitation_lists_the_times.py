"""The shipped "interview invitation" lists the times offered, their length and the
place ({interview}); a text the employer has changed is left as it is."""

from django.db import migrations

BEFORE = {
    "body_sv": "Hej {first_name}!\n\nVi vill gärna träffa dig för en intervju om {opening}. "
    "Välj en tid här: {link}\n\n{employer}",
    "body_en": "Hello {first_name},\n\nWe would like to meet you for an interview about "
    "{opening}. Choose a time here: {link}\n\n{employer}",
}
AFTER = {
    "body_sv": "Hej {first_name}!\n\nVi vill gärna träffa dig för en intervju om {opening}. "
    "Tiderna vi kan erbjuda:\n\n{interview}\n\nVälj en tid här: {link}\n\n{employer}",
    "body_en": "Hello {first_name},\n\nWe would like to meet you for an interview about "
    "{opening}. The times we can offer:\n\n{interview}\n\nChoose a time here: {link}\n\n"
    "{employer}",
}


def replace(apps, old: dict, new: dict) -> None:
    EmailTemplate = apps.get_model("ats", "EmailTemplate")
    for field, text in old.items():
        EmailTemplate.objects.filter(key="interview_invitation", **{field: text}).update(
            **{field: new[field]}
        )


class Migration(migrations.Migration):
    dependencies = [("ats", "0029_email_drain_lease")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: replace(apps, BEFORE, AFTER),
            lambda apps, schema_editor: replace(apps, AFTER, BEFORE),
        )
    ]
