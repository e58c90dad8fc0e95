# What search reads of each application (ApplicationText): the CV's text, extracted as
# CVs arrive from now on, and the folded parts services/search_index.py keeps in step.
# On PostgreSQL each part has a tsvector that the database generates (Swedish stemming;
# cv_text folded by translate() as text_search.fold folds the others), each under a GIN
# index; and every application newest first (ats_newest_first), which search walks.
# Applications already stored get their parts here; their CVs' text stays empty.

import django.db.models.deletion
from django.db import migrations, models

from ats.text_search import FOLD_FROM, FOLD_TO, fold

BATCH = 2000
VECTORS = {
    "team_vector": "team_text",
    "decider_vector": "decider_text",
    "cv_vector": f"translate(cv_text, '{FOLD_FROM}', '{FOLD_TO}')",
}


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for vector, source in VECTORS.items():
        schema_editor.execute(
            f"ALTER TABLE ats_applicationtext ADD COLUMN {vector} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('swedish'::regconfig, {source})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX ats_text_{vector} ON ats_applicationtext USING gin ({vector})"
        )


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for vector in VECTORS:
        schema_editor.execute(f"ALTER TABLE ats_applicationtext DROP COLUMN {vector}")


def index_stored_applications(apps, schema_editor):
    """services/search_index.searchable_parts as it was written with this migration."""
    Application = apps.get_model("ats", "Application")
    ApplicationText = apps.get_model("ats", "ApplicationText")
    ScreeningAnswer = apps.get_model("ats", "ScreeningAnswer")
    Note = apps.get_model("ats", "Note")
    last = 0
    while True:
        rows = list(
            Application.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "name", "email", "phone", "cover_letter")[:BATCH]
        )
        if not rows:
            return
        last = rows[-1][0]
        ids = [row[0] for row in rows]
        team = {pk: [name] for pk, name, *_ in rows}
        deciders = {
            pk: [email, phone, "".join(c for c in phone if c.isdigit()), letter]
            for pk, _, email, phone, letter in rows
        }
        answers = ScreeningAnswer.objects.filter(application_id__in=ids)
        for pk, answer in answers.values_list("application_id", "answer"):
            team[pk].append(answer)
        for pk, text in Note.objects.filter(application_id__in=ids).values_list(
            "application_id", "text"
        ):
            team[pk].append(text)
        ApplicationText.objects.bulk_create(
            ApplicationText(
                application_id=pk,
                team_text=fold("\n".join(team[pk])),
                decider_text=fold("\n".join(deciders[pk])),
            )
            for pk in ids
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ats", "0039_list_exports_and_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApplicationText",
            fields=[
                (
                    "application",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="text",
                        serialize=False,
                        to="ats.application",
                        verbose_name="application",
                    ),
                ),
                ("cv_text", models.TextField(blank=True, verbose_name="CV text")),
                ("team_text", models.TextField(blank=True, editable=False)),
                ("decider_text", models.TextField(blank=True, editable=False)),
            ],
            options={
                "verbose_name": "application text",
                "verbose_name_plural": "application texts",
            },
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["-submitted_at", "-id"], name="ats_newest_first"),
        ),
        migrations.RunPython(add_vectors, drop_vectors, elidable=False),
        migrations.RunPython(index_stored_applications, migrations.RunPython.noop),
    ]
