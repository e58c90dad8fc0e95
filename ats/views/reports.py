"""The reports: every report on one page, each a chart drawn on the server beside its
table, and each as CSV (`/recruit/reports/<report>.csv`), for the openings the user
decides on and the period, department or opening chosen."""

from urllib.parse import urlencode

from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .. import selectors, spreadsheets
from ..app_settings import app_settings
from ..forms.reports import ReportFilterForm
from .mixins import RecruiterMixin


class ReportsMixin(RecruiterMixin):
    def reports(self) -> selectors.reports.Reports:
        user = self.request.user
        self.form = ReportFilterForm(self.request.GET)
        filters = self.form.filters(openings=selectors.reports.reportable_openings(user))
        return selectors.reports.reports(user=user, filters=filters)


class ReportsView(ReportsMixin, TemplateView):
    template_name = "ats/recruit/reports.html"

    def get_context_data(self, **kwargs):
        reports = self.reports()
        return super().get_context_data(
            reports=reports,
            form=self.form,
            query=urlencode(reports.filters.query),
            threshold=app_settings.REPORT_THRESHOLD,
            **kwargs,
        )


class ReportCsvView(ReportsMixin, View):
    """One report's table as CSV: the same rows and the same "fewer than" as the page."""

    def get(self, request, *args, report: str, **kwargs):
        if report not in selectors.reports.SLUGS:
            raise Http404
        reports = self.reports()
        shown = reports.get(report)
        filters = reports.filters
        response = StreamingHttpResponse(
            spreadsheets.csv_lines(
                note=_("%(report)s, applied %(start)s to %(end)s: counts, without personal data.")
                % {
                    "report": shown.title,
                    "start": f"{filters.first_month:%Y-%m}",
                    "end": f"{filters.last_month:%Y-%m}",
                },
                header=["", *shown.columns],
                rows=([str(row.label), *(str(value) for value in row.cells)] for row in shown.rows),
            ),
            content_type="text/csv; charset=utf-8",
        )
        name = f"{report}-{filters.first_month:%Y-%m}-{filters.last_month:%Y-%m}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
