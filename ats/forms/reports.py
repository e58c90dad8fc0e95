"""The reports' filters, from the query string (GET: a bookmark keeps them): a period of
months applied, a department, an opening or the spontaneous pool. A value that does not
fit is left out, not an error: the page shows the last twelve months instead."""

from datetime import MAXYEAR, date

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import retention
from ..models import Opening
from ..selectors.reports import ReportFilters

POOL_CHOICE = "pool"
MONTHS_SHOWN = 12  # without a period: the last twelve months, this one included


def month_of(value: str) -> date | None:
    """ "2026-03" as the first of March 2026; None for anything else, a year without
    four digits or the calendar's last (a period's end is the next month's eve)."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1) if 1000 <= year < MAXYEAR else None
    except ValueError:
        return None


class MonthField(forms.CharField):
    """A month as YYYY-MM (a text field: not every browser has a month picker)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = month_of(value)
        if month is None:
            raise forms.ValidationError(_("A month as YYYY-MM."))
        return month


class ReportFilterForm(forms.Form):
    """The options of the department and opening lists are the report's own (the
    openings in reach in the period): the page draws them."""

    start = MonthField(label=_("From (month applied)"), required=False)
    end = MonthField(label=_("To (month applied)"), required=False)
    department = forms.CharField(label=_("Department"), required=False, max_length=120)
    opening = forms.CharField(label=_("Opening"), required=False, max_length=20)

    def filters(self, *, openings: QuerySet[Opening]) -> ReportFilters:
        """What was asked, each value that fits (an opening of `openings`); the last
        twelve months by default."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value}
        this_month = retention.employer_date(timezone.now()).replace(day=1)
        end = data.get("end") or this_month
        start = data.get("start") or date(
            end.year - (1 if end.month < MONTHS_SHOWN else 0), end.month % MONTHS_SHOWN + 1, 1
        )
        start, end = min(start, end), max(start, end)
        chosen = data.get("opening", "")
        opening = openings.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        return ReportFilters(
            first_month=start,
            last_month=end,
            department=data.get("department", ""),
            opening=opening,
            pool=chosen == POOL_CHOICE,
        )
