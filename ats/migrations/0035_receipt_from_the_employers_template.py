# The receipt of an application is sent from the employer's "received" template (the
# one the admin edits), where it was a file of the app's own: the default text becomes
# what the receipt said, unless the employer has changed it, and spontaneous applications
# get a template of their own.

from django.db import migrations, models

SHIPPED_RECEIVED = (  # 0015's default
    "Vi har tagit emot din ansökan",
    "Hej {first_name}!\n\nTack för din ansökan till {opening}. Vi hör av oss när vi har gått igenom ansökningarna.\n\nDu kan se och ändra din ansökan här: {link}\n\n{employer}",
    "We have received your application",
    "Hello {first_name},\n\nThank you for applying for {opening}. We will be in touch once we have been through the applications.\n\nYou can see and change your application here: {link}\n\n{employer}",
)
LINK_SV = (
    "Här kan du se, ladda ner, rätta, begränsa eller radera dina uppgifter:\n{link}\n\n"
    "Länken fungerar så länge vi sparar din ansökan. Du kan när som helst be om en ny på vår "
    'webbplats, under "Mina uppgifter".\n\n-- \n{employer}'
)
LINK_EN = (
    "See, download, correct, restrict or erase your data here:\n{link}\n\n"
    "The link works for as long as we keep your application. You can ask for a new one at "
    'any time on our website, under "My data".\n\n-- \n{employer}'
)
RECEIPTS = {
    "received": {
        "subject_sv": "Vi har tagit emot din ansökan till {opening}",
        "body_sv": "Hej {first_name},\n\nTack för din ansökan till {opening}. Vi sparar din "
        "ansökan under rekryteringen och raderar den, tillsammans med ditt CV, "
        "{deletion_date}.\n\n" + LINK_SV,
        "subject_en": "We received your application for {opening}",
        "body_en": "Hello {first_name},\n\nThank you for applying for {opening}. We keep your "
        "application while the recruitment runs and delete it, with your CV, "
        "{deletion_date}.\n\n" + LINK_EN,
    },
    "received_spontaneous": {
        "subject_sv": "Vi har tagit emot din spontanansökan",
        "body_sv": "Hej {first_name},\n\nTack för din spontanansökan. Med ditt samtycke sparar "
        "vi den till {deletion_date} och raderar den sedan tillsammans med ditt CV. Du kan när "
        "som helst återkalla ditt samtycke.\n\n" + LINK_SV,
        "subject_en": "We received your spontaneous application",
        "body_en": "Hello {first_name},\n\nThank you for your spontaneous application. With "
        "your consent we keep it until {deletion_date}, then delete it with your CV. You can "
        "withdraw your consent at any time.\n\n" + LINK_EN,
    },
}


def receipts_from_templates(apps, schema_editor):
    EmailTemplate = apps.get_model("ats", "EmailTemplate")
    subject_sv, body_sv, subject_en, body_en = SHIPPED_RECEIVED
    EmailTemplate.objects.filter(
        key="received",
        subject_sv=subject_sv,
        body_sv=body_sv,
        subject_en=subject_en,
        body_en=body_en,
    ).update(**RECEIPTS["received"])
    EmailTemplate.objects.get_or_create(
        key="received_spontaneous", defaults=RECEIPTS["received_spontaneous"]
    )


def shipped_received_again(apps, schema_editor):
    EmailTemplate = apps.get_model("ats", "EmailTemplate")
    EmailTemplate.objects.filter(key="received_spontaneous").delete()
    subject_sv, body_sv, subject_en, body_en = SHIPPED_RECEIVED
    EmailTemplate.objects.filter(key="received", **RECEIPTS["received"]).update(
        subject_sv=subject_sv, body_sv=body_sv, subject_en=subject_en, body_en=body_en
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0034_webhook_event_sequence"),
    ]

    operations = [
        migrations.AlterField(
            model_name="candidateemail",
            name="template",
            field=models.CharField(
                choices=[
                    ("received", "Application received"),
                    ("received_spontaneous", "Spontaneous application received"),
                    ("rejected", "Not going further"),
                    ("position_filled", "Position filled"),
                    ("interview_invitation", "Interview invitation"),
                    ("interview_changed", "Interview changed"),
                    ("interview_booked", "Interview booked"),
                    ("interview_cancelled", "Interview cancelled"),
                    ("written", "Written by the recruiters"),
                    ("renewal", "Renew your consent"),
                ],
                max_length=24,
                verbose_name="email",
            ),
        ),
        migrations.AlterField(
            model_name="emailtemplate",
            name="key",
            field=models.CharField(
                choices=[
                    ("received", "Application received"),
                    ("received_spontaneous", "Spontaneous application received"),
                    ("rejected", "Not going further"),
                    ("position_filled", "Position filled"),
                    ("interview_invitation", "Interview invitation"),
                    ("interview_changed", "Interview changed"),
                    ("interview_booked", "Interview booked"),
                    ("interview_cancelled", "Interview cancelled"),
                ],
                max_length=24,
                unique=True,
                verbose_name="email",
            ),
        ),
        migrations.RunPython(receipts_from_templates, shipped_received_again),
    ]
