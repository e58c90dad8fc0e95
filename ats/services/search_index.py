"""What search reads of each application, kept in step: every write that changes a
searched thing (applying, the candidate's correction, a note, a tag) calls
index_applications in its transaction. The text of the CV is extracted once, when it
arrives (cv_text.py), and stored here beside the rest (ApplicationText)."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from ..models import Application, ApplicationTag, ApplicationText, Note, ScreeningAnswer
from ..text_search import fold


@dataclass(frozen=True)
class Parts:
    """One application's searchable text, split by who may search it
    (selectors.access.FOR_DECIDERS_ONLY): the team's part and the deciders' part."""

    team: str
    deciders: str


def searchable_parts(application_ids: Collection[int]) -> dict[int, Parts]:
    """Everything search reads of these applications but the CV (stored as it arrives),
    folded (text_search.fold), in four queries however many. The one place that says
    what is searched."""
    team: dict[int, list[str]] = defaultdict(list)
    deciders: dict[int, list[str]] = defaultdict(list)
    rows = Application.objects.filter(pk__in=application_ids).values_list(
        "pk", "name", "email", "phone", "cover_letter"
    )
    for pk, name, email, phone, cover_letter in rows:
        team[pk].append(name)
        digits = "".join(char for char in phone if char.isdigit())
        deciders[pk].extend([email, phone, digits, cover_letter])
    answers = ScreeningAnswer.objects.filter(application_id__in=application_ids)
    for pk, answer in answers.values_list("application_id", "answer"):
        team[pk].append(answer)
    notes = Note.objects.filter(application_id__in=application_ids)
    for pk, text in notes.values_list("application_id", "text"):
        team[pk].append(text)
    tags = ApplicationTag.objects.filter(application_id__in=application_ids)
    for pk, name in tags.values_list("application_id", "tag__name"):
        team[pk].append(name)
    return {
        pk: Parts(team=fold("\n".join(team[pk])), deciders=fold("\n".join(deciders[pk])))
        for pk in team
    }


def index_applications(*, application_ids: Collection[int], cv_text: str | None = None) -> None:
    """Make what search reads of these applications what they hold now, in four
    statements however many. `cv_text` (with one application: it arrived, or the
    candidate replaced it) replaces the CV's text; otherwise the stored one stays."""
    if cv_text is not None and len(application_ids) != 1:
        raise ValueError("A CV's text belongs to one application.")
    parts = searchable_parts(application_ids)
    rows = [
        ApplicationText(
            application_id=pk,
            team_text=found.team,
            decider_text=found.deciders,
            cv_text=cv_text or "",
        )
        for pk, found in parts.items()
    ]
    fields = ["team_text", "decider_text"] + (["cv_text"] if cv_text is not None else [])
    ApplicationText.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["application"], update_fields=fields
    )
