"""Receiving applications."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID, uuid4

from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import cv_text, retention, storage
from ..cv_checks import ValidatedCv
from ..models import (
    Application,
    DeletionReason,
    DeletionRecord,
    Opening,
    PrivacyNotice,
    ScreeningAnswer,
    ScreeningQuestion,
    WebhookEvent,
)
from .report_counts import count_arrival
from .search_index import index_applications
from .webhooks import queue_application_events

logger = logging.getLogger(__name__)

# Errors after which the row may exist: the connection failed after the INSERT (or its
# COMMIT) was sent, and the database may have committed it without a reply arriving.
OUTCOME_UNKNOWN = (OperationalError, InterfaceError)


class ApplicationError(Exception):
    """An application that cannot be received; the message is safe to show."""


class AlreadyReceived(Exception):
    """The same form was sent before and its application is stored: nothing more is."""


class OutcomeUnknown(Exception):
    """The database failed while storing the application: it may or may not be stored.
    Its CV is left in place; the storage sweep removes it if no row refers to it."""


@dataclass(frozen=True)
class Submission:
    """What the candidate is told after applying. Holds no personal data."""

    public_id: UUID
    opening: Opening | None
    submitted_at: datetime
    delete_after: datetime | None

    @property
    def kept(self) -> bool:
        """Whether it is stored: not when the policy deletes it as it arrives."""
        return not retention.is_due(self.delete_after, now=self.submitted_at)


def submit_application(
    *,
    opening: Opening | None,
    name: str,
    email: str,
    cv: ValidatedCv,
    consent: bool,
    phone: str = "",
    cover_letter: str = "",
    notice_id: int | None = None,
    language: str = "sv",
    submitted_at: datetime | None = None,
    answers: Sequence[tuple[ScreeningQuestion, str]] = (),
    source: str = "",
    form_token: str = "",
) -> Submission:
    """Receive an application, for `opening` or spontaneous (None), as the policy says.
    The worker sends the candidate a receipt with their self-service link within a
    minute (services/outbox.py); a slow mail server never holds up the request.

    The consent is recorded on the privacy notice the form showed (`notice_id`, known
    to exist), or else on the notice in force at `submitted_at`.

    An application the policy would delete at once (spontaneous, no consent) is never
    stored: only its tombstone is written. Otherwise the CV is stored first and removed
    again if the row was certainly not written. When that is unknown (the connection
    failed with the INSERT sent: OutcomeUnknown), or an outer transaction rolls back,
    the file is left to the storage sweep, which checks the database first.

    An application for an opening is written under a share lock on the opening's row,
    which the hiring decision's lock waits for and which waits for it: an application
    is either there when the decision dates the applicants, or refused as too late.

    `answers` to the opening's screening questions are stored with it; one that does not
    meet a requirement flags the application for the recruiters and nothing more.

    `form_token`, the form's one-time field, is stored with the row under a unique
    index: the same form sent again (a double tap, or Back and send) raises
    AlreadyReceived once the first is stored, and stores it if the first never was.
    """
    submitted_at = submitted_at or timezone.now()
    if opening is not None and not opening.takes_applications(now=submitted_at):
        raise ApplicationError(_("This opening no longer takes applications."))
    consent_given_at = submitted_at if consent else None
    delete_after = retention.deadline_on_submission(
        for_opening=opening is not None,
        submitted_at=submitted_at,
        consent_given_at=consent_given_at,
    )
    if notice_id is None:  # the id alone: the notice's texts are long
        notice_id = (
            PrivacyNotice.objects.in_force(now=submitted_at).values_list("pk", flat=True).first()
        )
    if notice_id is None:
        raise ApplicationError(
            _("Applications are closed for now: no privacy notice is published.")
        )
    if retention.is_due(delete_after, now=submitted_at):
        with transaction.atomic():
            tombstone = DeletionRecord.objects.create(
                public_id=uuid4(),
                kind=DeletionRecord.Kind.SPONTANEOUS,
                reason=DeletionReason.CONSENT_ABSENT,
                due_at=delete_after,
                deleted_at=submitted_at,
            )
            count_arrival(opening_id=None, source=source, at=submitted_at, kept=False)
        return Submission(
            public_id=tombstone.public_id,
            opening=None,
            submitted_at=submitted_at,
            delete_after=delete_after,
        )

    text = cv_text.extract_text(cv.file, cv.type)  # for search; "" if it cannot be read
    key = storage.save_cv(cv.file, extension=cv.type.extension)
    try:
        with transaction.atomic():
            if opening is not None and not _takes_applications_locked(opening, now=submitted_at):
                raise ApplicationError(_("This opening no longer takes applications."))
            count_arrival(
                opening_id=opening and opening.pk, source=source, at=submitted_at, kept=True
            )
            application = Application.objects.create(
                opening=opening,
                name=name,
                email=email,
                phone=phone,
                cover_letter=cover_letter,
                cv=key,
                cv_filename=cv.display_name,
                submitted_at=submitted_at,
                stage_since=submitted_at,
                privacy_notice_id=notice_id,
                consent_given_at=consent_given_at,
                delete_after=delete_after,
                # Only a consented spontaneous application has a date on arrival.
                deletion_reason=DeletionReason.CONSENT_EXPIRED if delete_after else "",
                language=language,
                source=source,
                form_token=form_token or None,
            )
            ScreeningAnswer.objects.bulk_create(
                ScreeningAnswer(
                    application=application,
                    question=question,
                    question_text=question.text,
                    answer=answer,
                    misses_requirement=bool(question.unmet_answer)
                    and answer == question.unmet_answer,
                )
                for question, answer in answers
            )
            index_applications(application_ids=[application.pk], cv_text=text)
            queue_application_events(
                event=WebhookEvent.APPLICATION_RECEIVED,
                applications=Application.objects.filter(pk=application.pk),
                now=submitted_at,
            )
    except OUTCOME_UNKNOWN as error:
        logger.error("Applying failed with its outcome unknown: %s", type(error).__name__)
        raise OutcomeUnknown from error
    except Exception as error:  # refused: the row is certainly not there
        storage.delete_cv_files([key])
        if isinstance(error, IntegrityError) and _received(form_token):
            raise AlreadyReceived from error
        raise
    return Submission(
        public_id=application.public_id,
        opening=opening,
        submitted_at=submitted_at,
        delete_after=delete_after,
    )


def _received(form_token: str) -> bool:
    return bool(form_token) and Application.objects.filter(form_token=form_token).exists()


def _takes_applications_locked(opening: Opening, *, now) -> bool:
    """Whether the opening still takes applications, read under a share lock held until the
    commit: it waits for a hiring decision in progress (FOR UPDATE), which waits for it.
    Applications do not wait for each other. SQLite writes one transaction at a time
    (IMMEDIATE), which serialises the two as well."""
    connection = transaction.get_connection()
    lock = " FOR SHARE" if connection.features.has_select_for_update else ""
    quote = connection.ops.quote_name
    query = (
        f"SELECT {quote('status')}, {quote('application_deadline')} "
        f"FROM {quote(Opening._meta.db_table)} WHERE id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query + lock, [opening.pk])
        row = cursor.fetchone()
    if row is None:
        return False
    status, deadline = row
    if isinstance(deadline, str):  # SQLite returns dates as text from a raw query
        deadline = date.fromisoformat(deadline)
    return Opening(status=status, application_deadline=deadline).takes_applications(now=now)
