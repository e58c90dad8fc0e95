from django.core.management.base import BaseCommand

from ats.services.purge import purge_due


class Command(BaseCommand):
    help = "Delete every application whose retention has ended, with its CV file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what is due and what is held; delete nothing.",
        )

    def handle(self, *, dry_run, **options):
        self.stdout.write(purge_due(dry_run=dry_run).as_text())
