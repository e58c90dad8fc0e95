"""What is kept of deleted applications: counts per opening, month applied, stage and
source (ApplicationStatistic), identifying nobody. Written by the purge, and by the
replay after a restore for what the restore lost."""

from django.db.models import Count, DateField, F, QuerySet
from django.db.models.functions import TruncMonth

from ..bulk import insert_from_select
from ..models import ApplicationStatistic


def count_deleted(rows: QuerySet) -> None:
    """Count `rows` (applications, or the claims the purge moved them into): one
    statement however many."""
    insert_from_select(
        into=ApplicationStatistic,
        rows=rows.values(
            "opening_id",
            "stage",
            "source",
            month_applied=TruncMonth("submitted_at", output_field=DateField()),
        ),
        opening=F("opening_id"),
        month=F("month_applied"),
        stage=F("stage"),
        source=F("source"),
        applications=Count("pk"),
    )
