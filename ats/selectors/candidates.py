"""Reads about one person: their own application (self-service), all of theirs (privacy
requests), and the proof of a deletion."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..models import (
    Application,
    DeletionRecord,
    Interview,
    PrivacyRequest,
    PrivacyRequestItem,
    ScreeningAnswer,
    StageChange,
    WebhookDelivery,
)
from ..ratelimit import keyed_hash
from ..storage import ledger
from .propagation import Acknowledgement, acknowledgements

# What the candidate's export reads of each application: one query each, however many.
EXPORTED_RELATIONS = (
    Prefetch("stage_changes", queryset=StageChange.objects.select_related("to_pipeline_stage")),
    "notes",
    "messages",
    Prefetch("answers", queryset=ScreeningAnswer.objects.select_related("question")),
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


@dataclass(frozen=True)
class FoundSet:
    """What a privacy officer found under one address, and when: the set an export or an
    erasure then acts on. The address itself is not kept, only its keyed hash."""

    public_ids: tuple[UUID, ...]
    email_hash: str
    received_on: date
    case_reference: str
    found_at: datetime


def found_set(
    *, email: str, received_on: date, case_reference: str = "", now: datetime | None = None
) -> FoundSet:
    """The live applications under the address now, restricted ones included."""
    return FoundSet(
        public_ids=tuple(
            Application.objects.live(now=now)
            .of_email(email)
            .order_by("submitted_at", "pk")
            .values_list("public_id", flat=True)
        ),
        email_hash=keyed_hash(email.strip().lower()),
        received_on=received_on,
        case_reference=case_reference.strip(),
        found_at=now or timezone.now(),
    )


def applications_for_request(*, found: FoundSet, exported: bool = False) -> list[Application]:
    """The found applications that still live, in the order they were sent; one that has
    gone since the search is not. `exported`: with all the export reads (one query each)."""
    applications = (
        Application.objects.live()
        .filter(public_id__in=found.public_ids)
        .select_related("opening", "hold_set_by")
        .order_by("submitted_at", "pk")
    )
    if exported:
        applications = applications.select_related("privacy_notice").prefetch_related(
            *EXPORTED_RELATIONS
        )
    return list(applications)


@dataclass(frozen=True)
class HandledRequest:
    request: PrivacyRequest
    certificates: list[DeletionRecord]  # for an erasure: the deletions it led to so far
    waiting: int  # for an erasure: covered, not deleted yet (a legal hold keeps them)


def recent_privacy_requests(*, limit: int = 50) -> list[HandledRequest]:
    """The requests handled last, each erasure with the certificates of its deletions:
    three queries however many."""
    requests = list(
        PrivacyRequest.objects.select_related("handled_by").prefetch_related("items")[:limit]
    )
    erased = [
        item.public_id
        for request in requests
        if request.kind == PrivacyRequest.Kind.ERASURE
        for item in request.items.all()
    ]
    records = {
        record.public_id: record
        for record in DeletionRecord.objects.filter(public_id__in=erased).select_related("opening")
    }
    rows = []
    for request in requests:
        found = []
        if request.kind == PrivacyRequest.Kind.ERASURE:
            found = [records.get(item.public_id) for item in request.items.all()]
        certificates = [record for record in found if record is not None]
        rows.append(HandledRequest(request, certificates, len(found) - len(certificates)))
    return rows


def deletion_certificates(*, public_ids: list[UUID]) -> list[DeletionRecord]:
    """The tombstones of these applications, those deleted so far, in the order given."""
    records = {
        record.public_id: record
        for record in DeletionRecord.objects.filter(public_id__in=public_ids).select_related(
            "opening"
        )
    }
    return [records[public_id] for public_id in public_ids if public_id in records]


@dataclass(frozen=True)
class DeletionCertificate:
    record: DeletionRecord
    ledger_entry: dict | None
    ledger_sha256: str | None
    told: list[Acknowledgement]  # the systems told to delete their copies
    request: PrivacyRequest | None  # the erasure request it answered, if staff handled one


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
        request=PrivacyRequest.objects.filter(
            kind=PrivacyRequest.Kind.ERASURE,
            pk__in=PrivacyRequestItem.objects.filter(public_id=public_id).values("request"),
        ).first(),
    )
