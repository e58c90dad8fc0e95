"""A job ad's life: draft, scheduled, published, closed, archived.

Publishing needs what a candidate must be told: a deadline, a place (or remote), and a
pay range when ATS_REQUIRE_SALARY_RANGE is on (the EU pay transparency directive).
A closed or archived opening never goes back on the careers page: its applicants have
been, or are being, decided on; the next recruitment is a duplicate.
"""

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..app_settings import app_settings
from ..models import AdTemplate, Opening, ScreeningQuestion, WebhookEvent
from ..models.openings import AD_FIELDS
from ..page_cache import forget_pages
from ..retention import employer_date, end_of_day
from .pipeline_stages import copy_pipeline
from .webhooks import queue_opening_event

# The ad's own fields: what a duplicate copies and the editor edits.
Status = Opening.Status

# The lifecycle, in one place: from which states each change may be made. The pages, the
# API and the admin ask `allows`; each service below refuses what it does not allow.
ALLOWED_FROM = {
    "edit": (Status.DRAFT, Status.SCHEDULED, Status.PUBLISHED),
    "publish": (Status.DRAFT, Status.SCHEDULED),
    "schedule": (Status.DRAFT, Status.SCHEDULED),
    "unpublish": (Status.SCHEDULED, Status.PUBLISHED),
    "close": (Status.DRAFT, Status.SCHEDULED, Status.PUBLISHED),
    "archive": (Status.CLOSED,),
}
REFUSALS = {
    "edit": gettext_lazy("A closed opening's ad is kept as it was published."),
    "publish": gettext_lazy("A closed opening is never published again; duplicate it instead."),
    "schedule": gettext_lazy("Only a draft can be scheduled."),
    "unpublish": gettext_lazy("Only a scheduled or published ad can be taken down."),
    "close": gettext_lazy("This opening is already closed."),
    "archive": gettext_lazy("Only a closed opening can be archived."),
}


def allows(opening: Opening, change: str) -> bool:
    return opening.status in ALLOWED_FROM[change]


class OpeningError(Exception):
    """A change the opening's state does not allow; the message is safe to show."""


def _require(opening: Opening, change: str) -> None:
    if not allows(opening, change):
        raise OpeningError(str(REFUSALS[change]))


def missing_for_publishing(opening: Opening) -> list[str]:
    """What the ad lacks before it may go on the careers page, as the recruiter reads it."""
    missing = []
    if not opening.application_deadline:
        missing.append(_("a last day to apply"))
    elif end_of_day(opening.application_deadline) <= timezone.now():
        missing.append(_("a last day to apply that has not passed"))
    if not opening.location and opening.workplace_type != Opening.WorkplaceType.REMOTE:
        missing.append(_("a location, or remote work"))
    if app_settings.REQUIRE_SALARY_RANGE and (
        opening.salary_min is None or opening.salary_max is None
    ):
        missing.append(_("a pay range (from and up to)"))
    return missing


def unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "opening"
    slug, number = base, 1
    while Opening.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def create_opening(
    *,
    fields: dict,
    created_by: AbstractBaseUser,
    stages_of: Opening | AdTemplate | None = None,
    questions: Sequence[dict] = (),
) -> Opening:
    """A draft, with its creator in the hiring team, the stages of `stages_of`'s
    pipeline (the ad it copies, the template it starts from, or None: the default), and
    its first screening questions, in their order."""
    opening = Opening.objects.create(
        slug=unique_slug(fields["title"]), status=Status.DRAFT, **fields
    )
    opening.hiring_team.add(created_by)
    copy_pipeline(to=opening, source=stages_of)
    ScreeningQuestion.objects.bulk_create(
        ScreeningQuestion(opening=opening, position=position, **question)
        for position, question in enumerate(questions)
    )
    return opening


@transaction.atomic
def update_opening(*, opening: Opening, fields: dict) -> Opening:
    return _saved(_locked_for(opening, "edit"), **fields)


@transaction.atomic
def duplicate_opening(*, opening: Opening, created_by: AbstractBaseUser) -> Opening:
    """The next recruitment for the same post: the ad and its pipeline copied, as a
    draft with no deadline."""
    fields = {name: getattr(opening, name) for name in AD_FIELDS}
    fields["application_deadline"] = None
    return create_opening(fields=fields, created_by=created_by, stages_of=opening)


@transaction.atomic
def publish_opening(*, opening: Opening, now: datetime | None = None) -> Opening:
    now = now or timezone.now()
    opening = _locked_for(opening, "publish")
    _check_publishable(opening)
    _saved(opening, status=Status.PUBLISHED, published_at=now, publish_at=None)
    queue_opening_event(event=WebhookEvent.OPENING_PUBLISHED, opening=opening, now=now)
    return opening


@transaction.atomic
def schedule_opening(*, opening: Opening, publish_at: datetime) -> Opening:
    opening = _locked_for(opening, "schedule")
    if publish_at <= timezone.now():
        raise OpeningError(_("Choose a time to publish that is still to come."))
    _check_publishable(opening)
    if opening.application_deadline and end_of_day(opening.application_deadline) <= publish_at:
        raise OpeningError(_("The ad would go up after its last day to apply."))
    return _saved(opening, status=Status.SCHEDULED, publish_at=publish_at)


@transaction.atomic
def unpublish_opening(*, opening: Opening) -> Opening:
    """Back to a draft, off the careers page; its applications stay as they are."""
    return _saved(_locked_for(opening, "unpublish"), status=Status.DRAFT, publish_at=None)


@transaction.atomic
def close_opening(*, opening: Opening) -> Opening:
    """No more applications; for good."""
    return _saved(_locked_for(opening, "close"), status=Status.CLOSED, closed_at=timezone.now())


@transaction.atomic
def archive_opening(*, opening: Opening) -> Opening:
    """Out of the recruiters' way once its recruitment is over; still closed for good."""
    return _saved(_locked_for(opening, "archive"), status=Status.ARCHIVED)


@transaction.atomic
def publish_and_close_on_time(*, now: datetime | None = None) -> tuple[int, int]:
    """The queue's part: scheduled ads whose time has come go up, published ones whose
    last day has ended close. Returns (published, closed). Three statements and a
    lookup, and the webhook events of what went up."""
    now = now or timezone.now()
    due = list(
        Opening.objects.filter(status=Status.SCHEDULED, publish_at__lte=now).select_for_update()
    )
    published = Opening.objects.filter(pk__in=[o.pk for o in due]).update(
        status=Status.PUBLISHED, published_at=now, publish_at=None
    )
    for opening in due:
        queue_opening_event(event=WebhookEvent.OPENING_PUBLISHED, opening=opening, now=now)
    today = employer_date(now)
    closed = Opening.objects.filter(status=Status.PUBLISHED, application_deadline__lt=today).update(
        status=Status.CLOSED
    )
    if published or closed:  # an UPDATE sends no post_save
        forget_pages()
    return published, closed


@transaction.atomic
def add_question(*, opening: Opening, fields: dict) -> ScreeningQuestion:
    """A question on the ad's form, after the others. The answers given before keep the
    question as it was asked."""
    opening = _locked_for(opening, "edit")
    return ScreeningQuestion.objects.create(
        opening=opening, position=opening.questions.count(), **fields
    )


def remove_question(*, opening: Opening, question_id: int) -> None:
    """Off the form; the answers already given stay with their applications."""
    opening.questions.filter(pk=question_id).delete()


def _locked_for(opening: Opening, change: str) -> Opening:
    """The opening, locked until the transaction ends, if its state allows `change`."""
    opening = Opening.objects.select_for_update().get(pk=opening.pk)
    _require(opening, change)
    return opening


def _saved(opening: Opening, **fields) -> Opening:
    for name, value in fields.items():
        setattr(opening, name, value)
    opening.save(update_fields=list(fields))
    return opening


def _check_publishable(opening: Opening) -> None:
    if missing := missing_for_publishing(opening):
        raise OpeningError(
            _("Before it is published, the ad needs %(missing)s.") % {"missing": ", ".join(missing)}
        )
