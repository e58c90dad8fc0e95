"""Consent to keep a spontaneous application: renewed by the candidate for another
period, asked for once before it ends. Silence never extends it."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import retention
from ..models import AccessEvent, Application, CandidateEmail, DeletionReason, PrivacyNotice
from .candidate_rights import candidate_did, may_renew
from .locks import lock_for_change


class RenewalError(Exception):
    """A consent that cannot be renewed; the message is safe to show."""


@transaction.atomic
def renew_consent(*, application: Application, now: datetime | None = None) -> Application:
    """A new consent, on the notice in force now, for another full period."""
    now = now or timezone.now()
    application = lock_for_change(application)
    if not (application.is_spontaneous and application.consent_given_at):
        raise RenewalError(_("Only a spontaneous application kept with consent can be renewed."))
    if not may_renew(application, now=now):
        raise RenewalError(
            _("Your consent can be renewed in its last %(period)s. We will email you then.")
            % {"period": retention.describe_period(retention.renewal_notice())}
        )
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


@transaction.atomic
def ask_for_consent_renewals(*, now: datetime | None = None) -> int:
    """Ask, once, every candidate whose consent ends within ATS_CONSENT_RENEWAL_NOTICE days
    (an email in the outbox, with a link that works until the consent ends). Silence
    never extends: without a renewal the application is deleted on time."""
    now = now or timezone.now()
    expiring = list(
        Application.objects.live(now=now)
        .filter(
            opening__isnull=True,
            deletion_reason=DeletionReason.CONSENT_EXPIRED,
            delete_after__lte=now + retention.renewal_notice(),
            renewal_requested_at__isnull=True,
            restricted_at__isnull=True,
        )
        .values_list("pk", flat=True)
    )
    CandidateEmail.objects.bulk_create(
        CandidateEmail(application_id=pk, template=CandidateEmail.RENEWAL, send_after=now)
        for pk in expiring
    )
    Application.objects.filter(pk__in=expiring).update(renewal_requested_at=now)
    return len(expiring)
