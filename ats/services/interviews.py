"""Interviews: a recruiter proposes times, the candidate picks one through their
self-service link (or asks for others), and both sides get an iCalendar invitation,
then an update or a cancellation when it changes. Candidate emails go through the
outbox (services/candidate_emails.py); team members are emailed by the worker."""

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..calendar import interview_ics
from ..emails import site_url
from ..models import AccessEvent, Application, CandidateEmail, EmailTemplate, Interview
from ..queue import enqueue
from ..staff import staff_name
from .access_log import record_access
from .candidate_rights import candidate_did
from .locks import lock_for_change
from .pipeline import move_application
from .staff_emails import queue_staff_email

MAX_SLOTS = 5


class InterviewError(Exception):
    """An interview change that cannot be made as asked; the message is safe to show."""


def _email_candidate(interview: Interview, template: str, by: AbstractBaseUser | None) -> None:
    CandidateEmail.objects.create(
        application=interview.application,
        interview=interview,
        template=template,
        send_after=timezone.now(),
        created_by=by,
    )


def _tell_team_on_commit(interview_id: int) -> None:
    # Robust: with the queue down, what committed (a hiring decision, say) is not
    # reported as failed, and the other interviews' teams are still told; it is logged.
    def tell_interviewers():
        enqueue("ats.tasks.tell_interviewers", interview_id)

    transaction.on_commit(tell_interviewers, robust=True)


@transaction.atomic
def propose_interview(
    *,
    application: Application,
    times: Sequence[datetime],
    length_minutes: int,
    place: str,
    interviewers: Sequence[AbstractBaseUser],
    proposed_by: AbstractBaseUser,
) -> Interview:
    """Offer the candidate `times` to choose from; the application moves to the
    interview stage (where the interviewers see it) and the invitation is queued."""
    now = timezone.now()
    times = sorted({t for t in times if t > now})
    if not times:
        raise InterviewError(_("Offer at least one time in the future."))
    if len(times) > MAX_SLOTS:
        raise InterviewError(_("Offer at most %(count)d times.") % {"count": MAX_SLOTS})
    if not place.strip():
        raise InterviewError(_("Say where the interview is, or give the video link."))
    application = lock_for_change(application)
    if application.is_restricted:
        raise InterviewError(_("The candidate has restricted processing of this application."))
    # A new proposal replaces one still waiting for the candidate's answer.
    application.interviews.filter(status__in=Interview.OPEN).update(
        status=Interview.Status.CANCELLED
    )
    interview = Interview.objects.create(
        application=application,
        length_minutes=length_minutes,
        place=place.strip(),
        proposed_by=proposed_by,
    )
    interview.interviewers.set(interviewers)
    interview.slots.bulk_create(
        interview.slots.model(interview=interview, starts_at=t) for t in times
    )
    if application.stage in (Application.Stage.NEW, Application.Stage.REVIEWING):
        move_application(
            application=application, stage=Application.Stage.INTERVIEW, moved_by=proposed_by
        )
    _email_candidate(interview, EmailTemplate.Key.INTERVIEW_INVITATION, proposed_by)
    record_access(
        user=proposed_by, action=AccessEvent.Action.INTERVIEW, public_ids=[application.public_id]
    )
    return interview


def _open_interview(application: Application, interview_id: int) -> Interview:
    interview = (
        Interview.objects.select_for_update()
        .filter(application=application, pk=interview_id)
        .exclude(status=Interview.Status.CANCELLED)
        .first()
    )
    if interview is None:
        raise InterviewError(_("This interview is no longer planned."))
    return interview


def _waiting_for_a_time(application: Application, interview_id: int) -> Interview:
    """The candidate's answer is to an interview not booked yet; a booked one moves
    only by the recruiters (move_interview)."""
    interview = _open_interview(application, interview_id)
    if interview.status == Interview.Status.BOOKED:
        raise InterviewError(
            _("This interview is booked already; reply to the invitation to move it.")
        )
    return interview


@transaction.atomic
def book_interview(*, application: Application, interview_id: int, slot_id: int) -> Interview:
    """The candidate's choice of one of the times offered."""
    application = lock_for_change(application)
    interview = _waiting_for_a_time(application, interview_id)
    slot = interview.slots.filter(pk=slot_id, starts_at__gt=timezone.now()).first()
    if slot is None:
        raise InterviewError(_("Choose one of the times offered."))
    interview.starts_at = slot.starts_at
    interview.status = Interview.Status.BOOKED
    interview.sequence += 1
    interview.save(update_fields=["starts_at", "status", "sequence"])
    candidate_did(application, AccessEvent.Action.BOOK_INTERVIEW)
    _email_candidate(interview, EmailTemplate.Key.INTERVIEW_BOOKED, None)
    _tell_team_on_commit(interview.pk)
    return interview


@transaction.atomic
def ask_for_other_times(*, application: Application, interview_id: int, message: str) -> Interview:
    application = lock_for_change(application)
    interview = _waiting_for_a_time(application, interview_id)
    interview.status = Interview.Status.OTHER_TIMES
    interview.candidate_message = message.strip()[:500]
    interview.save(update_fields=["status", "candidate_message"])
    candidate_did(application, AccessEvent.Action.BOOK_INTERVIEW)
    _tell_team_on_commit(interview.pk)
    return interview


@transaction.atomic
def move_interview(
    *, interview: Interview, starts_at: datetime, moved_by: AbstractBaseUser
) -> Interview:
    """A booked interview to another time: both sides' calendars are updated."""
    application = lock_for_change(interview.application)
    interview = _open_interview(application, interview.pk)
    if starts_at <= timezone.now():
        raise InterviewError(_("Choose a time in the future."))
    interview.starts_at = starts_at
    interview.status = Interview.Status.BOOKED
    interview.sequence += 1
    interview.save(update_fields=["starts_at", "status", "sequence"])
    _email_candidate(interview, EmailTemplate.Key.INTERVIEW_CHANGED, moved_by)
    record_access(
        user=moved_by, action=AccessEvent.Action.INTERVIEW, public_ids=[application.public_id]
    )
    _tell_team_on_commit(interview.pk)
    return interview


@transaction.atomic
def cancel_interview(*, interview: Interview, cancelled_by: AbstractBaseUser) -> Interview:
    application = lock_for_change(interview.application)
    interview = _open_interview(application, interview.pk)
    call_off_interviews(
        interviews=Interview.objects.filter(pk=interview.pk),
        template=EmailTemplate.Key.INTERVIEW_CANCELLED,
        cancelled_by=cancelled_by,
        at=timezone.now(),
    )
    interview.status = Interview.Status.CANCELLED
    interview.sequence += 1
    record_access(
        user=cancelled_by, action=AccessEvent.Action.INTERVIEW, public_ids=[application.public_id]
    )
    return interview


def call_off_interviews(
    *,
    interviews: QuerySet[Interview],
    template: str,
    cancelled_by: AbstractBaseUser | None,
    at: datetime,
) -> int:
    """Cancel `interviews` (their applications locked by the caller), set-based: a
    SEQUENCE one higher so that calendars remove the event they were sent, the emails
    about them not sent yet taken back (they would now be wrong), one email from
    `template` to each candidate (with the cancellation for their calendar), and the
    team told of each that was booked. Four statements however many; returns how many."""
    found = list(
        interviews.exclude(status=Interview.Status.CANCELLED).values_list(
            "pk", "application_id", "status"
        )
    )
    if not found:
        return 0
    ids = [pk for pk, _application, _status in found]
    Interview.objects.filter(pk__in=ids).update(
        status=Interview.Status.CANCELLED, sequence=F("sequence") + 1
    )
    CandidateEmail.objects.filter(
        interview__in=ids, sent_at__isnull=True, undeliverable_at__isnull=True
    ).delete()
    CandidateEmail.objects.bulk_create(
        CandidateEmail(
            application_id=application,
            interview_id=pk,
            template=template,
            send_after=at,
            created_by=cancelled_by,
        )
        for pk, application, _status in found
    )
    for pk, _application, status in found:
        if status == Interview.Status.BOOKED:  # the team has it in their calendars
            _tell_team_on_commit(pk)
    return len(found)


def tell_interviewers(*, interview_id: int) -> int:
    """Email each interviewer (and the proposer) what changed, with the calendar event
    once there is a time; no candidate data, a link to the application. Returns how many."""
    interview = (
        Interview.objects.select_related("application__opening", "proposed_by")
        .prefetch_related("interviewers")
        .filter(pk=interview_id)
        .first()
    )
    if interview is None:  # deleted with its application since
        return 0
    link = site_url(
        reverse("ats:recruit-application", kwargs={"public_id": interview.application.public_id})
    )
    people = {user.pk: user for user in interview.interviewers.all()}
    if interview.proposed_by:
        people.setdefault(interview.proposed_by.pk, interview.proposed_by)
    language = translation.get_language() or settings.LANGUAGE_CODE
    told = 0
    for user in people.values():
        if user.email and user.is_active:
            queue_staff_email(
                to=user.email,
                template="interview_team",
                context={"interview": interview, "link": link},
                # Each member's copy names that member as its one attendee (RFC 5546).
                calendar=interview_ics(
                    interview,
                    language=language,
                    attendees=[(staff_name(user), user.email)],
                    link=link,
                )
                if interview.starts_at
                else "",
            )
            told += 1
    return told
