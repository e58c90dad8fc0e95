from django.core.management.base import BaseCommand, CommandError

from ats.services.purge import purge_due
from ats.storage import StorageUnavailable


class Command(BaseCommand):
    help = "Delete every application whose retention has ended, with its CV file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what is due and what is held; delete nothing.",
        )

    def handle(self, *, dry_run, **options):
        try:
            summary = purge_due(dry_run=dry_run)
        except StorageUnavailable as error:  # one line, and a non-zero exit
            raise CommandError(str(error)) from None
        self.stdout.write(summary.as_text())
