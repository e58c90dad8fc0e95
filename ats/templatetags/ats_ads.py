"""Filters for job ads: the Markdown text, and the pay range as candidates read it."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..models import Opening
from ..rich_text import render_markdown

register = template.Library()
EN_DASH = "\u2013"  # between the ends of a range


@register.filter
def markdown(text: str):
    return render_markdown(text)


@register.filter
def pay_range(opening: Opening) -> str:
    """'38 000\u201345 000 SEK per month' (an en dash), or '' when the ad gives none."""
    low, high = opening.salary_min, opening.salary_max
    if low is None and high is None:
        return ""
    amounts = [number_format(amount, force_grouping=True) for amount in (low, high) if amount]
    if low is not None and high is not None and low != high:
        shown = EN_DASH.join(amounts)
    elif low is not None and high is None:
        shown = _("from %(amount)s") % {"amount": amounts[0]}
    elif low is None:
        shown = _("up to %(amount)s") % {"amount": amounts[0]}
    else:
        shown = amounts[0]
    return f"{shown} {opening.salary_currency} {opening.get_salary_period_display()}"
