"""Stages per opening (issue 36): each opening's pipeline, and the employer's default,
as rows within the fixed kinds; an application's own stage of its kind (None: the
first); and the stage counts per stage of the pipeline, by the triggers of 0019 with
the pipeline stage in their key (0 for the first of a kind, as the applications store
it). Every opening and ad template so far gets the default pipeline, one stage per
kind, named as its kind: nothing about an application changes.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

from ats.staff import keep_groups_in_step_when_migrating

UNDATED = importlib.import_module("ats.migrations.0019_undated_counts")

POSTGRESQL_UPSERT = """
    INSERT INTO ats_stagecount (opening_key, stage, pipeline_stage, applications, undated)
    SELECT COALESCE(opening_id, 0), stage, COALESCE(pipeline_stage_id, 0), sum(delta),
        sum(undated)
    FROM ({rows}) AS changed
    GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 OR sum(undated) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (opening_key, stage, pipeline_stage)
    DO UPDATE SET applications = ats_stagecount.applications + EXCLUDED.applications,
        undated = ats_stagecount.undated + EXCLUDED.undated
"""
INSERTED = (
    "SELECT opening_id, stage, pipeline_stage_id, 1 AS delta,"
    " (delete_after IS NULL)::int AS undated FROM inserted"
)
DELETED = (
    "SELECT opening_id, stage, pipeline_stage_id, -1 AS delta,"
    " -(delete_after IS NULL)::int AS undated FROM deleted"
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


def sqlite_upsert(row: str, sign: str) -> str:
    undated = f"{sign}({row}.delete_after IS NULL)"
    return f"""
    INSERT INTO ats_stagecount (opening_key, stage, pipeline_stage, applications, undated)
    VALUES (COALESCE({row}.opening_id, 0), {row}.stage, COALESCE({row}.pipeline_stage_id, 0),
        {sign}1, {undated})
    ON CONFLICT (opening_key, stage, pipeline_stage)
    DO UPDATE SET applications = applications + {sign}1, undated = undated + {undated};
    """


SQLITE = [
    f"""
    CREATE TRIGGER ats_count_inserted AFTER INSERT ON ats_application
    BEGIN {sqlite_upsert("NEW", "+")} END
    """,
    f"""
    CREATE TRIGGER ats_count_deleted AFTER DELETE ON ats_application
    BEGIN {sqlite_upsert("OLD", "-")} END
    """,
    f"""
    CREATE TRIGGER ats_count_updated
    AFTER UPDATE OF opening_id, stage, pipeline_stage_id, delete_after ON ats_application
    WHEN OLD.opening_id IS NOT NEW.opening_id OR OLD.stage IS NOT NEW.stage
        OR OLD.pipeline_stage_id IS NOT NEW.pipeline_stage_id
        OR (OLD.delete_after IS NULL) <> (NEW.delete_after IS NULL)
    BEGIN {sqlite_upsert("OLD", "-")} {sqlite_upsert("NEW", "+")} END
    """,
]


def stop_counting_on_sqlite(apps, schema_editor):
    """SQLite rebuilds the counts' table to change its unique key, and a trigger that
    names a table it cannot find stops the rebuild: they go, and come back below."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in UNDATED.FIRST.SQLITE_REVERSE:
            schema_editor.execute(statement)


def count_per_kind_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in UNDATED.SQLITE[len(UNDATED.FIRST.SQLITE_REVERSE) :]:
            schema_editor.execute(statement)


def count_per_pipeline_stage(apps, schema_editor):
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}[schema_editor.connection.vendor]
    for statement in statements:
        schema_editor.execute(statement)


# Back to one count per kind: each kind's stages of a pipeline added into its first.
MERGE_PER_KIND = [
    """
    INSERT INTO ats_stagecount (opening_key, stage, pipeline_stage, applications, undated)
    SELECT opening_key, stage, 0, sum(applications), sum(undated) FROM ats_stagecount
    WHERE pipeline_stage <> 0 GROUP BY opening_key, stage
    ON CONFLICT (opening_key, stage, pipeline_stage)
    DO UPDATE SET applications = ats_stagecount.applications + EXCLUDED.applications,
        undated = ats_stagecount.undated + EXCLUDED.undated
    """,
    "DELETE FROM ats_stagecount WHERE pipeline_stage <> 0",
]


def count_per_kind(apps, schema_editor):
    for statement in MERGE_PER_KIND:
        schema_editor.execute(statement)
    if schema_editor.connection.vendor == "sqlite":
        stop_counting_on_sqlite(apps, schema_editor)
    else:
        for statement in UNDATED.POSTGRESQL:
            schema_editor.execute(statement)


def default_pipelines(apps, schema_editor):
    """The default pipeline, and a copy of it for every opening and ad template so far."""
    PipelineStage = apps.get_model("ats", "PipelineStage")
    kinds = ["new", "reviewing", "interview", "offer", "hired", "rejected"]
    owners = [
        {},
        *(
            {"opening_id": pk}
            for pk in apps.get_model("ats", "Opening").objects.values_list("pk", flat=True)
        ),
        *(
            {"template_id": pk}
            for pk in apps.get_model("ats", "AdTemplate").objects.values_list("pk", flat=True)
        ),
    ]
    PipelineStage.objects.bulk_create(
        PipelineStage(kind=kind, **owner) for owner in owners for kind in kinds
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0048_ad_templates"),
    ]

    operations = [
        migrations.RunPython(stop_counting_on_sqlite, count_per_kind_on_sqlite),
        migrations.CreateModel(
            name="PipelineStage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("new", "New"),
                            ("reviewing", "Reviewing"),
                            ("interview", "Interview"),
                            ("offer", "Offer"),
                            ("hired", "Hired"),
                            ("rejected", "Rejected"),
                        ],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                (
                    "position",
                    models.PositiveIntegerField(default=0, verbose_name="position within its kind"),
                ),
                ("name", models.CharField(blank=True, max_length=60, verbose_name="name")),
            ],
            options={
                "verbose_name": "pipeline stage",
                "verbose_name_plural": "pipeline stages",
                "ordering": ["position", "pk"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="stagecount",
            name="ats_one_count_per_stage",
        ),
        migrations.AddField(
            model_name="stagecount",
            name="pipeline_stage",
            field=models.IntegerField(default=0, editable=False),
        ),
        migrations.AddConstraint(
            model_name="stagecount",
            constraint=models.UniqueConstraint(
                fields=("opening_key", "stage", "pipeline_stage"),
                name="ats_one_count_per_own_stage",
            ),
        ),
        migrations.AddField(
            model_name="pipelinestage",
            name="opening",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for the default pipeline.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="pipeline_stages",
                to="ats.opening",
                verbose_name="opening",
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="pipeline_stage",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="ats.pipelinestage",
                verbose_name="stage of the pipeline",
            ),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["opening", "stage", "pipeline_stage", "-submitted_at", "-id"],
                name="ats_applicants_by_own_stage",
            ),
        ),
        migrations.AddIndex(
            model_name="pipelinestage",
            index=models.Index(
                fields=["opening", "kind", "position"], name="ats_pipeline_stage_order"
            ),
        ),
        migrations.AddField(
            model_name="stagechange",
            name="to_pipeline_stage",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="ats.pipelinestage",
                verbose_name="to the pipeline's stage",
            ),
        ),
        migrations.AddField(
            model_name="pipelinestage",
            name="template",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="pipeline_stages",
                to="ats.adtemplate",
                verbose_name="ad template",
            ),
        ),
        migrations.AddConstraint(
            model_name="pipelinestage",
            constraint=models.CheckConstraint(
                condition=models.Q(opening__isnull=True) | models.Q(template__isnull=True),
                name="ats_pipeline_stage_one_owner",
            ),
        ),
        migrations.RunPython(count_per_pipeline_stage, count_per_kind),
        migrations.RunPython(default_pipelines, migrations.RunPython.noop),
        migrations.RunPython(keep_groups_in_step_when_migrating, migrations.RunPython.noop),
    ]
