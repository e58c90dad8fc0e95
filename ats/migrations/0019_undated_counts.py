"""The stage counts also keep how many of each opening's applications have no
deletion date yet (an opening's applicants before its hiring decision), so that the
retention dashboard and report read them instead of counting a million rows. The
triggers of 0003, now adding both deltas: PostgreSQL still writes one upsert per
opening and stage per statement, and nothing for a statement that changes neither
(a claim, a restriction)."""

import importlib

from django.db import migrations, models

FIRST = importlib.import_module("ats.migrations.0003_stage_counts")

POSTGRESQL_UPSERT = """
    INSERT INTO ats_stagecount (opening_key, stage, applications, undated)
    SELECT COALESCE(opening_id, 0), stage, sum(delta), sum(undated) FROM ({rows}) AS changed
    GROUP BY 1, 2 HAVING sum(delta) <> 0 OR sum(undated) <> 0 ORDER BY 1, 2
    ON CONFLICT (opening_key, stage)
    DO UPDATE SET applications = ats_stagecount.applications + EXCLUDED.applications,
        undated = ats_stagecount.undated + EXCLUDED.undated
"""
INSERTED = (
    "SELECT opening_id, stage, 1 AS delta, (delete_after IS NULL)::int AS undated FROM inserted"
)
DELETED = (
    "SELECT opening_id, stage, -1 AS delta, -(delete_after IS NULL)::int AS undated FROM deleted"
)

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION ats_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {POSTGRESQL_UPSERT.format(rows=INSERTED)}; RETURN NULL; END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION ats_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {POSTGRESQL_UPSERT.format(rows=DELETED)}; RETURN NULL; END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION ats_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {POSTGRESQL_UPSERT.format(rows=f"{INSERTED} UNION ALL {DELETED}")}; RETURN NULL; END $$
    """,
]
# 0003's functions again, as they were.
POSTGRESQL_REVERSE = [
    statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    for statement in FIRST.POSTGRESQL
    if "CREATE FUNCTION" in statement
]


def sqlite_upsert(row: str, sign: str) -> str:
    undated = f"{sign}({row}.delete_after IS NULL)"
    return f"""
    INSERT INTO ats_stagecount (opening_key, stage, applications, undated)
    VALUES (COALESCE({row}.opening_id, 0), {row}.stage, {sign}1, {undated})
    ON CONFLICT (opening_key, stage)
    DO UPDATE SET applications = applications + {sign}1, undated = undated + {undated};
    """


SQLITE = [
    *FIRST.SQLITE_REVERSE,
    f"""
    CREATE TRIGGER ats_count_inserted AFTER INSERT ON ats_application
    BEGIN {sqlite_upsert("NEW", "+")} END
    """,
    f"""
    CREATE TRIGGER ats_count_deleted AFTER DELETE ON ats_application
    BEGIN {sqlite_upsert("OLD", "-")} END
    """,
    f"""
    CREATE TRIGGER ats_count_updated AFTER UPDATE OF opening_id, stage, delete_after
    ON ats_application
    WHEN OLD.opening_id IS NOT NEW.opening_id OR OLD.stage IS NOT NEW.stage
        OR (OLD.delete_after IS NULL) <> (NEW.delete_after IS NULL)
    BEGIN {sqlite_upsert("OLD", "-")} {sqlite_upsert("NEW", "+")} END
    """,
]
SQLITE_REVERSE = [*FIRST.SQLITE_REVERSE, *FIRST.SQLITE]

COUNT_EXISTING = """
    UPDATE ats_stagecount SET undated = (
        SELECT count(*) FROM ats_application
        WHERE COALESCE(opening_id, 0) = ats_stagecount.opening_key
            AND stage = ats_stagecount.stage AND delete_after IS NULL
    )
"""


def count_undated(apps, schema_editor):
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}[schema_editor.connection.vendor]
    for statement in [*statements, COUNT_EXISTING]:
        schema_editor.execute(statement)


def count_as_before(apps, schema_editor):
    reverse = {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}
    for statement in reverse[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0018_email_lookup_index"),
    ]

    operations = [
        # By SQL: no table rebuild, as in 0010.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE ats_stagecount ADD COLUMN undated integer NOT NULL DEFAULT 0",
                    "ALTER TABLE ats_stagecount DROP COLUMN undated",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="stagecount",
                    name="undated",
                    field=models.IntegerField(default=0, editable=False),
                ),
            ],
        ),
        migrations.RunPython(count_undated, count_as_before),
    ]
