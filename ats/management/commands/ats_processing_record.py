import json

from django.core.management.base import BaseCommand

from ats.processing import as_markdown, processing_record


class Command(BaseCommand):
    help = "Print the record of processing (GDPR art. 30) for recruitment, from the settings."

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="JSON instead of Markdown."
        )

    def handle(self, *, as_json, **options):
        record = processing_record()
        self.stdout.write(
            json.dumps(record, indent=2, ensure_ascii=False) if as_json else as_markdown(record)
        )
