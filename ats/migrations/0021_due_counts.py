"""How many applications fall due in each hour, per deletion reason, kept by triggers
on every write of an application (as the stage counts of 0003 are), so that the
retention dashboard and report sum a few hundred counters for the weeks ahead instead
of counting the rows due in them. Hours in UTC: a Swedish week starts on a whole hour,
so the hours add up to exact weeks. PostgreSQL counts per statement, from its
transition tables; a statement that changes no deletion date writes nothing."""

from django.db import migrations, models

POSTGRESQL_HOUR = "(date_trunc('hour', delete_after AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
POSTGRESQL_UPSERT = f"""
    INSERT INTO ats_duecount (hour, reason, applications)
    SELECT hour, reason, sum(delta) FROM (
        SELECT {POSTGRESQL_HOUR} AS hour, deletion_reason AS reason, delta FROM ({{rows}}) AS r
        WHERE delete_after IS NOT NULL
    ) AS changed
    GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
    ON CONFLICT (hour, reason)
    DO UPDATE SET applications = ats_duecount.applications + EXCLUDED.applications
"""
INSERTED = "SELECT delete_after, deletion_reason, 1 AS delta FROM inserted"
DELETED = "SELECT delete_after, deletion_reason, -1 AS delta FROM deleted"

POSTGRESQL = [
    f"""
    CREATE FUNCTION ats_due_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {POSTGRESQL_UPSERT.format(rows=INSERTED)}; RETURN NULL; END $$
    """,
    f"""
    CREATE FUNCTION ats_due_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {POSTGRESQL_UPSERT.format(rows=DELETED)}; RETURN NULL; END $$
    """,
    f"""
    CREATE FUNCTION ats_due_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {POSTGRESQL_UPSERT.format(rows=f"{INSERTED} UNION ALL {DELETED}")}; RETURN NULL; END $$
    """,
    """
    CREATE TRIGGER ats_due_inserted AFTER INSERT ON ats_application
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION ats_due_inserted()
    """,
    """
    CREATE TRIGGER ats_due_deleted AFTER DELETE ON ats_application
    REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION ats_due_deleted()
    """,
    """
    CREATE TRIGGER ats_due_updated AFTER UPDATE ON ats_application
    REFERENCING NEW TABLE AS inserted OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION ats_due_updated()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER ats_due_inserted ON ats_application",
    "DROP TRIGGER ats_due_deleted ON ats_application",
    "DROP TRIGGER ats_due_updated ON ats_application",
    "DROP FUNCTION ats_due_inserted()",
    "DROP FUNCTION ats_due_deleted()",
    "DROP FUNCTION ats_due_updated()",
]


def sqlite_upsert(row: str, delta: str) -> str:
    # Django stores SQLite datetimes as UTC text, 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
    return f"""
    INSERT INTO ats_duecount (hour, reason, applications)
    SELECT strftime('%Y-%m-%d %H:00:00', {row}.delete_after), {row}.deletion_reason, {delta}
    WHERE {row}.delete_after IS NOT NULL
    ON CONFLICT (hour, reason) DO UPDATE SET applications = applications + {delta};
    """


SQLITE = [
    f"""
    CREATE TRIGGER ats_due_inserted AFTER INSERT ON ats_application
    BEGIN {sqlite_upsert("NEW", "1")} END
    """,
    f"""
    CREATE TRIGGER ats_due_deleted AFTER DELETE ON ats_application
    BEGIN {sqlite_upsert("OLD", "-1")} END
    """,
    f"""
    CREATE TRIGGER ats_due_updated AFTER UPDATE OF delete_after, deletion_reason
    ON ats_application
    WHEN OLD.delete_after IS NOT NEW.delete_after OR OLD.deletion_reason IS NOT NEW.deletion_reason
    BEGIN {sqlite_upsert("OLD", "-1")} {sqlite_upsert("NEW", "1")} END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER ats_due_inserted",
    "DROP TRIGGER ats_due_deleted",
    "DROP TRIGGER ats_due_updated",
]

COUNT_EXISTING = {
    "postgresql": f"""
        INSERT INTO ats_duecount (hour, reason, applications)
        SELECT {POSTGRESQL_HOUR}, deletion_reason, count(*) FROM ats_application
        WHERE delete_after IS NOT NULL GROUP BY 1, 2
    """,
    "sqlite": """
        INSERT INTO ats_duecount (hour, reason, applications)
        SELECT strftime('%Y-%m-%d %H:00:00', delete_after), deletion_reason, count(*)
        FROM ats_application WHERE delete_after IS NOT NULL GROUP BY 1, 2
    """,
}


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in [
        *{"postgresql": POSTGRESQL, "sqlite": SQLITE}[vendor],
        COUNT_EXISTING[vendor],
    ]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    reverse = {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}
    for statement in reverse[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0020_scale_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="DueCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("hour", models.DateTimeField(editable=False)),
                ("reason", models.CharField(editable=False, max_length=20)),
                ("applications", models.IntegerField(default=0, editable=False)),
            ],
            options={
                "verbose_name": "due count",
                "verbose_name_plural": "due counts",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("hour", "reason"), name="ats_one_due_count_per_hour"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
