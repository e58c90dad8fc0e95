"""A tag on an application carries a copy of its opening, stage and date, kept in step
by triggers, under indexes that a tag filter reads in the order a list or a board column
shows: a page's worth of the tag's rows, however many the opening holds (issue 33).

Triggers, as for the stage counts (0003): every write path that moves a stage (a page,
the board, a bulk action, the decision, the API, the admin, raw SQL) moves the copies,
and none can forget to. PostgreSQL per statement, from its transition tables (a
decision over 100,000 applicants is one more statement inside its own); SQLite per row.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

POSTGRESQL = [
    """
    CREATE FUNCTION ats_tags_follow_stage() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE ats_applicationtag AS tagged SET stage = moved.stage
        FROM inserted AS moved JOIN deleted AS was ON was.id = moved.id
        WHERE moved.stage <> was.stage AND tagged.application_id = moved.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER ats_tags_follow_stage AFTER UPDATE ON ats_application
    REFERENCING NEW TABLE AS inserted OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION ats_tags_follow_stage()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER ats_tags_follow_stage ON ats_application",
    "DROP FUNCTION ats_tags_follow_stage()",
]
SQLITE = [
    """
    CREATE TRIGGER ats_tags_follow_stage AFTER UPDATE OF stage ON ats_application
    WHEN OLD.stage IS NOT NEW.stage
    BEGIN UPDATE ats_applicationtag SET stage = NEW.stage WHERE application_id = NEW.id; END
    """,
]
SQLITE_REVERSE = ["DROP TRIGGER ats_tags_follow_stage"]


def copy_from_applications(apps, schema_editor):
    ApplicationTag = apps.get_model("ats", "ApplicationTag")
    Application = apps.get_model("ats", "Application")
    its = Application.objects.filter(pk=OuterRef("application_id"))
    ApplicationTag.objects.update(
        opening=Subquery(its.values("opening_id")[:1]),
        stage=Subquery(its.values("stage")[:1]),
        submitted_at=Subquery(its.values("submitted_at")[:1]),
    )


def create_triggers(apps, schema_editor):
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}[schema_editor.connection.vendor]
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    statements = {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}
    for statement in statements[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0041_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationtag",
            name="opening",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=models.deletion.DO_NOTHING,
                related_name="+",
                to="ats.opening",
            ),
        ),
        migrations.AddField(
            model_name="applicationtag",
            name="stage",
            field=models.CharField(editable=False, max_length=12, null=True),
        ),
        migrations.AddField(
            model_name="applicationtag",
            name="submitted_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(copy_from_applications, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="applicationtag",
            name="stage",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("reviewing", "Reviewing"),
                    ("interview", "Interview"),
                    ("offer", "Offer"),
                    ("hired", "Hired"),
                    ("rejected", "Rejected"),
                ],
                editable=False,
                max_length=12,
            ),
        ),
        migrations.AlterField(
            model_name="applicationtag",
            name="submitted_at",
            field=models.DateTimeField(editable=False),
        ),
        migrations.AddIndex(
            model_name="applicationtag",
            index=models.Index(
                fields=["tag", "opening", "-submitted_at", "-application"],
                name="ats_tagged_by_date",
            ),
        ),
        migrations.AddIndex(
            model_name="applicationtag",
            index=models.Index(
                fields=["tag", "opening", "stage", "-submitted_at", "-application"],
                name="ats_tagged_by_stage",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
