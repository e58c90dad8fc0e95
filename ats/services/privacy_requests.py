"""Requests a person makes to staff, by email or letter: a copy of everything, or its
erasure; each logged with its one-month deadline, under a keyed hash of the address."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .. import retention, selectors
from ..models import AccessEvent, Application, PrivacyRequest
from ..ratelimit import keyed_hash
from .access_log import record_access
from .erasure import erase_applications_now


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
    applications = selectors.candidates.applications_of_person(email=email)
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
    ids = list(Application.objects.live().of_email(email).values_list("pk", flat=True))
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
