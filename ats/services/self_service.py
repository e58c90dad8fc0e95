"""The emailed link, exchanged for a short session (ASVS 7.2, 8.3.1).

A link is a bearer credential in a URL, so it is used as little as possible: the first
visit trades it for a session of CANDIDATE_SESSION_MAX_IDLE and a redirect to the same
page without it. From then on the link still opens for LINK_REUSE_GRACE (a mail
scanner that opened it first has not used it up; a second click still works), then no
more. Sending new links gives the application a new key, which revokes every link sent
before.
"""

from collections.abc import Iterable
from datetime import timedelta
from uuid import UUID

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import tokens
from ..models import Application, new_link_key

LINK_REUSE_GRACE = timedelta(minutes=10)
CANDIDATE_SESSION_MAX_IDLE = timedelta(minutes=30)


@transaction.atomic
def open_with_link(*, token: str) -> UUID | None:
    """The public_id of the live application `token` opens, or None; the first open
    starts the grace period."""
    link = tokens.read_token(token)
    if link is None:
        return None
    now = timezone.now()
    opens = Application.objects.live(now=now).filter(public_id=link.public_id, link_key=link.key)
    if not opens.filter(
        Q(link_used_at__isnull=True) | Q(link_used_at__gt=now - LINK_REUSE_GRACE)
    ).exists():
        return None
    opens.filter(link_used_at__isnull=True).update(link_used_at=now)
    return link.public_id


def issue_new_links(applications: Iterable[Application]) -> None:
    """New keys for these applications, before their new links are made: the links
    sent before stop working. One UPDATE each; a person holds a few applications."""
    for application in applications:
        application.link_key, application.link_used_at = new_link_key(), None
        Application.objects.filter(pk=application.pk).update(
            link_key=application.link_key, link_used_at=None
        )
