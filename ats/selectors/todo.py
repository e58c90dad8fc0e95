"""The recruiter home's to-do: what waits for one user, of what they may see (access.py),
never a restricted application. Five queries at most however many openings and
applications (each asserted in tests/selectors/test_todo.py); the lists are read up to
COUNTED_UP_TO, past which the page says "more than"."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from .. import retention
from ..models import SCORING_STAGES, Application, Criterion, Interview, Message, Opening, Score
from .access import deciding_openings, deciding_reach, visible_applications
from .pipeline import start_of

COUNTED_UP_TO = 100  # applications counted per list; the count grows no further
LISTED = 10  # of which the page names the first


@dataclass(frozen=True)
class NewApplicants:
    opening_id: int | None  # None: the spontaneous pool
    title: str
    count: int


@dataclass(frozen=True)
class Waiting:
    """Applications waiting for the user, those waiting longest first: up to
    COUNTED_UP_TO and one more, to know whether there are more."""

    applications: list[Application]  # past COUNTED_UP_TO, maybe not the longest waiting

    @property
    def count(self) -> int:
        return min(len(self.applications), COUNTED_UP_TO)

    @property
    def more(self) -> bool:
        return len(self.applications) > COUNTED_UP_TO

    @property
    def listed(self) -> list[Application]:
        return self.applications[:LISTED]

    @property
    def unlisted(self) -> int:
        return self.count - len(self.listed)


@dataclass(frozen=True)
class Todo:
    since: datetime | None  # new applicants are counted from then (None: the first visit)
    new_applicants: list[NewApplicants]  # per opening, then the pool
    to_score: Waiting  # in a stage where the user scores, not scored by them in it
    replies: Waiting  # each with `reply_at`, the first unread reply from the candidate
    interviews_today: int
    interviews_this_week: int  # today's included, to the end of Sunday
    undecided: list[Opening]  # stopped taking applications, no hiring decision

    @property
    def since_day(self) -> date | None:
        """The employer's day of `since`: the date filter of the lists it links to."""
        return self.since and retention.employer_date(self.since)

    @property
    def new_count(self) -> int:
        return sum(row.count for row in self.new_applicants)

    @property
    def empty(self) -> bool:
        return not (
            self.new_applicants
            or self.to_score.applications
            or self.replies.applications
            or self.interviews_this_week
            or self.undecided
        )


def todo_of(*, user: AbstractBaseUser, since: datetime | None, now: datetime | None = None) -> Todo:
    """What waits for `user`; new applicants are those who applied after `since`."""
    now = now or timezone.now()
    workable = visible_applications(user, now=now).filter(restricted_at__isnull=True)
    today = retention.employer_date(now)
    week_ends = today + timedelta(days=7 - today.weekday())  # next Monday
    interviews = Interview.objects.filter(
        interviewers=user,
        status=Interview.Status.BOOKED,
        starts_at__gte=start_of(today),
        starts_at__lt=start_of(week_ends),
        application__in=workable,
    ).aggregate(
        today=Count("pk", filter=Q(starts_at__lt=start_of(today + timedelta(days=1)))),
        week=Count("pk"),
    )
    return Todo(
        since=since,
        new_applicants=_new_applicants(workable, since=since) if since else [],
        to_score=Waiting(_to_score(workable, user=user)),
        replies=Waiting(_replies(workable, user=user)),
        interviews_today=interviews["today"],
        interviews_this_week=interviews["week"],
        undecided=list(
            deciding_openings(user)
            .filter(decided_at__isnull=True)
            .filter(
                Q(status__in=(Opening.Status.CLOSED, Opening.Status.ARCHIVED))
                # Past its last day, before the queue's minute closes it.
                | Q(status=Opening.Status.PUBLISHED, application_deadline__lt=today)
            )
            .only("pk", "title")
            .order_by("title", "pk")
        ),
    )


def _new_applicants(workable, *, since: datetime) -> list[NewApplicants]:
    """Counted per opening from the index on the date (or on the opening and the date),
    reading only those who applied since."""
    rows = (
        workable.filter(submitted_at__gt=since)
        .order_by()
        .values("opening_id", "opening__title")
        .annotate(n=Count("pk"))
    )
    found = [
        NewApplicants(row["opening_id"], row["opening__title"] or "", row["n"]) for row in rows
    ]
    return sorted(found, key=lambda row: (row.opening_id is None, row.title, row.opening_id or 0))


def _to_score(workable, *, user: AbstractBaseUser) -> list[Application]:
    """Of the openings whose team the user is on, in any role, that have criteria and no
    decision yet: applications in SCORING_STAGES (an interviewer's reach leaves the
    interview stage) that the user has not scored in their present stage.

    Read in no order, so that the database stops at the count's limit; those found are
    then put in order. Up to COUNTED_UP_TO that is every one waiting, the longest first;
    past it, some of them. (Ordered in the query, every one waiting in a large opening
    was read and sorted first: bench/scale.py measures it.)"""
    scored_by_user = Score.objects.filter(
        application=OuterRef("pk"), scored_by=user, stage=OuterRef("stage")
    )
    scoring_openings = Opening.objects.filter(
        Exists(Criterion.objects.filter(opening=OuterRef("pk"))),
        team_members__user=user,
        decided_at__isnull=True,
    )
    found = (
        workable.filter(opening__in=scoring_openings.values("pk"), stage__in=SCORING_STAGES)
        .exclude(Exists(scored_by_user))
        .select_related("opening")
        .only("public_id", "name", "stage", "submitted_at", "opening", "opening__title")
        .order_by()[: COUNTED_UP_TO + 1]
    )
    return sorted(found, key=lambda application: (application.submitted_at, application.pk))


def _replies(workable, *, user: AbstractBaseUser) -> list[Application]:
    """Applications the user decides on with a candidate's message nobody who decides
    has read yet (found from the index of unread replies, few at any time)."""
    unread = Message.objects.filter(sender=Message.Sender.CANDIDATE, read_at__isnull=True)
    return list(
        workable.filter(deciding_reach(user), pk__in=unread.values("application_id"))
        .annotate(
            reply_at=Subquery(
                unread.filter(application=OuterRef("pk")).order_by("sent_at").values("sent_at")[:1]
            )
        )
        .select_related("opening")
        .only("public_id", "name", "opening", "opening__title")
        .order_by("reply_at", "pk")[: COUNTED_UP_TO + 1]
    )
