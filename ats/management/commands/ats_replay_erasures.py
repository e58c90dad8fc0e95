from django.core.management.base import BaseCommand

from ats.services.ledger import replay


class Command(BaseCommand):
    help = (
        "After a database restore: delete again every application (and CV) the erasure "
        "ledger lists, and write the missing tombstones. Safe to run any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report; delete nothing.")

    def handle(self, *, dry_run, **options):
        self.stdout.write(replay(dry_run=dry_run).as_text())
