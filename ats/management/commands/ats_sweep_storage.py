from django.core.management.base import BaseCommand

from ats.services.sweep import sweep_storage


class Command(BaseCommand):
    help = "Delete CV files that no application references, once past ATS_ORPHAN_GRACE."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the orphan files; delete nothing."
        )

    def handle(self, *, dry_run, **options):
        self.stdout.write(sweep_storage(dry_run=dry_run).as_text())
