from django.core.management.base import BaseCommand, CommandError

from ats.services.ledger import verify


class Command(BaseCommand):
    help = (
        "Walk the erasure ledger's chain, and check that nothing it lists is still in the "
        "database or the storage. Exits non-zero on any problem."
    )

    def handle(self, **options):
        report = verify()
        self.stdout.write(report.as_text())
        if not report.clean:
            raise CommandError("The erasure ledger shows problems.")
