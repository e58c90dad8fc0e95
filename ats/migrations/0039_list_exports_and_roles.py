# A list taken away is written to the access log (one entry per application,
# "export_list"); and the roles come ready as groups with the permissions of
# ats/staff.py's ROLES, which AtsConfig gives them again after every migrate.

from django.db import migrations, models

from ats.staff import keep_groups_in_step


def create_groups(apps, schema_editor):
    keep_groups_in_step(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ('ats', '0038_tags_and_filters'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AlterField(
            model_name='accessevent',
            name='action',
            field=models.CharField(choices=[('view', 'Viewed'), ('download_cv', 'Downloaded the CV'), ('view_cv', 'Read the CV inside the page'), ('export', 'Exported'), ('export_list', 'Exported in a list'), ('stage_change', 'Changed the stage'), ('note', 'Wrote a note'), ('decision', 'Recorded the hiring decision'), ('hold', 'Placed a legal hold'), ('lift_hold', 'Lifted a legal hold'), ('erase', 'Erased'), ('edit', 'Corrected'), ('withdraw', 'Withdrew consent'), ('renew', 'Renewed consent'), ('restrict', 'Restricted processing'), ('unrestrict', 'Lifted the restriction'), ('object', 'Objected to processing'), ('score', 'Scored'), ('interview', 'Proposed or changed an interview'), ('book_interview', 'Chose an interview time'), ('merit_request', "Asked for the hired person's merits"), ('merit_answer', 'Answered a merit request'), ('tag', 'Tagged or untagged')], max_length=20, verbose_name='action'),
        ),
        # Left as they are when going back: an operator may have given them users.
        migrations.RunPython(create_groups, migrations.RunPython.noop),
    ]
