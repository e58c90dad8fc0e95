"""The kinds of text the API takes, checked where every input schema reads them: text
holds no NUL (PostgreSQL cannot store one, and none was meant), and a one-line field
holds no line break, tab or other control character either, as on the recruiter pages
(ats/validators.py); a filled one holds more than blanks. A refusal is the request's 422
with the field's location. The OpenAPI document says each rule as the JSON schema
pattern it is, so that a client sends what the server takes."""

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, StringConstraints

NUL = r"\x00"
CONTROL = r"\x00-\x1f\x7f-\x9f\u2028\u2029"  # what _one_line refuses: Cc, Zl and Zp


def pattern(refused: str, *, filled: bool = False) -> str:
    """A pattern for text without the characters of the class `refused`, and with one
    that is not blank (as str.strip() sees it: Python's \\s) if `filled`."""
    if filled:
        return rf"^[^{refused}]*[^\s{refused}][^{refused}]*$"
    return rf"^[^{refused}]*$"


class Said:
    """Keywords for the field's JSON schema: the validators' rule in the schema's words."""

    def __init__(self, **keywords: str):
        self.keywords = keywords

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict:
        return {**handler(core_schema), **self.keywords}


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("a NUL character is not allowed")
    return value


def _one_line(value: str) -> str:
    if any(unicodedata.category(character) in ("Cc", "Zl", "Zp") for character in value):
        raise ValueError("write this on one line, without tabs or other control characters")
    return value


def _filled(value: str) -> str:
    if not value.strip():
        raise ValueError("write something, not only blanks")
    return value


Text = Annotated[str, AfterValidator(_no_nul), Said(pattern=pattern(NUL))]  # lines and tabs kept
FilledText = Annotated[
    str, AfterValidator(_no_nul), AfterValidator(_filled), Said(pattern=pattern(NUL, filled=True))
]
OneLine = Annotated[str, AfterValidator(_one_line), Said(pattern=pattern(CONTROL))]
FilledOneLine = Annotated[
    str,
    AfterValidator(_one_line),
    AfterValidator(_filled),
    Said(pattern=pattern(CONTROL, filled=True)),
]
# An address as Django's EmailField checks it (the recruiter form does), or none.
EmailOrBlank = Annotated[str, StringConstraints(max_length=254), Said(format="email")] | Literal[""]
