"""Openings that stopped taking applications long ago without a hiring decision: their
applicants are kept until someone decides, so the hiring team is reminded, weekly (the
schedule), until it does. The email names the opening and the days, never a candidate."""

from datetime import datetime

from django.urls import reverse

from ..emails import site_url
from ..selectors.retention import forgotten_openings
from .staff_emails import queue_staff_email


def remind_of_forgotten_openings(*, now: datetime | None = None) -> int:
    """One email to each team member of each forgotten opening; returns how many."""
    sent = 0
    for row in forgotten_openings(now=now):
        link = site_url(reverse("ats:recruit-decision", kwargs={"opening_id": row.opening.pk}))
        for member in row.opening.hiring_team.exclude(email=""):
            queue_staff_email(
                to=member.email,
                template="decision_reminder",
                context={"row": row, "link": link},
            )
            sent += 1
    return sent
