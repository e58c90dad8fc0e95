"""Validators for text that ends up in email headers and calendars (an opening's title,
a subject): one line, no control characters. The CV checks are in cv_checks/."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def one_line(value: str) -> str:
    """`value` as one line fit for an email header: line breaks, tabs and every other
    control character (and Unicode's line and paragraph separators) become spaces."""
    return " ".join("".join(" " if _breaks_a_line(ch) else ch for ch in value).split())


def validate_one_line(value: str) -> None:
    """For text that ends up in email headers (an opening's title, say)."""
    if any(_breaks_a_line(ch) for ch in value):
        raise ValidationError(
            _("Write this on one line, without tabs or other control characters."),
            code="control_characters",
        )


def _breaks_a_line(character: str) -> bool:
    return unicodedata.category(character) in ("Cc", "Zl", "Zp")
