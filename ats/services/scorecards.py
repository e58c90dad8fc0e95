"""Scorecards: an opening's requirement profile (a few criteria), and each team
member's scores of an applicant on them, 1 to 4 with a comment, once per stage (given
again in the same stage, a score replaces the one before)."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import AccessEvent, Application, Criterion, Opening, Score
from .access_log import record_access
from .locks import lock_for_change

MAX_CRITERIA = 12  # a profile is a few requirements, not a questionnaire


class ScorecardError(Exception):
    """A change the profile does not allow; the message is safe to show."""


@transaction.atomic
def add_criterion(*, opening: Opening, name: str) -> Criterion:
    name = " ".join(name.split())
    if not name:
        raise ScorecardError(_("Name the requirement."))
    if opening.criteria.count() >= MAX_CRITERIA:
        raise ScorecardError(
            _("A requirement profile has at most %(count)d criteria.") % {"count": MAX_CRITERIA}
        )
    try:
        with transaction.atomic():
            return Criterion.objects.create(
                opening=opening, name=name[:100], position=opening.criteria.count()
            )
    except IntegrityError:
        raise ScorecardError(_("The profile has that requirement already.")) from None


def remove_criterion(*, opening: Opening, criterion_id: int) -> None:
    """The scores given on it stay with their applications, under its name."""
    opening.criteria.filter(pk=criterion_id).delete()


@dataclass(frozen=True)
class GivenScore:
    criterion: Criterion
    value: int
    comment: str


@transaction.atomic
def score_application(
    *, application: Application, scored_by: AbstractBaseUser, scores: list[GivenScore]
) -> int:
    """The user's scores of the application in its current stage, on criteria of its
    opening; each replaces the user's earlier score on that criterion in this stage."""
    application = lock_for_change(application)
    stage = application.stage
    for given in scores:
        if given.criterion.opening_id != application.opening_id:
            raise ScorecardError(_("Score on the criteria of the application's opening."))
        Score.objects.update_or_create(
            application=application,
            criterion=given.criterion,
            scored_by=scored_by,
            stage=stage,
            defaults={
                "criterion_name": given.criterion.name,
                "value": given.value,
                "comment": given.comment.strip(),
                "scored_at": timezone.now(),
            },
        )
    if scores:
        record_access(
            user=scored_by, action=AccessEvent.Action.SCORE, public_ids=[application.public_id]
        )
    return len(scores)
