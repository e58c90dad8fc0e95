# Search walks the newest applications and tests each one's CV vector: kept in the row
# (storage MAIN) rather than out of line in the TOAST table (EXTENDED, the default),
# the test reads no second table (BENCHMARKS.md, section 8). A vector too large for
# the row still goes out of line. Rows stored before keep theirs until rewritten
# (docs/operations.md).

from collections.abc import Callable

from django.db import migrations


def set_storage(storage: str) -> Callable:
    def apply(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE ats_applicationtext ALTER COLUMN cv_vector SET STORAGE {storage}"
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("ats", "0049_pipeline_stages")]

    operations = [migrations.RunPython(set_storage("MAIN"), set_storage("EXTENDED"))]
