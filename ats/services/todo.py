"""The recruiter home's to-do, kept per staff user (models.StaffTodo): each visit of
/recruit/ remembered, the daily digest turned on or off, and the digests queued."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..emails import site_url
from ..models import StaffTodo
from ..selectors.todo import todo_of
from .staff_emails import queue_staff_email

# Views of the page closer together than this are one visit: what was new when it
# began stays new through its reloads (the way back from an application, a form's
# redirect), and is old at the next visit.
VISIT_GAP = timedelta(minutes=30)
# A digest is not sent again within this: a schedule run twice in a day (a restarted
# worker, a changed schedule) sends one.
DIGEST_GAP = timedelta(hours=20)


@transaction.atomic
def record_home_visit(*, user: AbstractBaseUser, now: datetime | None = None) -> StaffTodo:
    """The user's view of /recruit/ now: a new visit after VISIT_GAP without one, whose
    new applicants are those since the last view of the visit before. Two statements."""
    now = now or timezone.now()
    todo, created = StaffTodo.objects.select_for_update().get_or_create(
        user=user, defaults={"last_seen_at": now}
    )
    if not created:
        if now - todo.last_seen_at >= VISIT_GAP:
            todo.visit_since = todo.last_seen_at
        todo.last_seen_at = now
        todo.save(update_fields=["visit_since", "last_seen_at"])
    return todo


def set_daily_digest(*, user: AbstractBaseUser, wanted: bool) -> None:
    """The user's choice of the daily digest; off until they turn it on."""
    StaffTodo.objects.update_or_create(
        user=user,
        defaults={"daily_digest": wanted},
        create_defaults={"daily_digest": wanted, "last_seen_at": timezone.now()},
    )


def queue_daily_digests(*, now: datetime | None = None) -> int:
    """One email to each active staff user who turned the digest on and has something
    waiting: counts and links, never a candidate's name or data. New applicants are
    those since the user's last view of /recruit/. Returns how many were queued; each in
    a transaction of its own with the mark that it went."""
    now = now or timezone.now()
    wanting = (
        StaffTodo.objects.filter(daily_digest=True, user__is_active=True, user__is_staff=True)
        .exclude(user__email="")
        .filter(Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lte=now - DIGEST_GAP))
        .select_related("user")
    )
    links = {
        "link": site_url(reverse("ats:recruit-home")),
        "interviews_link": site_url(reverse("ats:recruit-interviews")),
    }
    queued = 0
    for row in wanting:
        todo = todo_of(user=row.user, since=row.last_seen_at, now=now)
        if todo.empty:
            continue
        with transaction.atomic():
            queue_staff_email(to=row.user.email, template="digest", context={"todo": todo, **links})
            StaffTodo.objects.filter(pk=row.pk).update(digest_sent_at=now)
        queued += 1
    return queued
