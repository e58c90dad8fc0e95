"""Legal holds: an application that may be needed for a legal claim is not deleted
while the hold lasts, whatever its date says. When the hold ends it is due again.

The one place holds are placed and lifted: the admin's actions, the application page
and the privacy page's results all call these. A hold reads nothing of the person, so
it may be placed on an application the candidate has restricted (GDPR art. 18(2): the
data may still be stored, and kept for a legal claim)."""

import logging
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import AccessEvent, Application
from .access_log import record_access_to_all
from .purge import request_purge

logger = logging.getLogger(__name__)


class HoldError(Exception):
    """A hold that cannot be placed as asked; the message is safe to show."""


@transaction.atomic
def place_legal_hold(
    *,
    applications: QuerySet[Application],
    reason: str,
    placed_by: AbstractBaseUser,
    until: datetime | None = None,
    now: datetime | None = None,
) -> int:
    """Hold the applications; return how many. Those a purge has claimed are gone already
    (PurgeClaim): a claim skips rows this update has locked, and this update skips rows
    a claim has taken."""
    now = now or timezone.now()
    if not reason.strip():
        raise HoldError(_("Say why the applications must be kept."))
    if until is not None and until <= now:
        raise HoldError(_("A legal hold must end in the future, or not be given an end."))
    record_access_to_all(
        user=placed_by, action=AccessEvent.Action.HOLD, applications=applications, at=now
    )
    held = applications.update(
        hold_reason=reason.strip(), hold_until=until, hold_set_by=placed_by, hold_set_at=now
    )
    logger.info("Legal hold placed on %d application(s) by user %s", held, placed_by.pk)
    return held


@transaction.atomic
def lift_legal_hold(
    *,
    applications: QuerySet[Application],
    lifted_by: AbstractBaseUser,
    now: datetime | None = None,
) -> int:
    """End the holds; whatever is past its date is then deleted by the queue at once."""
    now = now or timezone.now()
    on_hold = applications.exclude(hold_reason="")
    record_access_to_all(
        user=lifted_by, action=AccessEvent.Action.LIFT_HOLD, applications=on_hold, at=now
    )
    lifted = on_hold.update(hold_reason="", hold_until=None, hold_set_by=None, hold_set_at=None)
    logger.info("Legal hold lifted on %d application(s) by user %s", lifted, lifted_by.pk)
    if applications.due(now=now).exists():
        request_purge()
    return lifted
