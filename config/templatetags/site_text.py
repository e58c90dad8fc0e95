"""Text of the demo site's own pages."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def breakable(text: str) -> str:
    """A long run without spaces (a browser's user agent) may wrap after each slash or
    semicolon, rather than inside a word, on a phone or at large text."""
    parts = re.split(r"(?<=[/;])", str(text))
    return mark_safe("<wbr>".join(escape(part) for part in parts))  # each part escaped
