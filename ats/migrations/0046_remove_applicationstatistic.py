"""ApplicationStatistic's counts live on in the reports' counts (0045)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ats", "0045_report_counts")]

    operations = [migrations.DeleteModel(name="ApplicationStatistic")]
