"""Reads for the recruiter's page of one application: the application with what its
page shows, its scorecard and its timeline; the application whose CV is read inside the
page. Each a bounded number of queries."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from ..models import (
    AccessEvent,
    Application,
    Criterion,
    EmailTemplate,
    Interview,
    Message,
    Note,
    Score,
    ScreeningAnswer,
    StageChange,
)
from ..staff import by_name, mentioned_usernames, staff_name
from .access import viewable_cvs, visible_applications
from .pipeline import tag_links


def application_for_review(
    *, user: AbstractBaseUser, public_id: UUID, restricted: bool = False
) -> Application:
    """One application with its history and notes, if the user may see it; 404 otherwise.
    A restricted one (the candidate's choice) only with `restricted`, to say it exists."""
    applications = visible_applications(user)
    if not restricted:
        applications = applications.filter(restricted_at__isnull=True)
    return get_object_or_404(
        applications.select_related("opening", "privacy_notice", "hold_set_by").prefetch_related(
            Prefetch(
                "stage_changes",
                queryset=StageChange.objects.select_related("changed_by", "to_pipeline_stage"),
            ),
            Prefetch("notes", queryset=Note.objects.select_related("author")),
            Prefetch("messages", queryset=Message.objects.select_related("written_by")),
            Prefetch("answers", queryset=ScreeningAnswer.objects.select_related("question")),
            "emails",
            Prefetch("scores", queryset=Score.objects.select_related("scored_by")),
            Prefetch(
                "interviews",
                queryset=Interview.objects.select_related("proposed_by").prefetch_related(
                    "slots", Prefetch("interviewers", queryset=by_name(get_user_model().objects))
                ),
            ),
            "merit_requests",
            tag_links(),
        ),
        public_id=public_id,
    )


def message_templates(*, keys: list[str]) -> list[EmailTemplate]:
    """The employer's templates of `keys`, to start a message with."""
    return list(EmailTemplate.objects.filter(key__in=keys))


def application_for_cv(*, user: AbstractBaseUser, public_id: UUID) -> Application:
    """One application whose CV the user may read inside the page; 404 otherwise (a
    restricted or deleted one too). One query."""
    return get_object_or_404(viewable_cvs(user).select_related("opening"), public_id=public_id)


@dataclass(frozen=True)
class Scorecard:
    criteria: list[Criterion]
    mine: dict[int, Score]  # criterion id: the user's score in the application's stage
    visible: bool  # the user has scored in some stage, so sees that stage's scores
    unseen_scorers: int  # colleagues whose scores wait for the user's own in their stage
    rows: list[tuple[str, list[Score]]]  # each criterion's scores the user may see


def scorecard(*, application: Application, user: AbstractBaseUser) -> Scorecard:
    """The opening's criteria and the application's scores (prefetched by
    application_for_review), as the user may see them: their own always, in every
    stage; everyone's in a stage only once they have given their own in it (no
    anchoring), so that a move to the next stage hides nothing they saw. One query, for
    the criteria."""
    criteria = list(application.opening.criteria.all()) if application.opening else []
    scores = list(application.scores.all())
    mine = {
        s.criterion_id: s
        for s in scores
        if s.scored_by_id == user.pk and s.stage == application.stage
    }
    scored_in = {s.stage for s in scores if s.scored_by_id == user.pk}
    by_criterion: dict[str, list[Score]] = {}
    for score in scores:
        if score.stage in scored_in:
            by_criterion.setdefault(score.criterion_name, []).append(score)
    return Scorecard(
        criteria=criteria,
        mine=mine,
        visible=bool(by_criterion),
        unseen_scorers=len({s.scored_by_id for s in scores if s.stage not in scored_in}),
        rows=sorted(by_criterion.items()),
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str  # a team member's full name (ats/staff.py); empty for the candidate
    what: str
    text: str = ""  # a note's or a message's own text
    waiting_email: bool = False  # not sent yet, so it can still be taken back
    mentioned: tuple[str, ...] = ()  # the colleagues a note mentions, by full name


def timeline(*, application: Application, deciding: bool) -> list[TimelineEntry]:
    """Everything that happened to the application, oldest first, with who and when:
    stage changes, emails, notes, messages (their text only for whoever decides on the
    applicant: see access.hidden_fields), scores (who scored, not what: see scorecard),
    interviews, merit requests and the candidate's own actions. From what
    application_for_review prefetched, and one query for the candidate's actions."""

    def name(user) -> str:
        return staff_name(user) if user else _("a former user")

    entries = []
    was = None  # the stage of the pipeline it was at, as the step before says
    for change in application.stage_changes.all():
        went_to = change.to_pipeline_stage
        came_from = was if was and was.kind == change.from_stage else None
        entries.append(
            TimelineEntry(
                change.changed_at,
                name(change.changed_by),
                _("Moved from %(from)s to %(to)s")
                % {
                    "from": came_from.label if came_from else change.get_from_stage_display(),
                    "to": went_to.label if went_to else change.get_to_stage_display(),
                },
            )
        )
        was = went_to
    for email in application.emails.all():
        if email.sent_at:
            what = _("Email sent: %(subject)s") % {"subject": email.subject}
        elif email.undeliverable_at:
            what = _("Email could not be delivered: %(kind)s (%(why)s)") % {
                "kind": email.get_template_display(),
                "why": email.failure,
            }
        else:
            what = _("Email waiting to be sent: %(kind)s") % {"kind": email.get_template_display()}
        entries.append(
            TimelineEntry(
                email.sent_at or email.undeliverable_at or email.send_after,
                name(email.created_by) if email.created_by_id else "",  # "" : the app's own
                what,
                waiting_email=email.sent_at is None and email.undeliverable_at is None,
            )
        )
    notes = list(application.notes.all())
    mentions = {note.pk: mentioned_usernames(note.text) for note in notes}
    wanted = {username for usernames in mentions.values() for username in usernames}
    named = (  # one query, only when a note mentions someone
        {
            user.get_username(): staff_name(user)
            for user in get_user_model().objects.filter(username__in=wanted, is_staff=True)
        }
        if wanted
        else {}
    )
    entries += [
        TimelineEntry(
            note.created_at,
            name(note.author),
            _("Note"),
            text=note.text,
            mentioned=tuple(named[u] for u in mentions[note.pk] if u in named),
        )
        for note in notes
    ]
    entries += [
        TimelineEntry(
            message.sent_at,
            name(message.written_by),
            _("Wrote to the candidate"),
            text=message.text if deciding else "",
        )
        if message.sender == Message.Sender.TEAM
        else TimelineEntry(
            message.sent_at,
            "",
            _("Answered a message"),
            text=message.text if deciding else "",
        )
        for message in application.messages.all()
    ]
    scored: dict[tuple, Score] = {}
    for score in application.scores.all():
        scored.setdefault((score.scored_by_id, score.stage), score)
    entries += [
        TimelineEntry(
            score.scored_at,
            name(score.scored_by),
            _("Scored in the stage %(stage)s") % {"stage": score.get_stage_display()},
        )
        for score in scored.values()
    ]
    for interview in application.interviews.all():
        entries.append(
            TimelineEntry(
                interview.created_at,
                name(interview.proposed_by),
                _("Interview proposed (%(status)s)") % {"status": interview.get_status_display()},
            )
        )
    entries += [
        TimelineEntry(request.requested_at, "", _("Asked for the hired person's merits"))
        for request in application.merit_requests.all()
    ]
    entries += [
        TimelineEntry(event.at, "", event.get_action_display())
        for event in AccessEvent.objects.filter(
            public_id=application.public_id, actor=AccessEvent.Actor.CANDIDATE
        )
        # Listed from the request and the message themselves.
        .exclude(action__in=(AccessEvent.Action.MERIT_REQUEST, AccessEvent.Action.MESSAGE))
        .order_by("at")
    ]
    return sorted(entries, key=lambda entry: entry.at)
