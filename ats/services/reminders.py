"""Openings that stopped taking applications long ago without a hiring decision: their
applicants are kept until someone decides, so the hiring team is reminded, weekly (the
schedule), until it does. The email names the opening and the days, never a candidate."""

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from ..app_settings import app_settings
from ..emails import site_url
from ..selectors.retention import forgotten_openings


def remind_of_forgotten_openings(*, now: datetime | None = None) -> int:
    """One email to each team member of each forgotten opening; returns how many."""
    sent = 0
    for row in forgotten_openings(now=now):
        link = site_url(reverse("ats:recruit-decision", kwargs={"opening_id": row.opening.pk}))
        context = {"row": row, "link": link, "employer": app_settings.employer_name}
        for member in row.opening.hiring_team.exclude(email=""):
            EmailMessage(
                subject=render_to_string(
                    "ats/email/decision_reminder_subject.txt", context
                ).strip(),
                body=render_to_string("ats/email/decision_reminder_body.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[member.email],
            ).send()
            sent += 1
    return sent
