# What is kept of a sent email (the timeline, the export, the admin) no longer holds
# the candidate's own link: whoever read it there could act as the candidate. The
# emails kept before lose theirs here, as ats.emails.without_own_links does since.

import re

from django.db import migrations

OWN_LINK = re.compile(r"https?://[^\s<>()\"']*/my-application/[\w:-]+/(?:[\w-]+/)?")
LEFT_OUT = {"sv": "[personlig länk]", "en": "[personal link]"}
BATCH = 2000


def leave_out_own_links(apps, schema_editor) -> None:
    CandidateEmail = apps.get_model("ats", "CandidateEmail")
    kept = CandidateEmail.objects.filter(body__contains="/my-application/").order_by("pk")
    after = 0
    while batch := list(
        kept.filter(pk__gt=after).values_list("pk", "body", "application__language")[:BATCH]
    ):
        CandidateEmail.objects.bulk_update(
            [
                CandidateEmail(pk=pk, body=OWN_LINK.sub(LEFT_OUT.get(language, LEFT_OUT["en"]), body))
                for pk, body, language in batch
            ],
            ["body"],
        )
        after = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [("ats", "0051_addresses_never_sampled")]

    operations = [migrations.RunPython(leave_out_own_links, migrations.RunPython.noop)]
