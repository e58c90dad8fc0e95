# The addresses waiting in an outbox, or in a purge's claims, are there for minutes:
# PostgreSQL's planner statistics would keep a sample of them (pg_statistic) long after,
# and of a table left empty, for good. Nothing looks them up by address, so the planner
# loses nothing by not sampling them (docs/privacy-model.md).

from collections.abc import Callable

from django.db import migrations

TABLES = ("ats_purgeclaim", "ats_erasurereceipt", "ats_linkrequest", "ats_noticechangeemail")


def set_statistics(target: int) -> Callable:
    def apply(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for table in TABLES:
                schema_editor.execute(
                    f"ALTER TABLE {table} ALTER COLUMN email SET STATISTICS {target}"
                )

    return apply


class Migration(migrations.Migration):
    dependencies = [("ats", "0050_cv_vector_inline")]

    operations = [migrations.RunPython(set_statistics(0), set_statistics(-1))]
