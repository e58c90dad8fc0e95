"""Each application's self-service link key, and when its current link was first used.

The key is added by SQL rather than by AddField: on SQLite, AddField of a NOT NULL
column rebuilds the table and loses the stage-count triggers of 0003 (see 0005). Rows
already there get the key '' (links in the old format stop working; /my-data/ sends
new ones). The nullable time needs no rebuild.
"""

import ats.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0009_link_request_outbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE ats_application "
                    "ADD COLUMN link_key varchar(32) NOT NULL DEFAULT ''",
                    "ALTER TABLE ats_application DROP COLUMN link_key",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="application",
                    name="link_key",
                    field=models.CharField(
                        default=ats.models.new_link_key, editable=False, max_length=32
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="application",
            name="link_used_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
