# The privacy officer's work in /recruit/: a case reference on each handled request, the
# applications each request covered (by public_id, to link their deletion certificates),
# and a lifted legal hold told apart from a placed one in the access log.

import ats.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ats', '0035_receipt_from_the_employers_template'),
    ]

    operations = [
        migrations.AddField(
            model_name='privacyrequest',
            name='case_reference',
            field=models.CharField(blank=True, db_default='', help_text="Your own reference for the request, e.g. ärende 2026-041. Not the person's name or address: the log keeps no personal data.", max_length=60, validators=[ats.validators.validate_one_line], verbose_name='case reference'),
        ),
        migrations.AlterField(
            model_name='accessevent',
            name='action',
            field=models.CharField(choices=[('view', 'Viewed'), ('download_cv', 'Downloaded the CV'), ('export', 'Exported'), ('stage_change', 'Changed the stage'), ('note', 'Wrote a note'), ('decision', 'Recorded the hiring decision'), ('hold', 'Placed a legal hold'), ('lift_hold', 'Lifted a legal hold'), ('erase', 'Erased'), ('edit', 'Corrected'), ('withdraw', 'Withdrew consent'), ('renew', 'Renewed consent'), ('restrict', 'Restricted processing'), ('unrestrict', 'Lifted the restriction'), ('object', 'Objected to processing'), ('score', 'Scored'), ('interview', 'Proposed or changed an interview'), ('book_interview', 'Chose an interview time'), ('merit_request', "Asked for the hired person's merits"), ('merit_answer', 'Answered a merit request')], max_length=20, verbose_name='action'),
        ),
        migrations.CreateModel(
            name='PrivacyRequestItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(db_index=True, verbose_name='application')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='ats.privacyrequest', verbose_name='request')),
            ],
            options={
                'verbose_name': 'application of a privacy request',
                'verbose_name_plural': 'applications of privacy requests',
                'ordering': ['request', 'pk'],
            },
        ),
    ]
