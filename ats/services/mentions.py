"""@mentions in notes: the team member named is emailed a link to the application, and
nothing of the candidate (the link opens only for those who may see it)."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from ..emails import site_url
from ..models import Note
from ..selectors.access import visible_applications
from ..staff import mentioned_usernames
from .staff_emails import queue_staff_email

__all__ = ["mentioned_usernames", "tell_mentioned_users"]


def tell_mentioned_users(*, note_id: int) -> int:
    """Email each staff user the note mentions who may see its application; returns
    how many. A note deleted since (with its application) tells nobody."""
    note = Note.objects.select_related("application", "author").filter(pk=note_id).first()
    if note is None:
        return 0
    users = (
        get_user_model()
        .objects.filter(username__in=mentioned_usernames(note.text), is_staff=True, is_active=True)
        .exclude(email="")
        .exclude(pk=note.author_id)
    )
    link = site_url(
        reverse("ats:recruit-application", kwargs={"public_id": note.application.public_id})
    )
    told = 0
    for user in users:
        if visible_applications(user).filter(pk=note.application_id).exists():
            queue_staff_email(
                to=user.email,
                template="mentioned",
                context={"author": note.author, "link": f"{link}#timeline"},
            )
            told += 1
    return told
