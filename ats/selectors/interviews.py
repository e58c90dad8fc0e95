"""Reads about interviews: one's own, for /recruit/interviews/."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, Q
from django.utils import timezone

from ..models import Interview
from ..staff import by_name
from .access import visible_applications

SHOWN_PAST = timedelta(days=1)  # today's interviews stay listed after they began


def interviews_of(*, user: AbstractBaseUser, now: datetime | None = None) -> list[Interview]:
    """The interviews the user holds (booked, or waiting for the candidate's choice)
    of applications within their reach, soonest first, with who holds each with them.
    Two queries."""
    now = now or timezone.now()
    return list(
        Interview.objects.filter(
            interviewers=user,
            application__in=visible_applications(user, now=now).filter(restricted_at__isnull=True),
        )
        .filter(
            Q(status=Interview.Status.BOOKED, starts_at__gte=now - SHOWN_PAST)
            | Q(status__in=Interview.OPEN)
        )
        .select_related("application__opening")
        .prefetch_related(Prefetch("interviewers", queryset=by_name(get_user_model().objects)))
        .order_by("starts_at", "created_at")
    )
