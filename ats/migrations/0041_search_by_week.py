# Search walks back week by week (selectors/search.py): each application's text knows
# the week it arrived (text_search.week_of), and on PostgreSQL the GIN indexes hold each
# word of a part under that week ("~2912:sjukskotersk", by ats_week_lexemes), so that
# one week's matches are read from the index without reading every week's. They replace
# the indexes of migration 0040, which read every match of a word.

from django.db import migrations, models

from ats.text_search import WEEK_OF_SQL, week_of

VECTORS = ("team_vector", "cv_vector", "decider_vector")
BATCH = 2000

WEEK_LEXEMES = """
CREATE FUNCTION ats_week_lexemes(vector tsvector, week integer) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000
AS $$
    SELECT array_to_tsvector(array(
        SELECT '~' || week::text || ':' || lexeme FROM unnest(tsvector_to_array(vector)) lexeme
    ))
$$
"""


def set_weeks(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE ats_applicationtext t SET week = "
            + WEEK_OF_SQL.format("a.submitted_at")
            + " FROM ats_application a WHERE a.id = t.application_id"
        )
        return
    ApplicationText = apps.get_model("ats", "ApplicationText")
    last = 0
    while rows := list(
        ApplicationText.objects.filter(pk__gt=last)
        .order_by("pk")
        .values_list("pk", "application__submitted_at")[:BATCH]
    ):
        last = rows[-1][0]
        for pk, submitted_at in rows:
            ApplicationText.objects.filter(pk=pk).update(week=week_of(submitted_at))


def index_by_week(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(WEEK_LEXEMES)
    for vector in VECTORS:
        schema_editor.execute(f"DROP INDEX ats_text_{vector}")
        schema_editor.execute(
            f"CREATE INDEX ats_text_{vector}_by_week ON ats_applicationtext "
            f"USING gin (ats_week_lexemes({vector}, week))"
        )


def index_every_week(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for vector in VECTORS:
        schema_editor.execute(f"DROP INDEX ats_text_{vector}_by_week")
        schema_editor.execute(
            f"CREATE INDEX ats_text_{vector} ON ats_applicationtext USING gin ({vector})"
        )
    schema_editor.execute("DROP FUNCTION ats_week_lexemes(tsvector, integer)")


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0040_application_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationtext",
            name="week",
            field=models.IntegerField(db_index=True, default=0, editable=False),
        ),
        migrations.RunPython(set_weeks, migrations.RunPython.noop),
        migrations.RunPython(index_by_week, index_every_week, elidable=False),
    ]
