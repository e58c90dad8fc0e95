"""Openings through the API: those the key's user may see (selectors/access.py), and
the ads they may write, publish and close, with the recruiter pages' rules: the same
form checks the fields, the same services change the state."""

from collections.abc import Callable
from datetime import date, datetime

from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from pydantic import StrictInt, field_validator

from ..forms.openings import OpeningForm
from ..models import ApiScope, Application, Opening, PipelineStage
from ..selectors.access import editable_openings, visible_openings
from ..selectors.pipeline_stages import pipeline_of
from ..services import openings as services
from .auth import require, require_permission
from .document import documented
from .fields import EmailOrBlank, FilledOneLine, OneLine, Text
from .idempotency import at_most_once
from .moments import Day
from .problems import InvalidBody
from .reads import conditional_get

router = Router(tags=["openings"])
# The list's path as it was, with a slash at its end: clients made from the document
# before still call it; the document names the path without.
FORMER_PATH = "/openings/"


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


class OpeningChange(Schema):
    """The ad's fields, as the recruiter's form has them; what is left out stays. The
    form's own checks apply as well (a pay range that ends above where it starts)."""

    title: FilledOneLine = Field(None, min_length=1, max_length=200)
    description: Text = None  # Markdown
    language: Opening.Language = None
    department: OneLine = Field(None, max_length=120)
    location: OneLine = Field(None, max_length=120)
    workplace_type: Opening.WorkplaceType = None
    employment_type: Opening.EmploymentType = None
    extent: Opening.Extent = None
    positions: StrictInt = Field(None, ge=1, le=32767)
    salary_min: StrictInt | None = Field(None, ge=0, le=2147483647)
    salary_max: StrictInt | None = Field(None, ge=0, le=2147483647)
    salary_currency: FilledOneLine = Field(None, min_length=3, max_length=3)
    salary_period: Opening.SalaryPeriod = None
    application_deadline: Day | None = None
    contact_name: OneLine = Field(None, max_length=120)
    contact_email: EmailOrBlank = None

    @field_validator("positions", "salary_min", "salary_max", mode="before")
    @classmethod
    def whole(cls, value: object) -> object:
        # 3.0 is the integer 3 to JSON schema (so to the document); "3" and true are not.
        return int(value) if isinstance(value, float) and value.is_integer() else value


class NewOpening(OpeningChange):
    title: FilledOneLine = Field(min_length=1, max_length=200)


def _checked_fields(change: OpeningChange, *, opening: Opening | None) -> dict:
    """The given fields, checked by the recruiter pages' form with the rest as they are."""
    given = change.model_dump(exclude_unset=True)
    current = model_to_dict(opening or Opening(), fields=OpeningForm.Meta.fields)
    form = OpeningForm(data={**current, **given}, instance=opening)
    if not form.is_valid():
        raise InvalidBody.of_form(form)
    return {
        name: form.cleaned_data[name]
        for name in (OpeningForm.Meta.fields if opening is None else given)
    }


def _answer(opening: Opening) -> dict:
    return OpeningOut.from_orm(opening).model_dump(mode="json")


@router.get(FORMER_PATH, response=list[OpeningOut], include_in_schema=False)
@conditional_get(
    router,
    "/openings",
    response=list[OpeningOut],
    summary="The openings the key's user sees",
)
def list_openings(request: HttpRequest, status: Opening.Status | None = None):
    require(request, ApiScope.OPENINGS_READ)
    openings = visible_openings(request.user).order_by("pk")
    return openings.filter(status=status) if status else openings


@conditional_get(
    router,
    "/openings/{opening_id}",
    response=OpeningOut,
    summary="One opening",
)
def read_opening(request: HttpRequest, opening_id: int):
    require(request, ApiScope.OPENINGS_READ)
    return get_object_or_404(visible_openings(request.user), pk=opening_id)


class PipelineStageOut(Schema):
    id: int
    kind: Application.Stage
    name: str = Field(description="The team's name for it; empty: the kind's own name.")
    first: bool = Field(
        description="The first of its kind: where a move to the kind lands. An application "
        "at it has pipeline_stage_id null."
    )


@conditional_get(
    router,
    "/openings/{opening_id}/stages",
    response=list[PipelineStageOut],
    summary="The opening's pipeline: its stages in order, each of one kind",
)
def read_stages(request: HttpRequest, opening_id: int) -> list[PipelineStage]:
    require(request, ApiScope.OPENINGS_READ)
    opening = get_object_or_404(visible_openings(request.user), pk=opening_id)
    return [stage for stage in pipeline_of(opening) if stage.pk]


@router.post(
    "/openings",
    response={201: OpeningOut},
    summary="A new ad, as a draft with the key's user in its hiring team",
    openapi_extra=documented(write=True, idempotent=True),
)
@router.post(FORMER_PATH, response={201: OpeningOut}, include_in_schema=False)
def create_opening(request: HttpRequest, fields: NewOpening):
    require(request, ApiScope.OPENINGS_WRITE)
    require_permission(request, "ats.add_opening")

    def create() -> dict:
        opening = services.create_opening(
            fields=_checked_fields(fields, opening=None), created_by=request.user
        )
        return _answer(opening)

    return at_most_once(request, create, status=201)


def _editable(request: HttpRequest, opening_id: int) -> Opening:
    require(request, ApiScope.OPENINGS_WRITE)
    return get_object_or_404(editable_openings(request.user), pk=opening_id)


@router.patch(
    "/openings/{opening_id}",
    response=OpeningOut,
    summary="Change the ad's fields (not of a closed one)",
    openapi_extra=documented(write=True),
)
def update_opening(request: HttpRequest, opening_id: int, change: OpeningChange):
    opening = _editable(request, opening_id)
    return services.update_opening(opening=opening, fields=_checked_fields(change, opening=opening))


@router.post(
    "/openings/{opening_id}/publish",
    response=OpeningOut,
    summary="Put the ad on the careers page now",
    openapi_extra=documented(write=True),
)
def publish_opening(request: HttpRequest, opening_id: int):
    return _state_changed(request, opening_id, services.publish_opening)


@router.post(
    "/openings/{opening_id}/close",
    response=OpeningOut,
    summary="Take no more applications, for good; its applicants wait for the decision",
    openapi_extra=documented(write=True),
)
def close_opening(request: HttpRequest, opening_id: int):
    return _state_changed(request, opening_id, services.close_opening)


def _state_changed(
    request: HttpRequest, opening_id: int, change: Callable[..., Opening]
) -> Opening:
    """The opening after a change of its state (services/openings.py), which only a
    user who may publish makes, as on the ad's page."""
    opening = _editable(request, opening_id)
    require_permission(request, "ats.publish_opening")
    return change(opening=opening)
