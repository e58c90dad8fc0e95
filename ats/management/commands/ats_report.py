import csv
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from ats.selectors.reports import ReportFilters, reports


def day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date as YYYY-MM-DD: {value!r}") from error


class Command(BaseCommand):
    help = (
        "Every report of /recruit/reports/ for every opening and the spontaneous pool, as "
        "CSV (report, row, column, value), for the months applied from --from to --to "
        "(the counts are kept by month: a date stands for its month)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, type=day)
        parser.add_argument("--to", dest="end", required=True, type=day)

    def handle(self, *, start: date, end: date, **options):
        if start > end:
            raise CommandError("--from is after --to.")
        filters = ReportFilters(first_month=start.replace(day=1), last_month=end.replace(day=1))
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["report", "row", "column", "value"])
        for report in reports(user=None, filters=filters).reports:
            for row in report.rows:
                for column, value in zip(report.columns, row.cells, strict=True):
                    writer.writerow([report.slug, row.label, column, str(value)])
