"""The emailed link, exchanged for a short session (ASVS 7.2, 8.3.1).

A link is a bearer credential in a URL, so it is used as little as possible: each visit
trades it for a session of CANDIDATE_SESSION_MAX_IDLE and a redirect to the same page
without it (out of the address bar, the history, a Referer and the access log). It
works for as long as its email says (tokens.py): a candidate who opens Monday's receipt
can still open Thursday's invitation. Sending new links gives the application a new key,
which revokes every link sent before; a link that no longer works offers to send one
that does.
"""

from collections.abc import Iterable
from datetime import timedelta
from typing import NamedTuple
from uuid import UUID

from django.utils import timezone

from .. import tokens
from ..models import Application, LinkRequest, new_link_key

CANDIDATE_SESSION_MAX_IDLE = timedelta(minutes=30)


class LinkOpened(NamedTuple):
    public_id: UUID
    works: bool  # False: expired, replaced by newer links, or its application is gone


def open_with_link(*, token: str) -> LinkOpened | None:
    """What a genuine link opens, working or spent; None for a forged or garbled one."""
    link = tokens.read_token(token)
    if link is None:
        return None
    live = Application.objects.live().filter(public_id=link.public_id, link_key=link.key)
    return LinkOpened(link.public_id, not link.expired(now=timezone.now()) and live.exists())


def ask_for_a_fresh_link(*, public_id: UUID) -> None:
    """A spent link's button: fresh links, by email, to the address its application was
    made with, if it is still held; nothing otherwise. The address is never shown."""
    email = (
        Application.objects.live()
        .filter(public_id=public_id)
        .values_list("email", flat=True)
        .first()
    )
    if email:
        LinkRequest.objects.create(email=email)


def issue_new_links(applications: Iterable[Application]) -> None:
    """New keys for these applications, in the transaction that sends their new links:
    the links sent before stop working once (and only if) the new ones have gone. One
    UPDATE each; a person holds a few applications."""
    for application in applications:
        application.link_key = new_link_key()
        Application.objects.filter(pk=application.pk).update(link_key=application.link_key)
