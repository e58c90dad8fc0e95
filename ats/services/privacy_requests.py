"""Requests a person makes to staff, by email or letter: a copy of everything, or its
erasure; each logged with its one-month deadline, under a keyed hash of the address, the
employer's case reference and the applications it covered (by public_id).

What is exported or erased is the set the officer found and saw (selectors.candidates.
found_set), never whatever the address would find at the moment of the click: an
application sent after the search is not in it."""

from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .. import retention, selectors
from ..models import AccessEvent, Application, PrivacyRequest, PrivacyRequestItem
from ..selectors.candidates import FoundSet
from .access_log import record_access
from .erasure import erase_applications_now


def _log_request(
    *,
    kind: PrivacyRequest.Kind,
    found: FoundSet,
    handled_by: AbstractBaseUser,
    public_ids: list[UUID],
) -> PrivacyRequest:
    request = PrivacyRequest.objects.create(
        kind=kind,
        email_hash=found.email_hash,
        received_on=found.received_on,
        deadline=retention.privacy_request_deadline(found.received_on),
        handled_by=handled_by,
        applications=len(public_ids),
        case_reference=found.case_reference,
    )
    PrivacyRequestItem.objects.bulk_create(
        PrivacyRequestItem(request=request, public_id=public_id) for public_id in public_ids
    )
    return request


@transaction.atomic
def handle_access_request(*, found: FoundSet, handled_by: AbstractBaseUser) -> list[Application]:
    """The found applications that still live, for one export; logged as handled."""
    applications = selectors.candidates.applications_for_request(found=found, exported=True)
    public_ids = [a.public_id for a in applications]
    record_access(user=handled_by, action=AccessEvent.Action.EXPORT, public_ids=public_ids)
    _log_request(
        kind=PrivacyRequest.Kind.ACCESS, found=found, handled_by=handled_by, public_ids=public_ids
    )
    return applications


@dataclass(frozen=True)
class Erasure:
    request: PrivacyRequest
    erased: list[UUID]  # gone now: each has its deletion certificate
    kept: list[UUID]  # kept, hidden, by a legal hold (or a file the storage refused)


def handle_erasure_request(*, found: FoundSet, handled_by: AbstractBaseUser) -> Erasure:
    """Erase the found applications that still live now, files included; logged as
    handled. A legal hold keeps an application, hidden, until the hold ends."""
    ids = list(
        Application.objects.live()
        .filter(public_id__in=found.public_ids)
        .values_list("public_id", flat=True)
    )
    erase_applications_now(
        applications=Application.objects.filter(public_id__in=ids), requested_by=handled_by
    )
    request = _log_request(
        kind=PrivacyRequest.Kind.ERASURE, found=found, handled_by=handled_by, public_ids=ids
    )
    kept = set(Application.objects.filter(public_id__in=ids).values_list("public_id", flat=True))
    return Erasure(
        request=request,
        erased=[public_id for public_id in ids if public_id not in kept],
        kept=[public_id for public_id in ids if public_id in kept],
    )
