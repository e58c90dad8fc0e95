"""Validators for text that ends up in email headers and calendars (an opening's title,
a subject): one line, no control characters; and for text written to a candidate: no
gap of a template or draft left to fill in. The CV checks are in cv_checks/."""

import re
import string
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


def validate_placeholders(value: str) -> None:
    """For the employer's email templates: each placeholder a bare name in braces
    ({first_name}), as services/candidate_emails.py fills them; a brace itself doubled.
    A name it does not know is left as typed; {opening.name}, {first_name[0]}, {} or a
    lone brace could not be filled, and the email would never go."""
    refused = ValidationError(
        _("Write each placeholder as a name in braces, such as {first_name}, and a brace "
          "itself as {{ or }}."),
        code="placeholder",
    )  # fmt: skip
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(value) if field is not None]
        value.format_map({field: "" for field in fields})  # the format specs, checked
    except (ValueError, LookupError, AttributeError, TypeError):
        raise refused from None
    if any(not field.isidentifier() for field in fields):
        raise refused


def _breaks_a_line(character: str) -> bool:
    return unicodedata.category(character) in ("Cc", "Zl", "Zp")


# A template's placeholder ({first_name}) or a bracketed gap to fill in ("[date]").
UNFILLED = re.compile(r"\{[a-z_]+\}|\[[^\[\]\n]{3,80}\]")


def unfilled_placeholders(text: str) -> list[str]:
    """The gaps `text` still holds, as written: a message or an answer with any is not
    sent (services/conversations.py, services/merits.py)."""
    return UNFILLED.findall(text)
