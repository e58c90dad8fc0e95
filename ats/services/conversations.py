"""Messages between the hiring team and a candidate. The team writes on the application's
page (a template may start the text); the candidate reads and answers on their own page.
Each side is told by email with a link only, through the outboxes: the candidate by a
CandidateEmail, the team members who wrote by a StaffEmail. A restricted application
takes no message, and a reply cannot reach an application being deleted or gone
(lock_for_change)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..emails import site_url
from ..models import AccessEvent, Application, CandidateEmail, Interview, Message
from ..models.conversations import MESSAGE_MAX_LENGTH
from ..selectors.access import visible_applications
from ..validators import unfilled_placeholders
from .access_log import record_access
from .candidate_emails import waiting_emails
from .candidate_rights import candidate_did
from .locks import lock_for_change
from .staff_emails import queue_staff_email


class MessageRefused(Exception):
    """A message that cannot be sent; the text is safe to show."""


@transaction.atomic
def write_to_candidate(
    *, application: Application, text: str, written_by: AbstractBaseUser
) -> Message:
    """The team's message; the candidate is emailed a link to read it (one email for
    messages written before the worker sends it). Answering reads the candidate's."""
    application = lock_for_change(application)
    text = _checked(text)
    if application.is_restricted:
        raise MessageRefused(
            _("The candidate has restricted processing, so no message can be sent.")
        )
    if unfilled := unfilled_placeholders(text):
        raise MessageRefused(
            _("Fill in or remove %(gaps)s before sending.") % {"gaps": ", ".join(unfilled)}
        )
    now = timezone.now()
    message = Message.objects.create(
        application=application,
        sender=Message.Sender.TEAM,
        written_by=written_by,
        text=text,
        sent_at=now,
    )
    application.messages.filter(sender=Message.Sender.CANDIDATE, read_at__isnull=True).update(
        read_at=now
    )
    waiting = waiting_emails(applications=[application]).filter(template=CandidateEmail.MESSAGE)
    if not waiting.exists():
        CandidateEmail.objects.create(
            application=application,
            template=CandidateEmail.MESSAGE,
            send_after=now,
            created_by=written_by,
        )
    record_access(
        user=written_by, action=AccessEvent.Action.MESSAGE, public_ids=[application.public_id]
    )
    return message


@transaction.atomic
def reply_from_candidate(*, application: Application, text: str) -> Message:
    """The candidate's answer, on their own page, to a conversation the team began (or
    about the interview booked with them). The team members who wrote in it, and the
    interviewers, who may still see the application, get a link."""
    application = lock_for_change(application)
    text = _checked(text)
    if not may_reply(application):
        raise MessageRefused(_("There is no message to answer."))
    if application.is_restricted:
        raise MessageRefused(
            _("You have restricted processing: lift the restriction to send a message.")
        )
    now = timezone.now()
    message = Message.objects.create(
        application=application, sender=Message.Sender.CANDIDATE, text=text, sent_at=now
    )
    read_messages(application=application, now=now)
    candidate_did(application, AccessEvent.Action.MESSAGE)
    link = site_url(reverse("ats:recruit-application", args=[application.public_id]))
    with translation.override(settings.LANGUAGE_CODE):  # the team's, not the candidate's
        for writer in _writers(application):
            queue_staff_email(
                to=writer.email, template="message_reply", context={"link": f"{link}#conversation"}
            )
    return message


def may_reply(application: Application) -> bool:
    """The candidate writes once the team has written, or about the interview booked with
    them (another time, say): never out of the blue."""
    return (
        application.messages.filter(sender=Message.Sender.TEAM).exists()
        or application.interviews.filter(status=Interview.Status.BOOKED).exists()
    )


def read_messages(*, application: Application, now=None) -> int:
    """The team's messages, read by the candidate on their page."""
    return application.messages.filter(sender=Message.Sender.TEAM, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


def read_replies(*, application: Application) -> int:
    """The candidate's messages, read by a team member who may answer them."""
    return application.messages.filter(
        sender=Message.Sender.CANDIDATE, read_at__isnull=True
    ).update(read_at=timezone.now())


def _checked(text: str) -> str:
    text = text.strip()
    if not text:
        raise MessageRefused(_("The message is empty."))
    if len(text) > MESSAGE_MAX_LENGTH:
        raise MessageRefused(
            _("A message holds at most %(count)d characters.") % {"count": MESSAGE_MAX_LENGTH}
        )
    return text


def _writers(application: Application) -> list[AbstractBaseUser]:
    """Who is told of the candidate's answer: the team members who wrote to them, and
    the interviewers of a time booked with them, while they may still see it."""
    writers = {
        message.written_by
        for message in application.messages.filter(sender=Message.Sender.TEAM)
        .select_related("written_by")
        .exclude(written_by=None)
    }
    writers |= set(
        get_user_model().objects.filter(
            ats_interviews__application=application,
            ats_interviews__status=Interview.Status.BOOKED,
        )
    )
    return [
        user
        for user in writers
        if user.is_active
        and user.email
        and visible_applications(user).filter(pk=application.pk).exists()
    ]
