"""A time in a query: RFC 3339, with its offset, as the OpenAPI document says. pydantic
would also take a bare number as seconds since 1970, and a time without an offset,
which Django would read in its own time zone: neither is what a client meant."""

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BeforeValidator


def _written_out(value: object) -> object:
    if isinstance(value, str):
        datetime.fromisoformat(value)  # a ValueError: the parameter's 422
        return value
    raise ValueError("a time is written out, as 2026-12-01T09:00:00+01:00")


Moment = Annotated[AwareDatetime, BeforeValidator(_written_out)]
