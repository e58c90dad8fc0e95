"""Applications through the API, as the key's user sees them on the recruiter pages:
an opening's applicants a page at a time, one application, its retention state.

Every personal datum the API sends is in the access log, with the key's name. Of an
application whose candidate restricted its processing, only that it exists is sent,
and nothing is logged, for nothing of the person was read.
"""

from datetime import datetime
from uuid import UUID

from django.db.models import BooleanField, ExpressionWrapper
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import StrictBool, StrictInt

from .. import cursors
from ..cv_checks import ACCEPTED_TYPES
from ..downloads import cv_download
from ..models import (
    AccessEvent,
    ApiScope,
    Application,
    DeletionReason,
    Opening,
    PipelineStage,
    on_hold,
)
from ..selectors.access import (
    FOR_DECIDERS_ONLY,
    can_decide_on,
    hidden_fields,
    visible_applications,
)
from ..selectors.pipeline import opening_for_recruiter
from ..services import pipeline
from ..services.access_log import record_access
from ..services.notes import add_note
from .auth import require
from .document import documented, ref
from .fields import FilledText, OneLine
from .idempotency import at_most_once
from .moments import Moment
from .problems import InvalidBody
from .reads import conditional_get

router = Router(tags=["applications"])


class ApplicationOut(Schema):
    public_id: UUID
    opening_id: int | None
    stage: Application.Stage
    pipeline_stage_id: int | None = Field(
        description="Its stage of the opening's pipeline (GET /openings/{id}/stages); "
        "null at the first stage of its kind."
    )
    submitted_at: datetime
    source: str
    restricted: bool  # the candidate restricted processing: nothing of them is sent
    name: str | None
    email: str | None
    phone: str | None
    cover_letter: str | None
    cv_filename: str | None

    @staticmethod
    def resolve_restricted(application: Application) -> bool:
        return application.is_restricted

    @staticmethod
    def _personal(application: Application, field: str) -> str | None:
        # hidden_fields: set by _read, as the pages' policy says for the key's user;
        # an application read any other way shows none of them.
        hidden = getattr(application, "hidden_fields", FOR_DECIDERS_ONLY)
        return None if application.is_restricted or field in hidden else getattr(application, field)

    @staticmethod
    def resolve_name(application: Application) -> str | None:
        return ApplicationOut._personal(application, "name")

    @staticmethod
    def resolve_email(application: Application) -> str | None:
        return ApplicationOut._personal(application, "email")

    @staticmethod
    def resolve_phone(application: Application) -> str | None:
        return ApplicationOut._personal(application, "phone")

    @staticmethod
    def resolve_cover_letter(application: Application) -> str | None:
        return ApplicationOut._personal(application, "cover_letter")

    @staticmethod
    def resolve_cv_filename(application: Application) -> str | None:
        return ApplicationOut._personal(application, "cv_filename")


class ApplicationPage(Schema):
    items: list[ApplicationOut]
    next_cursor: str | None  # give it back as `cursor` for the next page; none: the last


class ApplicantFilters(Schema):
    stage: Application.Stage | None = None
    submitted_after: Moment | None = None
    submitted_before: Moment | None = None
    cursor: str | None = None
    limit: int = cursors.PAGE_SIZE


class RetentionOut(Schema):
    public_id: UUID
    delete_after: datetime | None  # none: waiting for the opening's hiring decision
    reason: DeletionReason | None
    held: bool  # a legal hold keeps it past its date
    hold_until: datetime | None


class StageIn(Schema):
    # One of the two, each given or left out (not null): so the document says it.
    model_config = {
        "json_schema_extra": {
            "anyOf": [{"required": ["stage"]}, {"required": ["pipeline_stage_id"]}]
        }
    }

    stage: Application.Stage = Field(
        None, description="A kind: the application goes to its first stage, unless of it already."
    )
    pipeline_stage_id: StrictInt = Field(
        None, description="Or one stage of the opening's pipeline (GET /openings/{id}/stages)."
    )
    reason: OneLine = Field(
        "",
        max_length=120,
        description='Needed for "rejected": why, for the team (the candidate is not told it).',
    )
    email: StrictBool = Field(
        True, description='With "rejected": send the rejection email, after a day.'
    )


class StageOut(Schema):
    public_id: UUID
    stage: Application.Stage
    pipeline_stage_id: int | None


class NoteIn(Schema):
    # @username tells a team member (a link by email, nothing more).
    text: FilledText = Field(min_length=1, max_length=5000)


class NoteOut(Schema):
    id: int
    public_id: UUID  # the application's
    created_at: datetime


def _read(request: HttpRequest, applications: list[Application]) -> None:
    """Mark what of each application the key's user may see (the recruiter pages'
    policy, one query per opening), and log the reads."""
    deciding: dict[int | None, bool] = {}
    for application in applications:
        if application.opening_id not in deciding:
            opening = Opening(pk=application.opening_id) if application.opening_id else None
            deciding[application.opening_id] = can_decide_on(request.user, opening)
        application.hidden_fields = hidden_fields(deciding=deciding[application.opening_id])
    record_access(
        user=request.user,
        action=AccessEvent.Action.VIEW,
        public_ids=[a.public_id for a in applications if not a.is_restricted],
        api_key=request.auth,
    )


@conditional_get(
    router,
    "/openings/{opening_id}/applications",
    response=ApplicationPage,
    summary="An opening's applicants, newest first, a page at a time",
)
def list_applications(
    request: HttpRequest, opening_id: int, filters: Query[ApplicantFilters]
) -> dict:
    require(request, ApiScope.APPLICATIONS_READ)
    opening = opening_for_recruiter(user=request.user, opening_id=opening_id)
    applications = visible_applications(request.user).filter(opening=opening)
    if filters.stage:
        applications = applications.filter(stage=filters.stage)
    if filters.submitted_after:
        applications = applications.filter(submitted_at__gt=filters.submitted_after)
    if filters.submitted_before:
        applications = applications.filter(submitted_at__lt=filters.submitted_before)
    page = cursors.page(
        applications,
        by="submitted_at",
        newest_first=True,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    _read(request, page["items"])
    return page


def _visible(request: HttpRequest, public_id: UUID) -> Application:
    return get_object_or_404(visible_applications(request.user), public_id=public_id)


@conditional_get(
    router,
    "/applications/{public_id}",
    response=ApplicationOut,
    summary="One application",
)
def read_application(request: HttpRequest, public_id: UUID) -> Application:
    require(request, ApiScope.APPLICATIONS_READ)
    application = _visible(request, public_id)
    _read(request, [application])
    return application


@conditional_get(
    router,
    "/applications/{public_id}/retention",
    response=RetentionOut,
    summary="When the application will be deleted, and why",
)
def read_retention(request: HttpRequest, public_id: UUID) -> dict:
    require(request, ApiScope.APPLICATIONS_READ)
    held_now = ExpressionWrapper(on_hold(timezone.now()), output_field=BooleanField())
    application = get_object_or_404(
        visible_applications(request.user).annotate(held=held_now), public_id=public_id
    )
    held = application.held
    return {
        "public_id": application.public_id,
        "delete_after": application.delete_after,
        "reason": application.deletion_reason or None,
        "held": held,
        "hold_until": application.hold_until if held else None,
    }


@router.get(
    "/applications/{public_id}/cv",
    response={302: None, 200: None},
    summary="The CV: a redirect to a link valid 60 seconds (S3), or the file (a folder)",
    openapi_extra=documented(
        responses={
            200: {
                "description": "The file, of the type it was uploaded as",
                "content": {
                    kind: {}
                    for kind in [t.content_type for t in ACCEPTED_TYPES]
                    + ["application/octet-stream"]  # a stored key without a known extension
                },
            },
            302: {"description": "Found", "headers": {"Location": ref("headers", "Location")}},
        }
    ),
)
def download_cv(request: HttpRequest, public_id: UUID) -> HttpResponse:
    require(request, ApiScope.CV_READ)
    if not request.user.has_perm("ats.download_cv"):  # as on the recruiter pages
        raise Http404
    application = get_object_or_404(
        visible_applications(request.user).filter(restricted_at__isnull=True),
        public_id=public_id,
    )
    record_access(
        user=request.user,
        action=AccessEvent.Action.DOWNLOAD_CV,
        public_ids=[application.public_id],
        api_key=request.auth,
    )
    return cv_download(application)


def _changeable(request: HttpRequest, public_id: UUID) -> Application:
    """What the key's user may work on: not a restricted one (nothing of it may be
    processed), as on the recruiter pages."""
    require(request, ApiScope.APPLICATIONS_WRITE)
    return get_object_or_404(
        visible_applications(request.user).filter(restricted_at__isnull=True),
        public_id=public_id,
    )


@router.put(
    "/applications/{public_id}/stage",
    response=StageOut,
    summary="Move the application to a stage (a recruiter or hiring manager of its team)",
    openapi_extra=documented(write=True),
)
def move_application(request: HttpRequest, public_id: UUID, change: StageIn) -> Application:
    application = _changeable(request, public_id)
    if not can_decide_on(request.user, application.opening):  # an interviewer may not
        raise Http404
    to = None
    if change.pipeline_stage_id is not None:
        to = PipelineStage.objects.filter(
            opening=application.opening_id, template=None, pk=change.pipeline_stage_id
        ).first()
        if to is None:  # the pipeline as it is now has no such stage
            raise HttpError(409, "pipeline_stage_id is not a stage of the opening's pipeline.")
    elif change.stage is None:
        raise InvalidBody.saying("Give stage or pipeline_stage_id.")
    try:
        return pipeline.move_application(
            application=application,
            stage=change.stage,
            pipeline_stage=to,
            moved_by=request.user,
            reason=change.reason,
            email=change.email,
        )
    except pipeline.MoveRefused as refusal:
        raise InvalidBody.saying(str(refusal)) from None


@router.post(
    "/applications/{public_id}/notes",
    response={201: NoteOut},
    summary="Add an internal note (part of the candidate's right of access)",
    openapi_extra=documented(write=True, idempotent=True),
)
def write_note(request: HttpRequest, public_id: UUID, note: NoteIn):
    application = _changeable(request, public_id)

    def write() -> dict:
        written = add_note(application=application, text=note.text, author=request.user)
        answer = NoteOut(
            id=written.pk, public_id=application.public_id, created_at=written.created_at
        )
        return answer.model_dump(mode="json")

    return at_most_once(request, write, status=201)
