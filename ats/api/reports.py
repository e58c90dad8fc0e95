"""The reports through the API (`reports:read`): the same tables as `/recruit/reports/`
and `ats_report`, for the openings the key's user decides on. A count shown as "fewer
than N" is sent as that text with no number."""

from django.http import HttpRequest
from ninja import Query, Router, Schema

from .. import selectors
from ..app_settings import app_settings
from ..forms.reports import ReportFilterForm
from ..models import ApiScope
from ..selectors.reports import Cell, Period
from .auth import require
from .reads import conditional_get

router = Router(tags=["reports"])


class ReportFilters(Schema):
    start: str | None = None  # YYYY-MM, the first month applied; the last twelve by default
    end: str | None = None  # YYYY-MM, the last month applied
    department: str | None = None
    opening: str | None = None  # an opening's id, or "pool" for the spontaneous pool


class CellOut(Schema):
    count: int | None  # none for a count below the threshold, a median or a share
    shown: str  # as the page shows it: "12", "fewer than 5", "8 to 14 days", "40 %"


class RowOut(Schema):
    label: str
    cells: list[CellOut]


class ReportOut(Schema):
    slug: str
    title: str
    columns: list[str]
    rows: list[RowOut]


class ReportsOut(Schema):
    start: str
    end: str
    threshold: int  # counts from 1 to this minus one are not sent as numbers
    reports: list[ReportOut]


def _cell(value: Cell | Period | str) -> dict:
    """A day or a month (Period) in ISO 8601, as before: the page says it in words."""
    if isinstance(value, Cell) and value.shown == str(value.count):
        return {"count": value.count, "shown": value.shown}
    return {"count": None, "shown": str(value)}


@conditional_get(
    router,
    "/reports",
    response=ReportsOut,
    summary="Every report for a period of months applied",
)
def list_reports(request: HttpRequest, filters: Query[ReportFilters]) -> dict:
    require(request, ApiScope.REPORTS_READ)
    form = ReportFilterForm({k: v for k, v in filters.dict().items() if v is not None})
    asked = form.filters(openings=selectors.reports.reportable_openings(request.user))
    reports = selectors.reports.reports(user=request.user, filters=asked)
    return {
        "start": f"{asked.first_month:%Y-%m}",
        "end": f"{asked.last_month:%Y-%m}",
        "threshold": app_settings.REPORT_THRESHOLD,
        "reports": [
            {
                "slug": report.slug,
                "title": report.title,
                "columns": report.columns,
                "rows": [
                    {"label": str(row.label), "cells": [_cell(value) for value in row.cells]}
                    for row in report.rows
                ],
            }
            for report in reports.reports
        ],
    }
