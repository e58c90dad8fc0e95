"""The merit request (Discrimination Act, 2 ch. 4 §): an applicant not hired may ask
for the education, professional experience and other merits of the person who was.
The request reaches the recruiters with its date; a recruiter reviews the drafted
answer and sends it. Request and answer are logged, and deleted with the asking
candidate's application."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..emails import site_url
from ..models import DECIDING_ROLES, AccessEvent, Application, CandidateEmail, MeritRequest
from ..queue import enqueue
from ..validators import unfilled_placeholders
from .access_log import record_access
from .candidate_emails import language_of
from .candidate_rights import candidate_did, may_ask_for_merits
from .locks import lock_for_change
from .staff_emails import queue_staff_email


class MeritRequestError(Exception):
    """A request or answer that cannot be made; the message is safe to show."""


@transaction.atomic
def request_merits(*, application: Application) -> MeritRequest:
    application = lock_for_change(application)
    if not may_ask_for_merits(application):
        raise MeritRequestError(_("This application cannot ask for the hired person's merits."))
    request = MeritRequest.objects.create(application=application)
    candidate_did(application, AccessEvent.Action.MERIT_REQUEST)
    transaction.on_commit(lambda: enqueue("ats.tasks.tell_of_merit_request", request.pk))
    return request


def tell_of_merit_request(*, request_id: int) -> int:
    """Email the opening's recruiters and hiring managers a link to the answer page,
    with the request's date; nothing of the candidate."""
    request = MeritRequest.objects.select_related("application__opening").filter(pk=request_id)
    request = request.first()
    if request is None:
        return 0
    opening = request.application.opening
    link = site_url(reverse("ats:recruit-merits", kwargs={"opening_id": opening.pk}))
    told = 0
    for member in opening.team_members.filter(role__in=DECIDING_ROLES).select_related("user"):
        if member.user.email and member.user.is_active:
            queue_staff_email(
                to=member.user.email,
                template="merit_request",
                context={"opening": opening, "request": request, "link": link},
            )
            told += 1
    return told


@transaction.atomic
def answer_merit_request(
    *, request: MeritRequest, answer: str, answered_by: AbstractBaseUser
) -> MeritRequest:
    """Send the reviewed answer to the candidate (through the outbox, in their
    language) and keep it with the request."""
    application = lock_for_change(request.application)
    request = MeritRequest.objects.select_for_update().get(pk=request.pk)
    if request.answered_at:
        raise MeritRequestError(_("This request has been answered already."))
    if not answer.strip():
        raise MeritRequestError(_("Write the answer before sending it."))
    if unfilled := unfilled_placeholders(answer):  # the draft's "[to be filled in by ...]"
        gaps = ", ".join(dict.fromkeys(unfilled))  # each once, though the draft has three
        raise MeritRequestError(_("Fill in or remove %(gaps)s before sending.") % {"gaps": gaps})
    now = timezone.now()
    request.answer, request.answered_by, request.answered_at = answer.strip(), answered_by, now
    request.save(update_fields=["answer", "answered_by", "answered_at"])
    with translation.override(language_of(application)):
        subject = _("The merits of the person hired for %(opening)s") % {
            "opening": application.opening.title
        }
    CandidateEmail.objects.create(
        application=application,
        template=CandidateEmail.WRITTEN,
        send_after=now,
        subject=subject[:200],
        body=request.answer,
        created_by=answered_by,
    )
    record_access(
        user=answered_by,
        action=AccessEvent.Action.MERIT_ANSWER,
        public_ids=[application.public_id],
    )
    return request
