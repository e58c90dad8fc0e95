"""Times and days as the OpenAPI document says: RFC 3339, a time with its offset.
pydantic would also take a bare number as seconds since 1970, and a time without an
offset, which Django would read in its own time zone: neither is what a client meant."""

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator


def _written_out(value: object) -> object:
    if isinstance(value, str):
        datetime.fromisoformat(value)  # a ValueError: the parameter's 422
        return value
    raise ValueError("a time is written out, as 2026-12-01T09:00:00+01:00")


def _in_utc(value: datetime) -> datetime:
    # PostgreSQL takes offsets up to 15:59 only; RFC 3339 allows 23:59.
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("a time between the years 1 and 9999") from error


Moment = Annotated[AwareDatetime, BeforeValidator(_written_out), AfterValidator(_in_utc)]


def _a_day(value: object) -> object:
    if isinstance(value, str):
        return value  # pydantic reads it as YYYY-MM-DD, or refuses it (422)
    raise ValueError("a day is written out, as 2026-12-01")


Day = Annotated[date, BeforeValidator(_a_day)]
