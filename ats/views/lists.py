"""Lists to take away from an applicant list: the applicants as CSV or Excel, with the
columns the user's role sees and one access-log entry per application; and the counts
(how many, from where, which stage, which week) as a page and as CSV, without names."""

from collections.abc import Callable, Iterable
from datetime import date
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .. import retention, selectors, spreadsheets
from ..models import AccessEvent, Application, Opening
from ..services.access_log import record_access_to_all
from .pipeline import ApplicantsMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_stem(opening: Opening | None, kind: str) -> str:
    """A file's name without anyone's data: the opening's number and the day."""
    day = retention.employer_date(timezone.now()).isoformat()
    return f"{kind}-{opening.pk if opening else 'spontaneous'}-{day}"


def iso_week(monday: date) -> str:
    """The week as Swedish calendars number it: 2026-W49."""
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02}"


def personal_data_note() -> str:
    return _(
        "Personal data about applicants: keep this file only while you need it, share it "
        "only with those who need it, and delete it when you are done."
    )


class ApplicantFileView(ApplicantsMixin, View):
    """The list as its page shows it (stage, search, the role's columns), every row of
    it, restricted applications left out. Each application exported is written to the
    access log first, in one statement, and only those logged are read into the file."""

    kind = "csv"  # or "xlsx", as the URL says

    def get(self, request, *args, **kwargs):
        export = selectors.lists.applicant_export(
            user=request.user, opening=self.opening, **self.list_query()
        )
        return applicant_file(
            user=request.user,
            applications=export.applications,
            read_rows=partial(selectors.lists.exported_rows, export, user=request.user),
            kind=self.kind,
            name=f"{file_stem(self.opening, 'applicants')}.{self.kind}",
            header=[str(column.label) for column in export.columns],
            sheet=self.opening.title if self.opening else _("Spontaneous applications"),
        )


def applicant_file(
    *,
    user: AbstractBaseUser,
    applications: QuerySet[Application],
    read_rows: Callable[..., Iterable[list]],
    kind: str,
    name: str,
    header: list[str],
    sheet: str,
):
    """A list of applicants as an attachment (CSV streamed, or a workbook), under the
    personal-data note. Each of `applications` is written to the access log first, in
    one statement, and the rows are then read by `read_rows(logged_at=...)`, which reads
    only those the log holds as exported by `user` at that moment; the recruiter pages'
    mixin adds the no-store headers."""
    logged_at = timezone.now()
    record_access_to_all(
        user=user,
        action=AccessEvent.Action.EXPORT_LIST,
        applications=applications,
        at=logged_at,
    )
    rows = read_rows(logged_at=logged_at)
    if kind == "csv":
        response = StreamingHttpResponse(
            spreadsheets.csv_lines(note=personal_data_note(), header=header, rows=rows),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    workbook = spreadsheets.xlsx_file(
        note=personal_data_note(), header=header, rows=rows, sheet=sheet
    )
    return FileResponse(workbook, as_attachment=True, filename=name, content_type=XLSX)


class CountsMixin(ApplicantsMixin):
    def counts(self):
        return selectors.lists.applicant_counts(user=self.request.user, opening=self.opening)


class CountsView(CountsMixin, TemplateView):
    """How many applied, from where, in which stage and week: numbers only."""

    template_name = "ats/recruit/counts.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(opening=self.opening, counts=self.counts(), **kwargs)


class CountsCsvView(CountsMixin, View):
    """The counts as CSV, one line per stage, source and week: no names, nothing to log."""

    def get(self, request, *args, **kwargs):
        counts = self.counts()
        no_source = _("not known")
        rows = [
            *([_("Stage"), label, n] for _value, label, n in counts.stages.labelled()),
            *([_("Source"), source or no_source, n] for source, n in counts.sources),
            *(
                [
                    _("Week applied"),
                    f"{monday.isocalendar().year}-W{monday.isocalendar().week:02}",
                    n,
                ]
                for monday, n in counts.weeks
            ),
        ]
        note = _("Counts of applications, without personal data.")
        response = StreamingHttpResponse(
            spreadsheets.csv_lines(
                note=note, header=[_("By"), _("Value"), _("Applications")], rows=rows
            ),
            content_type="text/csv; charset=utf-8",
        )
        name = f"{file_stem(self.opening, 'counts')}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
