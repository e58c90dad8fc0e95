"""The handled requests, each erasure with its certificates, in three queries however
many requests and applications; a certificate names the request it answered."""

import pytest
from django.utils import timezone

from ats.models import PrivacyRequest, PrivacyRequestItem
from ats.selectors.candidates import deletion_certificate, recent_privacy_requests
from tests.factories import DeletionRecordFactory, UserFactory

pytestmark = pytest.mark.django_db


def handled(kind: str, *, deleted: int, waiting: int = 0, reference: str = "") -> PrivacyRequest:
    request = PrivacyRequest.objects.create(
        kind=kind,
        email_hash="0" * 64,
        received_on=timezone.localdate(),
        deadline=timezone.localdate(),
        handled_by=UserFactory(),
        applications=deleted + waiting,
        case_reference=reference,
    )
    for _ in range(deleted):
        PrivacyRequestItem.objects.create(
            request=request, public_id=DeletionRecordFactory().public_id
        )
    for _ in range(waiting):
        PrivacyRequestItem.objects.create(
            request=request, public_id=DeletionRecordFactory.build().public_id
        )
    return request


@pytest.mark.parametrize("requests", [1, 6])
def test_handled_requests_are_read_in_three_queries(django_assert_num_queries, requests):
    for _ in range(requests):
        handled("erasure", deleted=2, waiting=1)
        handled("access", deleted=0, waiting=2)
    with django_assert_num_queries(3):
        rows = recent_privacy_requests()
        for row in rows:
            [record.opening for record in row.certificates]
            row.request.handled_by.get_username()
    erasures = [row for row in rows if row.request.kind == "erasure"]
    assert [(len(row.certificates), row.waiting) for row in erasures] == [(2, 1)] * requests
    assert all(row.certificates == [] and row.waiting == 0 for row in rows if row not in erasures)


def test_a_certificate_names_the_erasure_request_it_answered():
    request = handled("erasure", deleted=1, reference="ärende 2026-041")
    public_id = request.items.get().public_id
    assert deletion_certificate(public_id=public_id).request == request
    assert deletion_certificate(public_id=DeletionRecordFactory().public_id).request is None
