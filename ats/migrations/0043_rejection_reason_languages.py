# A rejection reason in each language of the UI (UX review problem 21): the shipped
# reasons, named "Swedish / English", are given each half in its language. Their name
# stays as it is: it is what the applications rejected with them keep.

import ats.validators
from django.db import migrations, models

SHIPPED = [  # 0015_candidate_emails's DEFAULT_REASONS
    "Uppfyller inte kraven / Does not meet the requirements",
    "Andra kandidater bättre matchade / Others matched better",
    "Drog tillbaka sin ansökan / Withdrew",
]


def split_shipped(apps, schema_editor):
    RejectionReason = apps.get_model("ats", "RejectionReason")
    for label in SHIPPED:
        swedish, english = label.split(" / ")
        RejectionReason.objects.filter(label=label).update(label_sv=swedish, label_en=english)


class Migration(migrations.Migration):

    dependencies = [
        ('ats', '0042_tag_copies'),
    ]

    operations = [
        migrations.AddField(
            model_name='rejectionreason',
            name='label_en',
            field=models.CharField(blank=True, max_length=120, validators=[ats.validators.validate_one_line], verbose_name='in English'),
        ),
        migrations.AddField(
            model_name='rejectionreason',
            name='label_sv',
            field=models.CharField(blank=True, max_length=120, validators=[ats.validators.validate_one_line], verbose_name='in Swedish'),
        ),
        migrations.RunPython(split_shipped, migrations.RunPython.noop),
    ]
