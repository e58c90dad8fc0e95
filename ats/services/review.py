"""What recruiters do to one application: move it through the stages, write notes
(an @mention in one emails that colleague a link, by the worker)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ..models import AccessEvent, Application, Note, StageChange, WebhookEvent
from ..queue import enqueue
from .access_log import record_access
from .locks import lock_for_change
from .mentions import mentioned_usernames
from .webhooks import queue_application_events


@transaction.atomic
def change_stage(
    *, application: Application, stage: Application.Stage, changed_by: AbstractBaseUser
) -> Application:
    application = lock_for_change(application)
    if application.stage == stage:
        return application
    StageChange.objects.create(
        application=application, from_stage=application.stage, to_stage=stage, changed_by=changed_by
    )
    application.stage = stage
    application.save(update_fields=["stage"])
    queue_application_events(
        event=WebhookEvent.APPLICATION_STAGE_CHANGED,
        applications=Application.objects.filter(pk=application.pk),
        data={"stage": stage},
    )
    record_access(
        user=changed_by, action=AccessEvent.Action.STAGE_CHANGE, public_ids=[application.public_id]
    )
    return application


@transaction.atomic
def add_note(*, application: Application, text: str, author: AbstractBaseUser) -> Note:
    application = lock_for_change(application)
    note = Note.objects.create(application=application, text=text.strip(), author=author)
    record_access(user=author, action=AccessEvent.Action.NOTE, public_ids=[application.public_id])
    if mentioned_usernames(note.text):
        transaction.on_commit(lambda: enqueue("ats.tasks.tell_mentioned_users", note.pk))
    return note
