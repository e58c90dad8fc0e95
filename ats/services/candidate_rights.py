"""What a candidate does through their signed link (GDPR art. 15 to 21): correct,
withdraw consent, restrict, object, erase; and fresh links by email. Each is logged in
the access log as the candidate's, and refused once a purge has claimed the
application (services/locks.py)."""

import enum
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .. import cv_text, retention, storage
from ..cv_checks import ValidatedCv
from ..models import AccessEvent, Application, DeletionReason, Interview, LinkRequest
from .access_log import record_access
from .applications import OUTCOME_UNKNOWN
from .erasure import erase_applications
from .locks import lock_for_change
from .search_index import index_applications


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
    INTERVIEW = "interview"  # choose a time offered, or ask for others
    MERITS = "merits"  # the hired person's merits (Discrimination Act 2:4)


def available_actions(
    application: Application, *, now: datetime | None = None
) -> list[CandidateAction]:
    """The rights this application offers its candidate, in the order a page lists them.
    Withdrawal needs a consent; renewal, a consented spontaneous application near the
    end of its consent; objection is to processing for an opening (a spontaneous one is
    withdrawn instead)."""
    now = now or timezone.now()
    actions = []
    if any(i.status in Interview.OPEN for i in application.interviews.all()):
        actions.append(CandidateAction.INTERVIEW)
    actions += [CandidateAction.EXPORT, CandidateAction.EDIT]
    if application.consent_given_at:
        actions.append(CandidateAction.WITHDRAW)
        if may_renew(application, now=now):
            actions.append(CandidateAction.RENEW)
    actions.append(
        CandidateAction.UNRESTRICT if application.is_restricted else CandidateAction.RESTRICT
    )
    if not application.is_spontaneous:
        actions.append(CandidateAction.OBJECT)
    actions.append(CandidateAction.ERASE)
    if may_ask_for_merits(application):
        actions.append(CandidateAction.MERITS)
    return actions


def may_renew(application: Application, *, now: datetime) -> bool:
    """A spontaneous application kept with consent, in the consent's last days."""
    return (
        application.is_spontaneous
        and application.consent_given_at is not None
        and retention.renewal_is_open(application.delete_after, now=now)
    )


def may_ask_for_merits(application: Application) -> bool:
    """Not hired, on an opening whose decision is made: the Discrimination Act (2 ch.
    4 §) lets them ask for the hired person's merits. Once is enough: it stays open."""
    return (
        application.opening is not None
        and application.opening.decided_at is not None
        and application.stage != Application.Stage.HIRED
        and not application.merit_requests.all()
    )


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
    """Rectification. A replaced CV is stored first, the old one deleted after the commit
    (every version of it; one the storage refuses now, the sweep deletes); the new one is
    deleted again if the row was certainly not changed (as in applying)."""
    text = cv and cv_text.extract_text(cv.file, cv.type)
    new_key = cv and storage.save_cv(cv.file, extension=cv.type.extension)
    try:
        with transaction.atomic():
            locked = lock_for_change(application)
            old_key = locked.cv.name
            locked.name, locked.email, locked.phone = name, email, phone
            locked.cover_letter = cover_letter
            if new_key:
                locked.cv, locked.cv_filename = new_key, cv.display_name
                transaction.on_commit(lambda: storage.delete_cv_files([old_key]), robust=True)
            locked.save()
            index_applications(application_ids=[locked.pk], cv_text=text if new_key else None)
            candidate_did(locked, AccessEvent.Action.EDIT)
    except OUTCOME_UNKNOWN:
        raise  # the row may refer to the new file: the sweep decides, by the database
    except Exception:
        if new_key:
            storage.delete_cv_files([new_key])
        raise
    return locked


def request_self_service_links(*, email: str) -> None:
    """Ask the worker to email fresh links for every live application under the
    address, if there are any: one INSERT, the same whether or not it has applied."""
    LinkRequest.objects.create(email=email.strip())
