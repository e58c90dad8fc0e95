"""Per-stage counts of each opening's applications, kept by triggers in the database.

Triggers rather than code in the services: every write path (services, the purge's
set-based deletes, the admin, a restore replayed from the ledger, raw SQL) moves the
counts, and none can forget to. PostgreSQL counts per statement, from its transition
tables, so a purge batch or a hiring decision over 10,000 rows costs one upsert per
opening and stage; a statement that changes no stage (a claim, a restriction) writes
nothing. SQLite has only row triggers, enough at its scale.
"""

from django.db import migrations, models

# Add each changed row's delta (+1 or -1) to the count of its opening (or pool 0) and
# stage. In key order: statements that move several counts lock them in the same order,
# so two of them at once (two purge batches, say) cannot deadlock.
POSTGRESQL_UPSERT = """
    INSERT INTO ats_stagecount (opening_key, stage, applications)
    SELECT COALESCE(opening_id, 0), stage, sum(delta) FROM ({rows}) AS changed
    GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
    ON CONFLICT (opening_key, stage)
    DO UPDATE SET applications = ats_stagecount.applications + EXCLUDED.applications
"""
INSERTED = "SELECT opening_id, stage, 1 AS delta FROM inserted"
DELETED = "SELECT opening_id, stage, -1 AS delta FROM deleted"

POSTGRESQL = [
    f"""
    CREATE FUNCTION ats_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {POSTGRESQL_UPSERT.format(rows=INSERTED)}; RETURN NULL; END $$
    """,
    f"""
    CREATE FUNCTION ats_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {POSTGRESQL_UPSERT.format(rows=DELETED)}; RETURN NULL; END $$
    """,
    f"""
    CREATE FUNCTION ats_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {POSTGRESQL_UPSERT.format(rows=f"{INSERTED} UNION ALL {DELETED}")}; RETURN NULL; END $$
    """,
    """
    CREATE TRIGGER ats_count_inserted AFTER INSERT ON ats_application
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION ats_count_inserted()
    """,
    """
    CREATE TRIGGER ats_count_deleted AFTER DELETE ON ats_application
    REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION ats_count_deleted()
    """,
    """
    CREATE TRIGGER ats_count_updated AFTER UPDATE ON ats_application
    REFERENCING NEW TABLE AS inserted OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION ats_count_updated()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER ats_count_inserted ON ats_application",
    "DROP TRIGGER ats_count_deleted ON ats_application",
    "DROP TRIGGER ats_count_updated ON ats_application",
    "DROP FUNCTION ats_count_inserted()",
    "DROP FUNCTION ats_count_deleted()",
    "DROP FUNCTION ats_count_updated()",
]


def sqlite_upsert(row: str, delta: str) -> str:
    return f"""
    INSERT INTO ats_stagecount (opening_key, stage, applications)
    VALUES (COALESCE({row}.opening_id, 0), {row}.stage, {delta})
    ON CONFLICT (opening_key, stage) DO UPDATE SET applications = applications + {delta};
    """


SQLITE = [
    f"""
    CREATE TRIGGER ats_count_inserted AFTER INSERT ON ats_application
    BEGIN {sqlite_upsert("NEW", "1")} END
    """,
    f"""
    CREATE TRIGGER ats_count_deleted AFTER DELETE ON ats_application
    BEGIN {sqlite_upsert("OLD", "-1")} END
    """,
    f"""
    CREATE TRIGGER ats_count_updated AFTER UPDATE OF opening_id, stage ON ats_application
    WHEN OLD.opening_id IS NOT NEW.opening_id OR OLD.stage IS NOT NEW.stage
    BEGIN {sqlite_upsert("OLD", "-1")} {sqlite_upsert("NEW", "1")} END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER ats_count_inserted",
    "DROP TRIGGER ats_count_deleted",
    "DROP TRIGGER ats_count_updated",
]

COUNT_EXISTING = """
    INSERT INTO ats_stagecount (opening_key, stage, applications)
    SELECT COALESCE(opening_id, 0), stage, count(*) FROM ats_application GROUP BY 1, 2
"""


def create_triggers(apps, schema_editor):
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError("ats runs on PostgreSQL or SQLite only: its stage counts need triggers.")
    for statement in [*statements, COUNT_EXISTING]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    reverse = {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}
    for statement in reverse[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0002_first_privacy_notice"),
    ]

    operations = [
        migrations.CreateModel(
            name="StageCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("opening_key", models.IntegerField(editable=False)),
                (
                    "stage",
                    models.CharField(
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
                ("applications", models.IntegerField(default=0, editable=False)),
            ],
            options={
                "verbose_name": "stage count",
                "verbose_name_plural": "stage counts",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("opening_key", "stage"), name="ats_one_count_per_stage"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
