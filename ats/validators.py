"""Validators for text that ends up in email headers and calendars (an opening's title,
a subject): one line, no control characters; and for text written to a candidate: no
gap of a template or draft left to fill in. The CV checks are in cv_checks/."""

import re
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


# A template's placeholder ({first_name}) or a bracketed gap to fill in ("[date]").
UNFILLED = re.compile(r"\{[a-z_]+\}|\[[^\[\]\n]{3,80}\]")


def unfilled_placeholders(text: str) -> list[str]:
    """The gaps `text` still holds, as written: a message or an answer with any is not
    sent (services/conversations.py, services/merits.py)."""
    return UNFILLED.findall(text)
