"""Reads for the merit request page: the opening's requests, and a drafted answer from
the hired person's scorecard and the requirement profile, for a recruiter to review.
The hired person's merits, once written in an answer, start the next drafts in that
language: each asker is told of the same person."""

from collections import defaultdict
from dataclasses import dataclass
from statistics import mean

from django.utils import translation
from django.utils.translation import gettext as _

from ..app_settings import app_settings
from ..models import Application, MeritRequest, Opening, Score
from ..validators import unfilled_placeholders


@dataclass(frozen=True)
class PendingRequest:
    request: MeritRequest
    draft: str


@dataclass(frozen=True)
class MeritRequests:
    pending: list[PendingRequest]  # each with its draft
    answered: list[MeritRequest]
    hired: list[Application]  # whose merits the answers tell: their pages are one link away


def merit_requests(*, opening: Opening) -> MeritRequests:
    """Three queries."""
    requests = list(
        MeritRequest.objects.filter(
            application__in=opening.applications.live().filter(restricted_at__isnull=True)
        ).select_related("application", "answered_by")
    )
    hired = list(
        opening.applications.live()
        .filter(stage=Application.Stage.HIRED, restricted_at__isnull=True)
        .only("pk", "opening_id", "public_id", "name")
    )
    scores: dict[str, list[int]] = defaultdict(list)
    for criterion_name, value in Score.objects.filter(application__in=hired).values_list(
        "criterion_name", "value"
    ):
        scores[criterion_name].append(value)
    answered = sorted((r for r in requests if r.answered_at), key=lambda r: r.answered_at)
    latest = {_draft_language(r.application.language): r.answer for r in answered}
    pending = [
        PendingRequest(
            r,
            draft_answer(
                opening=opening,
                scores=scores,
                language=r.application.language,
                earlier=latest.get(_draft_language(r.application.language), ""),
            ),
        )
        for r in requests
        if r.answered_at is None
    ]
    return MeritRequests(pending=pending, answered=answered, hired=hired)


def _draft_language(language: str) -> str:
    return "sv" if language == "sv" else "en"


def draft_answer(
    *, opening: Opening, scores: dict[str, list[int]], language: str, earlier: str = ""
) -> str:
    """`earlier`: an answer sent before in the same language, whose merit lines (filled
    in, one a kind) are taken over; nothing else of it, so no asker's name travels."""
    labels = dict(Score.Value.choices)
    with translation.override(_draft_language(language)):
        lines = [
            _("Hello,"),
            "",
            _(
                "You asked for written information about the person hired for %(opening)s "
                "(Discrimination Act, chapter 2, section 4)."
            )
            % {"opening": opening.title},
            "",
        ]
        if scores:
            lines.append(
                _(
                    "We assessed the applicants against the requirements of the position. "
                    "The person hired was assessed as follows:"
                )
            )
            for name, values in sorted(scores.items()):
                lines.append(f"- {name}: {labels[round(mean(values))]}")
            lines.append("")
        blanks = [
            _("Education: [to be filled in by the recruiter]"),
            _("Professional experience: [to be filled in by the recruiter]"),
            _("Other merits: [to be filled in by the recruiter]"),
        ]
        lines += [_filled_in(blank, earlier) for blank in blanks]
        lines += ["", app_settings.employer_name]
    return "\n".join(lines)


def _filled_in(blank: str, earlier: str) -> str:
    """The line of `earlier` that fills in `blank` ("Education: ..."), else the blank."""
    label = blank.split(":")[0] + ":"
    for line in earlier.splitlines():
        if line.startswith(label) and line != label and not unfilled_placeholders(line):
            return line
    return blank
