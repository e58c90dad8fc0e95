"""Erasure: every deletion a person or staff asks for goes through the same engine. The
applications are made due now (hidden at once), and the queue deletes them, with their
files, within seconds of the commit; or this request deletes them (the admin)."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import retention
from ..models import AccessEvent, Application, DeletionReason, Opening, PurgeClaim
from .access_log import record_access_to_all
from .purge import PurgeSummary, purge_due, request_purge


class ErasureError(Exception):
    """An erasure that could not be completed; the message is safe to show."""


@transaction.atomic
def erase_applications(
    *,
    applications: QuerySet[Application],
    reason: DeletionReason = DeletionReason.ERASURE_REQUESTED,
    requested_by: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> int:
    """Make the applications due now, hidden at once; the queue deletes them within
    seconds of the commit. A legal hold still keeps an application until it ends."""
    now = now or timezone.now()
    if requested_by is not None:
        record_access_to_all(
            user=requested_by, action=AccessEvent.Action.ERASE, applications=applications, at=now
        )
    erased = applications.update(
        delete_after=retention.deadline_on_request(now), deletion_reason=reason
    )
    request_purge()
    return erased


def erase_applications_now(
    *, applications: QuerySet[Application], requested_by: AbstractBaseUser
) -> PurgeSummary:
    """Erase and purge in this request (the admin's delete), rather than via the queue."""
    erase_applications(applications=applications, requested_by=requested_by)
    return purge_due()


def delete_opening(*, opening: Opening, deleted_by: AbstractBaseUser) -> None:
    """Erase every application of the opening, files included, then the opening itself."""
    erase_applications_now(applications=opening.applications.all(), requested_by=deleted_by)
    being_deleted = PurgeClaim.objects.filter(opening=opening)  # a file the storage refused
    if opening.applications.exists() or being_deleted.exists():
        raise ErasureError(
            _(
                "Some applications of this opening could not be deleted yet (a legal hold, "
                "or a file the storage refused); the opening stays until they are gone."
            )
        )
    opening.delete()
