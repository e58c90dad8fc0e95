# The access log names a CV read inside the page (view_cv) apart from a download.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ats', '0036_privacy_officer_in_recruit'),
    ]

    operations = [
        migrations.AlterField(
            model_name='accessevent',
            name='action',
            field=models.CharField(choices=[('view', 'Viewed'), ('download_cv', 'Downloaded the CV'), ('view_cv', 'Read the CV inside the page'), ('export', 'Exported'), ('stage_change', 'Changed the stage'), ('note', 'Wrote a note'), ('decision', 'Recorded the hiring decision'), ('hold', 'Placed a legal hold'), ('lift_hold', 'Lifted a legal hold'), ('erase', 'Erased'), ('edit', 'Corrected'), ('withdraw', 'Withdrew consent'), ('renew', 'Renewed consent'), ('restrict', 'Restricted processing'), ('unrestrict', 'Lifted the restriction'), ('object', 'Objected to processing'), ('score', 'Scored'), ('interview', 'Proposed or changed an interview'), ('book_interview', 'Chose an interview time'), ('merit_request', "Asked for the hired person's merits"), ('merit_answer', 'Answered a merit request')], max_length=20, verbose_name='action'),
        ),
    ]
