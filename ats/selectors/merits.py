"""Reads for the merit request page: the opening's requests, and a drafted answer from
the hired person's scorecard and the requirement profile, for a recruiter to review.
No draft takes words from an answer sent before: written to another applicant, it may
name them. The person hired is one link away instead, to read their merits from."""

from collections import defaultdict
from dataclasses import dataclass
from statistics import mean

from django.utils import translation
from django.utils.translation import gettext as _

from ..app_settings import app_settings
from ..models import Application, MeritRequest, Opening, Score


@dataclass(frozen=True)
class PendingRequest:
    request: MeritRequest
    draft: str


@dataclass(frozen=True)
class MeritRequests:
    pending: list[PendingRequest]  # each with its draft
    answered: list[MeritRequest]
    hired: list[Application]  # whose merits the answers tell, to read (not restricted)


def merit_requests(*, opening: Opening) -> MeritRequests:
    """Three queries."""
    requests = list(
        MeritRequest.objects.filter(
            application__in=opening.applications.live().filter(restricted_at__isnull=True)
        ).select_related("application", "answered_by")
    )
    hired = list(
        opening.applications.live()
        .filter(stage=Application.Stage.HIRED)
        .only("pk", "opening_id", "public_id", "name", "restricted_at")
    )
    scores: dict[str, list[int]] = defaultdict(list)
    for criterion_name, value in Score.objects.filter(application__in=hired).values_list(
        "criterion_name", "value"
    ):
        scores[criterion_name].append(value)
    pending = [
        PendingRequest(
            r, draft_answer(opening=opening, scores=scores, language=r.application.language)
        )
        for r in requests
        if r.answered_at is None
    ]
    return MeritRequests(
        pending=pending,
        answered=[r for r in requests if r.answered_at],
        hired=[a for a in hired if a.restricted_at is None],
    )


def draft_answer(*, opening: Opening, scores: dict[str, list[int]], language: str) -> str:
    labels = dict(Score.Value.choices)
    with translation.override("sv" if language == "sv" else "en"):
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
        lines += [
            _("Education: [to be filled in by the recruiter]"),
            _("Professional experience: [to be filled in by the recruiter]"),
            _("Other merits: [to be filled in by the recruiter]"),
            "",
            app_settings.employer_name,
        ]
    return "\n".join(lines)
