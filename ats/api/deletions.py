"""Tombstones through the API, for reconciliation: which applications are gone, so that
an integration deletes its copies. No personal data: a public id, a rule, two times."""

from datetime import datetime
from uuid import UUID

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema

from .. import cursors
from ..models import ApiScope, DeletionReason, DeletionRecord
from ..selectors.access import can_see_all_openings, can_see_spontaneous, deciding_openings
from .auth import require
from .moments import Moment
from .reads import conditional_get

router = Router(tags=["deletions"])


class DeletionOut(Schema):
    public_id: UUID
    kind: DeletionRecord.Kind
    opening_id: int | None  # none for a spontaneous application, or a deleted opening
    reason: DeletionReason
    due_at: datetime
    deleted_at: datetime
    ledger_object: int | None  # the erasure ledger object that records it


class DeletionPage(Schema):
    items: list[DeletionOut]
    next_cursor: str | None


class DeletionFilters(Schema):
    deleted_after: Moment | None = None
    cursor: str | None = None
    limit: int = cursors.PAGE_SIZE


def _within_reach(user) -> Q:
    """Tombstones of the openings whose applicants the user decides on (all, with the
    permission), and of the spontaneous pool with its permission."""
    if can_see_all_openings(user):
        reach = Q(kind=DeletionRecord.Kind.OPENING)
    else:
        reach = Q(opening__in=deciding_openings(user).values("pk"))
    if can_see_spontaneous(user):
        reach |= Q(kind=DeletionRecord.Kind.SPONTANEOUS)
    return reach


@conditional_get(
    router,
    "/deletions",
    response=DeletionPage,
    summary="Deleted applications, oldest deletion first: delete every copy of them",
)
def list_deletions(request: HttpRequest, filters: Query[DeletionFilters]) -> dict:
    require(request, ApiScope.APPLICATIONS_READ)
    tombstones = DeletionRecord.objects.filter(_within_reach(request.user))
    if filters.deleted_after:
        tombstones = tombstones.filter(deleted_at__gt=filters.deleted_after)
    return cursors.page(
        tombstones,
        by="deleted_at",
        newest_first=False,
        cursor=filters.cursor,
        limit=filters.limit,
    )
