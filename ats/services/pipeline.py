"""Every stage move, of one application or many, from every entrance (the application
page, the list and the board, the API, an interview, the hiring decision's history),
and the emails a selection is sent. Set-based: a fixed number of statements whatever
the selection; each step is in the application's history and the access log.

The move rules live here and nowhere else: any stage may follow any other, to a stage of
the opening's own pipeline or to a kind (its first stage there), but a move to
"rejected" needs a reason (for the team and the statistics; the candidate is not
told it) and queues the rejection email, unless the recruiter says not to; a move out
of it takes back the reason and the email, if it has not gone yet."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Expression,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..app_settings import app_settings
from ..bulk import insert_from_select
from ..models import (
    AccessEvent,
    Application,
    CandidateEmail,
    EmailTemplate,
    Opening,
    PipelineStage,
    StageChange,
    WebhookEvent,
)
from ..selectors.pipeline_stages import first_of_kind
from .access_log import record_access_to_all
from .candidate_emails import waiting_emails
from .locks import lock_for_change
from .report_counts import count_moves, moved_fields
from .webhooks import queue_application_events

Stage = Application.Stage
# Moves into these stages need a reason, and send the candidate this email.
NEEDS_REASON = {Stage.REJECTED: EmailTemplate.Key.REJECTED}
# What a recruiter may pick as a plain move, with no reason: the forms offer these.
PLAIN_MOVES = [stage for stage in Stage if stage not in NEEDS_REASON]


# The templates a selection may be sent, each to the stages it fits. The receipts go
# out on applying, and the emails about one interview (booked, changed, cancelled) from
# services/interviews.py with that interview: never to a selection. The others only
# where they are true: an invitation to those at the interview stage (it leads to the
# times they were offered), a "no" or "position filled" to those rejected.
SELECTION_EMAILS = {
    EmailTemplate.Key.INTERVIEW_INVITATION: {Stage.INTERVIEW},
    EmailTemplate.Key.REJECTED: {Stage.REJECTED},
    EmailTemplate.Key.POSITION_FILLED: {Stage.REJECTED},
}


class MoveRefused(ValueError):
    """A move the rules do not allow as asked; the message is safe to show."""


class EmailRefused(ValueError):
    """An email the selection may not be sent; the message is safe to show."""


def check_move(*, stage: str, reason: str) -> None:
    if stage in NEEDS_REASON and not reason.strip():
        raise MoveRefused(
            _("A move to “%(stage)s” needs a reason.") % {"stage": Stage(stage).label}
        )


def stages_final(opening: Opening | None) -> bool:
    """After the hiring decision, each applicant's stage is as it decided: no more moves."""
    return opening is not None and opening.decided_at is not None


def selection_emails(stage: str = "") -> list[str]:
    """The templates a selection may be sent: those that fit `stage`, if one is given."""
    return [key for key, stages in SELECTION_EMAILS.items() if not stage or stage in stages]


def record_stage_changes(
    *,
    rows: QuerySet[Application],
    to_stage: Expression,
    to_pipeline_stage: PipelineStage | None,
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
        to_pipeline_stage=Value(to_pipeline_stage and to_pipeline_stage.pk, IntegerField()),
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


@dataclass(frozen=True)
class Destination:
    kind: str
    stage: PipelineStage | None  # of the selection's pipeline; None: it has none of the kind
    stored: int | None  # what the applications store (None at the first of the kind)
    here: Q  # those already there, who stay as they are


def _destination(
    applications: QuerySet[Application],
    *,
    stage: str | None,
    pipeline_stage: PipelineStage | None,
) -> Destination:
    """Where the selection goes: a stage of its opening's pipeline (locked, so that an
    edit of the pipeline waits for the move), or a kind: its first stage there, and
    those already of the kind stay where they are. One opening (or the pool) at a time."""
    openings = list(applications.order_by().values_list("opening_id", flat=True).distinct()[:2])
    if len(openings) > 1:
        raise MoveRefused(_("Move the applicants of one opening at a time."))
    opening_id = openings[0] if openings else None
    if pipeline_stage is None:
        if stage is None:
            raise MoveRefused(_("Choose a stage."))
        first = first_of_kind(opening_id=opening_id, kind=stage)
        return Destination(kind=stage, stage=first, stored=None, here=Q(stage=stage))
    locked = PipelineStage.objects.select_for_update().filter(pk=pipeline_stage.pk).first()
    if locked is None or locked.template_id or (openings and locked.opening_id != opening_id):
        raise MoveRefused(_("That stage is not in this opening's pipeline (any more)."))
    first = first_of_kind(opening_id=locked.opening_id, kind=locked.kind)
    stored = None if first == locked else locked.pk
    return Destination(
        kind=locked.kind,
        stage=locked,
        stored=stored,
        here=Q(stage=locked.kind, pipeline_stage=stored),
    )


def _move(
    rows: QuerySet[Application],
    *,
    to: Destination,
    moved_by: AbstractBaseUser,
    now: datetime,
    **also: Expression | str,
) -> int:
    """The step in each history, the reports' counts and the access log, then the move
    (with `also`)."""
    count_moves(applications=rows, to_stage=to.kind, at=now)
    record_stage_changes(
        rows=rows,
        to_stage=Value(to.kind, output_field=CharField()),
        to_pipeline_stage=to.stage,
        changed_by=moved_by,
        at=now,
    )
    record_access_to_all(
        user=moved_by, action=AccessEvent.Action.STAGE_CHANGE, applications=rows, at=now
    )
    moved = rows.update(
        stage=to.kind,
        pipeline_stage=to.stored,
        **moved_fields(to_stage=to.kind, at=now),
        **also,
    )
    queue_application_events(
        event=WebhookEvent.APPLICATION_STAGE_CHANGED,
        applications=rows,
        data=stage_event(to.kind, to.stage),
        now=now,
    )
    return moved


def stage_event(kind: str, stage: PipelineStage | None) -> dict:
    """What `application.stage_changed` says of where it went: the kind, and the stage of
    the opening's pipeline (its id, and its name unless it is the kind's own)."""
    return {
        "stage": kind,
        "pipeline_stage": {"id": stage.pk, "name": stage.name or None} if stage else None,
    }


@transaction.atomic
def move_applications(
    *,
    applications: QuerySet[Application],
    stage: Application.Stage | None = None,
    pipeline_stage: PipelineStage | None = None,
    moved_by: AbstractBaseUser,
    reason: str = "",
    email: bool = True,
    now: datetime | None = None,
) -> int:
    """Move the selection to `pipeline_stage` of its opening's pipeline, or to `stage`
    (a kind); those already there stay as they are. A rejection needs a `reason` and
    queues the rejection email for after ATS_REJECTION_EMAIL_DELAY (unless `email` is
    off), so that a "no" never arrives minutes after applying and can be taken back
    until then."""
    if applications.filter(opening__decided_at__isnull=False).exists():  # stages_final
        raise MoveRefused(
            _("The hiring decision is recorded: each applicant's stage is as it decided.")
        )
    to = _destination(applications, stage=stage, pipeline_stage=pipeline_stage)
    if stage and stage != to.kind:
        raise MoveRefused(
            _("That stage is not of the kind “%(kind)s”.") % {"kind": Stage(stage).label}
        )
    now = now or timezone.now()
    rows = _locked(applications.exclude(to.here), now=now)
    # A reason only for those that change kind: a move within "rejected" asks none.
    if to.kind in NEEDS_REASON and rows.exclude(stage=to.kind).exists():
        check_move(stage=to.kind, reason=reason)
    if to.kind not in NEEDS_REASON:
        waiting_emails(applications=rows).filter(template__in=NEEDS_REASON.values()).delete()
        return _move(rows, to=to, moved_by=moved_by, now=now, rejection_reason="")
    # Those already rejected move within it, and keep their reason and email.
    if email:
        queue_candidate_emails(
            rows=rows.exclude(stage=to.kind).filter(restricted_at__isnull=True),
            template=NEEDS_REASON[to.kind],
            send_after=now + app_settings.REJECTION_EMAIL_DELAY,
            created_by=moved_by,
        )
    kept_or_given = Case(
        When(stage=to.kind, then=F("rejection_reason")),
        default=Value(reason.strip()),
        output_field=CharField(),
    )
    return _move(rows, to=to, moved_by=moved_by, now=now, rejection_reason=kept_or_given)


@transaction.atomic
def move_application(
    *,
    application: Application,
    stage: Application.Stage | None = None,
    pipeline_stage: PipelineStage | None = None,
    moved_by: AbstractBaseUser,
    reason: str = "",
    email: bool = True,
) -> Application:
    """One application, by the same rules; BeingDeleted when a purge has it."""
    if pipeline_stage is not None:  # locked before the row, in the order an edit of the
        # pipeline takes them (services/pipeline_stages.py), or the two could deadlock
        PipelineStage.objects.select_for_update().filter(pk=pipeline_stage.pk).first()
    application = lock_for_change(application)
    move_applications(
        applications=Application.objects.filter(pk=application.pk),
        stage=stage,
        pipeline_stage=pipeline_stage,
        moved_by=moved_by,
        reason=reason,
        email=email,
    )
    application.refresh_from_db(fields=["stage", "pipeline_stage", "rejection_reason"])
    return application


@transaction.atomic
def email_applications(
    *,
    applications: QuerySet[Application],
    template: EmailTemplate,
    sent_by: AbstractBaseUser,
    now: datetime | None = None,
) -> int:
    """Queue `template` to each candidate of the selection who has not restricted
    processing; the worker sends them within a minute. Only a template that fits every
    one of them (SELECTION_EMAILS), or none is sent."""
    fits = SELECTION_EMAILS.get(template.key, set())
    if not fits:
        raise EmailRefused(
            _("“%(email)s” is sent by itself, not to a selection.") % {"email": template}
        )
    if applications.exclude(stage__in=fits).exists():
        raise EmailRefused(
            _("“%(email)s” is only for applicants at the stage %(stages)s: untick the others.")
            % {"email": template, "stages": ", ".join(str(Stage(s).label) for s in fits)}
        )
    now = now or timezone.now()
    rows = _locked(applications.filter(restricted_at__isnull=True), now=now)
    return queue_candidate_emails(
        rows=rows, template=template.key, send_after=now, created_by=sent_by
    )
