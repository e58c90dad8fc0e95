"""Openings through the API: those the key's user may see (selectors/access.py)."""

from datetime import date, datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from ..models import ApiScope, Opening
from ..selectors.access import visible_openings
from .auth import require
from .problems import documented_problems

router = Router(tags=["openings"])


class OpeningOut(Schema):
    id: int
    slug: str
    title: str
    status: Opening.Status
    description: str  # Markdown
    location: str
    workplace_type: Opening.WorkplaceType
    employment_type: Opening.EmploymentType
    extent: Opening.Extent
    department: str
    positions: int
    language: str
    salary_min: int | None
    salary_max: int | None
    salary_currency: str
    salary_period: Opening.SalaryPeriod
    application_deadline: date | None
    publish_at: datetime | None
    published_at: datetime | None
    closed_at: datetime | None
    decided_at: datetime | None
    ad_url: str  # the public ad, relative to the site

    @staticmethod
    def resolve_ad_url(opening: Opening) -> str:
        return opening.get_absolute_url()


@router.get(
    "",
    response=list[OpeningOut],
    summary="The openings the key's user sees",
    openapi_extra=documented_problems(),
)
def list_openings(request: HttpRequest, status: Opening.Status | None = None):
    require(request, ApiScope.OPENINGS_READ)
    openings = visible_openings(request.user).order_by("pk")
    return openings.filter(status=status) if status else openings


@router.get(
    "{opening_id}", response=OpeningOut, summary="One opening", openapi_extra=documented_problems()
)
def read_opening(request: HttpRequest, opening_id: int):
    require(request, ApiScope.OPENINGS_READ)
    return get_object_or_404(visible_openings(request.user), pk=opening_id)
