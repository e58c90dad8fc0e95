"""Internal notes on an application (an @mention in one emails that colleague a link,
by the worker). Stage moves are services/pipeline.py's."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ..models import AccessEvent, Application, Note
from ..queue import enqueue
from .access_log import record_access
from .locks import lock_for_change
from .mentions import mentioned_usernames
from .search_index import index_applications


@transaction.atomic
def add_note(*, application: Application, text: str, author: AbstractBaseUser) -> Note:
    application = lock_for_change(application)
    note = Note.objects.create(application=application, text=text.strip(), author=author)
    index_applications(application_ids=[application.pk])
    record_access(user=author, action=AccessEvent.Action.NOTE, public_ids=[application.public_id])
    if mentioned_usernames(note.text):
        transaction.on_commit(lambda: enqueue("ats.tasks.tell_mentioned_users", note.pk))
    return note
