"""One person's applications (/recruit/people/<key>/): every application under their
normalised email address that the user may see, and no other, not even as a count.
Nothing is stored about a person: the page is a view over applications, and goes
when they go."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404

from ..models import Application
from ..person_keys import email_of
from .access import visible_applications

MAX_APPLICATIONS = 100  # the newest shown of a person with more (an address shared)


@dataclass(frozen=True)
class Person:
    name: str  # as the newest application gives it
    applications: list[Application]  # the newest MAX_APPLICATIONS
    more: bool  # there are older ones the user may see, not listed


def person(*, user: AbstractBaseUser, key: str) -> Person:
    """The person a profile key names, as far as the user may see them; 404 for a key
    not made here, or a person of whom the user sees nothing. One query."""
    email = email_of(key)
    if email is None:
        raise Http404
    applications = list(
        visible_applications(user)
        .of_email(email)
        .filter(restricted_at__isnull=True)
        .select_related("opening")
        .order_by("-submitted_at", "-pk")[: MAX_APPLICATIONS + 1]
    )
    if not applications:
        raise Http404
    return Person(
        name=applications[0].name,
        applications=applications[:MAX_APPLICATIONS],
        more=len(applications) > MAX_APPLICATIONS,
    )
