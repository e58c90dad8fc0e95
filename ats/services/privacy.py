"""The data subject's rights: erasure, withdrawal, restriction, objection, rectification,
consent renewal; and the links that let a candidate exercise them.

Every deletion goes through the same engine: the services make an application due now
(hidden at once), and the queue deletes it within seconds of the commit.
"""

import enum
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import emails, retention, selectors, storage
from ..models import (
    AccessEvent,
    Application,
    DeletionReason,
    Opening,
    PrivacyNotice,
    PrivacyRequest,
)
from ..ratelimit import keyed_hash
from ..validators import ValidatedCv
from .access_log import record_access, record_access_to_all
from .applications import OUTCOME_UNKNOWN
from .locks import lock_for_change
from .purge import PurgeSummary, purge_due, request_purge


class ErasureError(Exception):
    """An erasure that could not be completed; the message is safe to show."""


class Objection(enum.Enum):
    ERASED = "erased"
    RESTRICTED = "restricted"  # on legal hold: kept, but not processed


def candidate_did(application: Application, action: AccessEvent.Action) -> None:
    record_access(
        user=None,
        actor=AccessEvent.Actor.CANDIDATE,
        action=action,
        public_ids=[application.public_id],
    )


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
    pending = applications.filter(purge_run__isnull=True)
    if requested_by is not None:
        record_access_to_all(
            user=requested_by, action=AccessEvent.Action.ERASE, applications=pending, at=now
        )
    erased = pending.update(delete_after=retention.deadline_on_request(now), deletion_reason=reason)
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
    if opening.applications.exists():
        raise ErasureError(
            _(
                "Some applications of this opening could not be deleted yet (a legal hold, "
                "or a file the storage refused); the opening stays until they are gone."
            )
        )
    opening.delete()


# What a candidate does through their link.


class CandidateAction(enum.StrEnum):
    """What a candidate can do through their link: /my-application/<token>/<action>/."""

    EXPORT = "export"
    EDIT = "edit"
    WITHDRAW = "withdraw"
    RENEW = "renew"
    RESTRICT = "restrict"
    UNRESTRICT = "unrestrict"
    OBJECT = "object"
    ERASE = "erase"


def available_actions(application: Application) -> list[CandidateAction]:
    """The rights this application offers its candidate, in the order a page lists them.
    Withdrawal needs a consent; renewal, a consented spontaneous application; objection
    is to processing for an opening (a spontaneous one is withdrawn instead)."""
    actions = [CandidateAction.EXPORT, CandidateAction.EDIT]
    if application.consent_given_at:
        actions.append(CandidateAction.WITHDRAW)
        if application.is_spontaneous:
            actions.append(CandidateAction.RENEW)
    actions.append(
        CandidateAction.UNRESTRICT if application.is_restricted else CandidateAction.RESTRICT
    )
    if not application.is_spontaneous:
        actions.append(CandidateAction.OBJECT)
    actions.append(CandidateAction.ERASE)
    return actions


@transaction.atomic
def request_erasure(*, application: Application) -> None:
    candidate_did(application, AccessEvent.Action.ERASE)
    erase_applications(applications=Application.objects.filter(pk=application.pk))


@transaction.atomic
def withdraw_consent(*, application: Application) -> None:
    """A spontaneous application goes at once; on an opening's application, only the
    permission to be contacted about other openings ends."""
    if application.is_spontaneous:
        candidate_did(application, AccessEvent.Action.WITHDRAW)
        erase_applications(
            applications=Application.objects.filter(pk=application.pk),
            reason=DeletionReason.CONSENT_WITHDRAWN,
        )
    else:
        lock_for_change(application)
        candidate_did(application, AccessEvent.Action.WITHDRAW)
        Application.objects.filter(pk=application.pk).update(consent_given_at=None)


@transaction.atomic
def restrict_processing(*, application: Application, now: datetime | None = None) -> None:
    lock_for_change(application)
    candidate_did(application, AccessEvent.Action.RESTRICT)
    Application.objects.filter(pk=application.pk).update(restricted_at=now or timezone.now())


@transaction.atomic
def lift_restriction(*, application: Application) -> None:
    lock_for_change(application)
    candidate_did(application, AccessEvent.Action.UNRESTRICT)
    Application.objects.filter(pk=application.pk).update(restricted_at=None)


@transaction.atomic
def object_to_processing(*, application: Application, now: datetime | None = None) -> Objection:
    """An objection erases the application, unless a legal hold keeps it: then it is
    restricted, so that nobody processes it while it must be kept."""
    now = now or timezone.now()
    lock_for_change(application)
    candidate_did(application, AccessEvent.Action.OBJECT)
    this = Application.objects.filter(pk=application.pk)
    if this.held(now=now).exists():
        this.update(restricted_at=now)
        return Objection.RESTRICTED
    erase_applications(applications=this, now=now)
    return Objection.ERASED


def correct_application(
    *,
    application: Application,
    name: str,
    email: str,
    phone: str,
    cover_letter: str,
    cv: ValidatedCv | None = None,
) -> Application:
    """Rectification. A replaced CV is stored first, the old one deleted after the commit;
    the new one is deleted again if the row was certainly not changed (as in applying)."""
    new_key = cv and storage.save_cv(cv.file, extension=cv.type.extension)
    try:
        with transaction.atomic():
            locked = lock_for_change(application)
            old_key = locked.cv.name
            locked.name, locked.email, locked.phone = name, email, phone
            locked.cover_letter = cover_letter
            if new_key:
                locked.cv, locked.cv_filename = new_key, cv.display_name
                transaction.on_commit(lambda: storage.delete_cv(old_key))
            locked.save()
            candidate_did(locked, AccessEvent.Action.EDIT)
    except OUTCOME_UNKNOWN:
        raise  # the row may refer to the new file: the sweep decides, by the database
    except Exception:
        if new_key:
            storage.delete_cv(new_key)
        raise
    return locked


class RenewalError(Exception):
    """A consent that cannot be renewed; the message is safe to show."""


@transaction.atomic
def renew_consent(*, application: Application, now: datetime | None = None) -> Application:
    """A new consent, on the notice in force now, for another full period."""
    now = now or timezone.now()
    application = lock_for_change(application)
    if not (application.is_spontaneous and application.consent_given_at):
        raise RenewalError(_("Only a spontaneous application kept with consent can be renewed."))
    notice = PrivacyNotice.objects.current(now=now)
    if notice is None:
        raise RenewalError(_("No privacy notice is published, so no consent can be given."))
    Application.objects.filter(pk=application.pk).update(
        consent_given_at=now,
        privacy_notice=notice,
        delete_after=retention.deadline_with_consent(now),
        renewal_requested_at=None,
    )
    candidate_did(application, AccessEvent.Action.RENEW)
    application.refresh_from_db()
    return application


def send_self_service_links(*, email: str) -> None:
    """Email fresh links for every live application under the address, if there are any.
    The caller answers the same either way."""
    applications = list(
        Application.objects.live().filter(email__iexact=email.strip()).select_related("opening")
    )
    if applications:
        emails.send_links(email=email.strip(), applications=applications)


def ask_for_consent_renewals(*, now: datetime | None = None) -> int:
    """Ask, once, every candidate whose consent ends within ATS_CONSENT_RENEWAL_NOTICE days.
    Silence never extends: without a renewal the application is deleted on time."""
    now = now or timezone.now()
    expiring = list(
        Application.objects.live(now=now).filter(
            opening__isnull=True,
            deletion_reason=DeletionReason.CONSENT_EXPIRED,
            delete_after__lte=now + retention.renewal_notice(),
            renewal_requested_at__isnull=True,
            restricted_at__isnull=True,
        )
    )
    for application in expiring:
        emails.send_renewal_request(application)
    Application.objects.filter(pk__in=[a.pk for a in expiring]).update(renewal_requested_at=now)
    return len(expiring)


# Requests a person makes to staff, by email or letter.


def _log_request(
    *, kind: PrivacyRequest.Kind, email: str, received_on: date, handled_by, count: int
) -> PrivacyRequest:
    return PrivacyRequest.objects.create(
        kind=kind,
        email_hash=keyed_hash(email.strip().lower()),
        received_on=received_on,
        deadline=retention.privacy_request_deadline(received_on),
        handled_by=handled_by,
        applications=count,
    )


@transaction.atomic
def handle_access_request(
    *, email: str, received_on: date, handled_by: AbstractBaseUser
) -> list[Application]:
    """Every live application of the person, for one export; logged as handled."""
    applications = selectors.applications_of_person(email=email)
    record_access(
        user=handled_by,
        action=AccessEvent.Action.EXPORT,
        public_ids=[a.public_id for a in applications],
    )
    _log_request(
        kind=PrivacyRequest.Kind.ACCESS,
        email=email,
        received_on=received_on,
        handled_by=handled_by,
        count=len(applications),
    )
    return applications


def handle_erasure_request(
    *, email: str, received_on: date, handled_by: AbstractBaseUser
) -> tuple[PrivacyRequest, int]:
    """Erase every application of the person now, files included; logged as handled.

    Returns the request and how many applications a legal hold (or a failing storage)
    still keeps, hidden, until the hold ends.
    """
    ids = list(
        Application.objects.live().filter(email__iexact=email.strip()).values_list("pk", flat=True)
    )
    erase_applications_now(
        applications=Application.objects.filter(pk__in=ids), requested_by=handled_by
    )
    request = _log_request(
        kind=PrivacyRequest.Kind.ERASURE,
        email=email,
        received_on=received_on,
        handled_by=handled_by,
        count=len(ids),
    )
    return request, Application.objects.filter(pk__in=ids).count()
