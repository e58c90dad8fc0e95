"""Search across every application the user may see (/recruit/search/): by what each
role may see of it (selectors/access.py), through the database's full-text search
(text_search.py). Restricted applications are never found.

Flat at any size: the newest WINDOW matches are ranked, never all of them, and pages
walk that ranked window, so no page counts the matches. A search that matches more
says so, and asks for more words."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import retention
from ..models import AccessEvent, Application
from ..person_keys import person_key
from ..text_search import PARTS, backend, fold, terms
from .access import (
    FOR_DECIDERS_ONLY,
    can_view_cv,
    deciding_reach,
    hidden_fields,
    visible_applications,
)

WINDOW = 200  # the newest matches ranked; more asks for another word
PAGE_SIZE = 20
SNIPPET_BEFORE, SNIPPET_AFTER = 60, 90
_WORD = re.compile(r"\w(?:[\w@.+\-]*\w)?")  # no dot or dash at its end


@dataclass(frozen=True)
class Snippet:
    """Where a hit matched: the field's label, and its text around the match."""

    label: str
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class Hit:
    application: Application
    person_key: str
    snippet: Snippet | None


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit]
    page: int
    has_previous: bool
    has_next: bool
    more_than_window: bool  # more matched than were ranked: the newest WINDOW were
    searched: bool  # the query held a word that can match


def search(*, user: AbstractBaseUser, query: str, page: int = 1) -> SearchResults:
    """One page of the applications the user may see that hold every word of `query`
    in a part the user may see of them, best first. Besides reading the user's
    permissions, in at most nine queries on PostgreSQL (seven to nine where something
    matches, by what the statistics say of the words) and at most four on SQLite,
    however many applications there are or match."""
    strategy = backend()
    words = strategy.usable(terms(query))
    if not words:
        return SearchResults([], 1, False, False, False, searched=False)
    decides = deciding_reach(user)
    ranked, more_than_window = _ranked_window(user, words, decides=decides)
    pages = max(1, -(-len(ranked) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = ranked[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    rows = (
        Application.objects.filter(pk__in=shown)
        .annotate(deciding=ExpressionWrapper(decides, output_field=BooleanField()))
        .select_related("opening", "text")
        .prefetch_related("answers", "notes")
    )
    by_pk = {row.pk: row for row in rows}
    hits = [
        Hit(
            application=by_pk[pk],
            person_key=person_key(by_pk[pk].email),
            snippet=_snippet(by_pk[pk], words, cv=can_view_cv(user, by_pk[pk])),
        )
        for pk in shown
        if pk in by_pk
    ]
    return SearchResults(
        hits,
        page,
        has_previous=page > 1,
        has_next=page < pages,
        more_than_window=more_than_window,
        searched=True,
    )


def _ranked_window(
    user: AbstractBaseUser, words: list[str], *, decides: Q
) -> tuple[list[int], bool]:
    """The keys of the newest WINDOW matches, best first, and whether more matched."""
    strategy = backend()
    found = matching(user, words, decides=decides)
    plan = strategy.plan(words, PARTS, WINDOW)
    newest = _newest(found.filter(_among_newest(plan.walk_first))) if plan.walk_first else []
    if len(newest) <= WINDOW:  # no short walk, or one that the bound may have cut
        # Few matches anywhere (whoever may see them): taken from the GIN indexes and
        # sorted. Many: the newest applications walked until WINDOW of them match.
        few = strategy.few_matches(words, PARTS, plan.threshold)
        if few is not None:
            found = found.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [few]))
        newest = _newest(found)
    more_than_window = len(newest) > WINDOW
    newest = newest[:WINDOW]
    ranks = strategy.ranks(newest, words)
    ranked = sorted(newest, key=lambda pk: -ranks.get(pk, 0.0))  # stable: newest first
    return ranked, more_than_window


def _newest(found: QuerySet[Application]) -> list[int]:
    """The keys of the newest WINDOW + 1 of `found` (one more says there are more)."""
    return list(found.order_by("-submitted_at", "-pk").values_list("pk", flat=True)[: WINDOW + 1])


def _among_newest(count: int) -> Q:
    """Among the `count` newest applications of all (more where several arrived at the
    edge's moment; every one when there are fewer): an index-only scan of
    ats_newest_first. Of all, not of those the user may see: for a member of one team,
    finding that edge among theirs read 144,000 of all at a million (100 ms), four
    times what the walk it bounds reads; their short walk falls short instead, and the
    look follows."""
    edge = Application.objects.order_by("-submitted_at", "-pk").values("submitted_at")
    return Q(
        submitted_at__gte=Coalesce(
            Subquery(edge[count - 1 : count]), Value(datetime.min.replace(tzinfo=UTC))
        )
    )


@dataclass(frozen=True)
class SearchExport:
    """A search to take away: the ranked window's keys, best first (every page of it),
    and those applications (unordered, for the access log)."""

    ranked: list[int]
    applications: QuerySet[Application]


EXPORT_COLUMNS = (
    gettext_lazy("Name"),
    gettext_lazy("Opening"),
    gettext_lazy("Stage"),
    gettext_lazy("Applied"),
    gettext_lazy("Email"),
    gettext_lazy("Phone"),
)


def search_export(*, user: AbstractBaseUser, query: str) -> SearchExport:
    """Every match the search page pages through for `query` (none for no usable
    word), restricted applications never among them. The page's queries, without its
    page of rows."""
    words = backend().usable(terms(query))
    ranked = _ranked_window(user, words, decides=deciding_reach(user))[0] if words else []
    return SearchExport(
        ranked=ranked,
        applications=Application.objects.filter(pk__in=ranked, restricted_at__isnull=True),
    )


def search_export_rows(
    export: SearchExport, *, user: AbstractBaseUser, logged_at: datetime
) -> Iterator[list]:
    """One row per match, best first: name, opening ("Spontaneous"), stage, the day
    applied (the employer's), and the email and phone only where the user decides on
    the application's opening (access.hidden_fields; empty cells elsewhere). Only the
    applications the access log holds as exported by `user` at `logged_at`. One query
    (at most WINDOW rows)."""
    logged = AccessEvent.objects.filter(
        public_id=OuterRef("public_id"),
        user=user,
        action=AccessEvent.Action.EXPORT_LIST,
        at=logged_at,
    )
    rows = (
        export.applications.filter(Exists(logged), restricted_at__isnull=True)
        .annotate(deciding=ExpressionWrapper(deciding_reach(user), output_field=BooleanField()))
        .select_related("opening")
        .only("name", "email", "phone", "stage", "submitted_at", "opening__title")
    )
    by_pk = {row.pk: row for row in rows}
    stages = {value: str(label) for value, label in Application.Stage.choices}
    spontaneous = _("Spontaneous")
    result = []
    for pk in export.ranked:
        if (application := by_pk.get(pk)) is None:
            continue
        hidden = hidden_fields(deciding=application.deciding)
        result.append(
            [
                application.name,
                application.opening.title if application.opening else spontaneous,
                stages[application.stage],
                retention.employer_date(application.submitted_at),
                "" if "email" in hidden else application.email,
                "" if "phone" in hidden else application.phone,
            ]
        )
    return iter(result)


def matching(user: AbstractBaseUser, words: list[str], *, decides: Q) -> QuerySet[Application]:
    """The live, unrestricted applications within the user's reach that hold every word
    in a part the user may see of them: the team's part and the CV's text of every one
    (every team member who may see an application may read its CV: access.can_view_cv;
    restricted ones are never searched), the deciders' part of those the user decides
    on."""
    strategy = backend()
    team_parts, decider_parts = ["team_text", "cv_text"], ["decider_text"]
    match = Q()
    for word in words:
        match &= Q(strategy.matching(word, team_parts)) | (
            Q(strategy.matching(word, decider_parts)) & decides
        )
    # Joined, not a subquery per word: the database may walk the newest applications
    # (ats_newest_first) and test each one's text, or take the matches from the GIN
    # indexes and sort them, whichever its statistics say is cheaper for these words.
    return (
        visible_applications(user)
        .filter(text__isnull=False)
        .filter(match, restricted_at__isnull=True)
    )


def _visible_texts(application: Application, *, cv: bool) -> list[tuple[str, str]]:
    """The searched texts of a hit that its reader may see, labelled, in the order a
    snippet is looked for."""
    hidden = set() if application.deciding else FOR_DECIDERS_ONLY
    texts = [(_("Name"), application.name)]
    texts += [
        (label, value)
        for field, label, value in (
            ("email", _("Email"), application.email),
            ("phone", _("Phone"), application.phone),
            ("cover_letter", _("Cover letter"), application.cover_letter),
        )
        if field not in hidden
    ]
    texts += [(answer.question_text, answer.answer) for answer in application.answers.all()]
    texts += [(_("Note"), note.text) for note in application.notes.all()]
    text = getattr(application, "text", None)
    if cv and text is not None:
        texts.append((_("CV"), text.cv_text))
    return texts


def _snippet(application: Application, words: list[str], *, cv: bool) -> Snippet | None:
    """The first visible text with a word that one of `words` matches (as a prefix, or
    after stemming: a word may lose up to three letters of its end), cut around it."""
    stems = [word[: max(4, len(word) - 3)] for word in words]
    for label, text in _visible_texts(application, cv=cv):
        for found in _WORD.finditer(text):
            if any(stem in fold(found.group()) for stem in stems):
                start, end = found.span()
                before = text[max(0, start - SNIPPET_BEFORE) : start]
                after = text[end : end + SNIPPET_AFTER]
                return Snippet(
                    label=label,
                    before=("…" if start > SNIPPET_BEFORE else "") + _one_line(before),
                    match=found.group(),
                    after=_one_line(after) + ("…" if end + SNIPPET_AFTER < len(text) else ""),
                )
    return None


def _one_line(text: str) -> str:
    """Whitespace made single spaces, keeping a space at either end."""
    inner = " ".join(text.split())
    if not inner:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + inner + (" " if text[-1].isspace() else "")
