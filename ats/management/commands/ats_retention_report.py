from django.core.management.base import BaseCommand
from django.utils.formats import date_format

from ats.models import DeletionReason
from ats.selectors.retention import retention_report


class Command(BaseCommand):
    help = "Counts of what waits, what is due when, what is held and what was deleted."

    def handle(self, **options):
        report = retention_report()
        lines = [
            f"Waiting for a hiring decision: {report.waiting_for_decision}",
            f"Openings that stopped taking applications long ago without a decision: "
            f"{report.forgotten}",
            *(
                f"ANOMALY: {row.applications} application(s) of the decided opening "
                f"{row.opening.title!r} have no deletion date (dated by the next scheduled run)"
                for row in report.undated_after_decision
            ),
            f"Due now (the next purge deletes them): {report.overdue}",
            f"Held (legal hold): {report.held}",
            "Due in the coming months:",
            *(
                f"  {date_format(month, 'YEAR_MONTH_FORMAT')}: {count}"
                for month, count in report.due_per_month
            ),
            "Deleted in the last 30 days:",
            *(
                f"  {DeletionReason(reason).label} ({reason}): {count}"
                for reason, count in sorted(report.deleted_by_reason.items())
            ),
        ]
        self.stdout.write("\n".join(lines))
