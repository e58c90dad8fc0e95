"""The kinds of text the API takes, checked where every input schema reads them: text
holds no NUL (PostgreSQL cannot store one, and none was meant), and a one-line field
holds no line break, tab or other control character either, as on the recruiter pages
(ats/validators.py). A refusal is the request's 422 with the field's location."""

import unicodedata
from typing import Annotated

from pydantic import AfterValidator


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("a NUL character is not allowed")
    return value


def _one_line(value: str) -> str:
    if any(unicodedata.category(character) in ("Cc", "Zl", "Zp") for character in value):
        raise ValueError("write this on one line, without tabs or other control characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]  # lines and tabs as written
OneLine = Annotated[str, AfterValidator(_one_line)]
