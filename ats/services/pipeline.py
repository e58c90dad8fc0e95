"""Moving applicants through the stages, one selection at a time: moved, rejected with
a reason, or sent an email template. Set-based: a fixed number of statements whatever
the selection; each step is in the application's history and the access log."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import CharField, DateTimeField, Expression, F, IntegerField, QuerySet, Value
from django.utils import timezone

from ..app_settings import app_settings
from ..bulk import insert_from_select
from ..models import (
    AccessEvent,
    Application,
    CandidateEmail,
    EmailTemplate,
    StageChange,
    WebhookEvent,
)
from .access_log import record_access_to_all
from .webhooks import queue_application_events


def record_stage_changes(
    *,
    rows: QuerySet[Application],
    to_stage: Expression,
    changed_by: AbstractBaseUser | None,
    at: datetime,
) -> int:
    """One history step per row, from its current stage: call it before the update."""
    return insert_from_select(
        into=StageChange,
        rows=rows,
        application=F("pk"),
        from_stage=F("stage"),
        to_stage=to_stage,
        changed_by=Value(changed_by and changed_by.pk, output_field=IntegerField()),
        changed_at=Value(at, output_field=DateTimeField()),
    )


def queue_candidate_emails(
    *,
    rows: QuerySet[Application],
    template: str,
    send_after: datetime,
    created_by: AbstractBaseUser | None,
) -> int:
    """One email from `template` per row, for the worker to send once its time comes."""
    return insert_from_select(
        into=CandidateEmail,
        rows=rows,
        application=F("pk"),
        template=Value(template, output_field=CharField()),
        send_after=Value(send_after, output_field=DateTimeField()),
        subject=Value("", output_field=CharField()),
        body=Value("", output_field=CharField()),
        created_by=Value(created_by and created_by.pk, output_field=IntegerField()),
    )


def _locked(applications: QuerySet[Application], *, now: datetime) -> QuerySet[Application]:
    """The live rows of the selection, locked against a purge claiming them until this
    transaction ends (services/locks.py does the same for one)."""
    rows = applications.live(now=now)
    pks = list(rows.select_for_update(of=("self",)).values_list("pk", flat=True))
    return Application.objects.filter(pk__in=pks)


def _move(
    rows: QuerySet[Application],
    *,
    stage: str,
    moved_by: AbstractBaseUser,
    now: datetime,
    **also: str,
) -> int:
    """The step in each history and the access log, then the move (with `also`)."""
    record_stage_changes(
        rows=rows, to_stage=Value(stage, output_field=CharField()), changed_by=moved_by, at=now
    )
    record_access_to_all(
        user=moved_by, action=AccessEvent.Action.STAGE_CHANGE, applications=rows, at=now
    )
    moved = rows.update(stage=stage, **also)
    queue_application_events(
        event=WebhookEvent.APPLICATION_STAGE_CHANGED,
        applications=rows,
        data={"stage": stage},
        now=now,
    )
    return moved


@transaction.atomic
def move_applications(
    *,
    applications: QuerySet[Application],
    stage: Application.Stage,
    moved_by: AbstractBaseUser,
    now: datetime | None = None,
) -> int:
    """Move the selection to `stage`; those already there stay as they are."""
    now = now or timezone.now()
    rows = _locked(applications.exclude(stage=stage), now=now)
    return _move(rows, stage=stage, moved_by=moved_by, now=now)


@transaction.atomic
def reject_applications(
    *,
    applications: QuerySet[Application],
    reason: str,
    rejected_by: AbstractBaseUser,
    email: bool = True,
    now: datetime | None = None,
) -> int:
    """Move the selection (not already rejected) to "rejected" with `reason`, and queue
    the "rejected" email for after ATS_REJECTION_EMAIL_DELAY, so that a "no" never
    arrives minutes after applying and can be taken back until then."""
    now = now or timezone.now()
    rows = _locked(applications.exclude(stage=Application.Stage.REJECTED), now=now)
    if email:
        queue_candidate_emails(
            rows=rows.filter(restricted_at__isnull=True),
            template=EmailTemplate.Key.REJECTED,
            send_after=now + app_settings.REJECTION_EMAIL_DELAY,
            created_by=rejected_by,
        )
    return _move(
        rows,
        stage=Application.Stage.REJECTED,
        moved_by=rejected_by,
        now=now,
        rejection_reason=reason,
    )


@transaction.atomic
def email_applications(
    *,
    applications: QuerySet[Application],
    template: EmailTemplate,
    sent_by: AbstractBaseUser,
    now: datetime | None = None,
) -> int:
    """Queue `template` to each candidate of the selection who has not restricted
    processing; the worker sends them within a minute."""
    now = now or timezone.now()
    rows = _locked(applications.filter(restricted_at__isnull=True), now=now)
    return queue_candidate_emails(
        rows=rows, template=template.key, send_after=now, created_by=sent_by
    )
