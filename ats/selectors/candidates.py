"""Reads about one person: their own application (self-service), all of theirs (privacy
requests), and the proof of a deletion."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from ..models import (
    Application,
    DeletionRecord,
    Interview,
    PrivacyRequest,
    WebhookDelivery,
)
from ..storage import ledger
from .propagation import Acknowledgement, acknowledgements

# What the candidate's export reads of each application: one query each, however many.
EXPORTED_RELATIONS = (
    "stage_changes",
    "notes",
    "answers",
    "emails",
    "scores",
    "merit_requests",
    Prefetch("interviews", queryset=Interview.objects.prefetch_related("slots", "interviewers")),
    Prefetch(
        "webhook_deliveries",
        queryset=WebhookDelivery.objects.select_related("subscription").order_by("occurred_at"),
    ),
)


def application_for_candidate(*, public_id: UUID) -> Application:
    """The candidate's own application, while it lives; 404 once it is due or gone."""
    return get_object_or_404(
        Application.objects.live()
        .select_related("opening", "privacy_notice")
        .prefetch_related(*EXPORTED_RELATIONS),
        public_id=public_id,
    )


def applications_of_person(*, email: str) -> list[Application]:
    """Every live application under an email address, restricted ones included."""
    return list(
        Application.objects.live()
        .of_email(email)
        .select_related("opening", "privacy_notice")
        .prefetch_related(*EXPORTED_RELATIONS)
        .order_by("submitted_at")
    )


def recent_privacy_requests(*, limit: int = 50) -> list[PrivacyRequest]:
    return list(PrivacyRequest.objects.select_related("handled_by")[:limit])


@dataclass(frozen=True)
class DeletionCertificate:
    record: DeletionRecord
    ledger_entry: dict | None
    ledger_sha256: str | None
    told: list[Acknowledgement]  # the systems told to delete their copies


def deletion_certificate(*, public_id: UUID) -> DeletionCertificate:
    """What was deleted, when, by which rule, the ledger entry that proves it, and
    which connected systems acknowledged that they must delete their copies."""
    record = get_object_or_404(
        DeletionRecord.objects.select_related("opening"), public_id=public_id
    )
    found = record.ledger_object and ledger.find(sequence=record.ledger_object, public_id=public_id)
    entry, digest = found or (None, None)
    return DeletionCertificate(
        record=record,
        ledger_entry=entry,
        ledger_sha256=digest,
        told=acknowledgements(public_id=public_id),
    )
