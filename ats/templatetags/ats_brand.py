"""The careers site's brand on a candidate's page (ats/candidate_base.html): the brand the
view passed, or the one kept in the cache (selectors.careers.brand)."""

from django import template
from django.db import DatabaseError
from django.urls import reverse
from django.utils.html import format_html

from .. import selectors

register = template.Library()


@register.inclusion_tag("ats/public/_brand_banner.html", takes_context=True)
def brand_banner(context) -> dict:
    return {"brand": _brand(context)}


@register.simple_tag(takes_context=True)
def brand_stylesheet(context) -> str:
    brand = _brand(context)
    if not (brand and brand.stylesheet_version):
        return ""
    url = reverse("ats:careers-colours", kwargs={"version": brand.stylesheet_version})
    return format_html('<link rel="stylesheet" href="{}">', url)


def _brand(context):
    if context.get("brand"):
        return context["brand"]
    try:
        return selectors.careers.brand()
    except DatabaseError:  # a page that says the database is away is still a page
        return None
