"""Search across every application one may see: found by what each role may see of
it, never restricted, ranked and paged in a number of queries that does not grow with
the applications."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ats.models import Application
from ats.selectors.search import PAGE_SIZE, WINDOW, search
from ats.services.notes import add_note
from ats.services.tags import create_tag, tag_applications, untag_applications
from tests.factories import ApplicationFactory, OpeningFactory, UserFactory, grant
from tests.helpers import NURSE_CV, on_team

pytestmark = pytest.mark.django_db

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Swedish stemming is PostgreSQL's"
)


def names(results) -> list[str]:
    return [hit.application.name for hit in results.hits]


@pytest.fixture
def opening():
    return OpeningFactory(title="Sjuksköterska, avdelning 12")


def test_a_recruiter_finds_the_nurse_from_karlstad_by_her_cv(opening, nurse):
    ApplicationFactory(opening=opening, name="Per Holm", cv_text="Lagerarbetare i Umeå")
    recruiter = on_team(opening)

    results = search(user=recruiter, query="sjuksköterska Karlstad")

    assert names(results) == ["Karin Nyström"]
    snippet = results.hits[0].snippet
    assert snippet.label == "CV" and snippet.match.lower().startswith("sjuksköterska")


def test_case_and_accents_do_not_matter(opening, nurse):
    ApplicationFactory(opening=opening, name="Håkan Ölund")
    recruiter = on_team(opening)

    assert names(search(user=recruiter, query="hakan olund")) == ["Håkan Ölund"]
    assert names(search(user=recruiter, query="NYSTROM")) == ["Karin Nyström"]
    assert names(search(user=recruiter, query="KARLSTAD")) == ["Karin Nyström"]


@pytest.mark.parametrize("query", ["karin.nystrom@example.se", "0701234567", "akutsjukvård"])
def test_a_decider_finds_by_email_phone_and_letter_an_interviewer_does_not(opening, nurse, query):
    recruiter = on_team(opening)
    interviewer = on_team(opening, role="interviewer")

    assert names(search(user=recruiter, query=query)) == ["Karin Nyström"]
    assert names(search(user=interviewer, query=query)) == []


def test_an_interviewer_finds_by_name_answers_notes_and_cv_in_the_interview_stages(opening, nurse):
    ApplicationFactory(opening=opening, name="Karin Nyberg", stage="new", cv_text=NURSE_CV)
    interviewer = on_team(opening, role="interviewer")
    add_note(application=nurse, text="Stark på triage", author=on_team(opening))

    assert names(search(user=interviewer, query="karin")) == ["Karin Nyström"]
    assert names(search(user=interviewer, query="triage")) == ["Karin Nyström"]
    assert names(search(user=interviewer, query="Karlstad")) == ["Karin Nyström"]
    snippet = search(user=interviewer, query="Karlstad").hits[0].snippet
    assert snippet.label == "CV"


def test_a_snippet_never_shows_what_the_role_may_not_see(opening, nurse):
    """The word is in the letter and the CV: an interviewer's snippet is the CV's."""
    nurse.cover_letter = "Jag bor i Karlstad."
    nurse.save()
    interviewer = on_team(opening, role="interviewer")

    [hit] = search(user=interviewer, query="Karlstad").hits

    assert hit.snippet.label == "CV"
    assert "Jag bor" not in hit.snippet.before + hit.snippet.after


def test_an_outsider_finds_nothing(opening, nurse):
    outsider = UserFactory()

    assert names(search(user=outsider, query="Karin")) == []


def test_the_spontaneous_pool_only_with_its_permission(opening):
    ApplicationFactory(consented=True, name="Sara Spontan")
    recruiter = on_team(opening)

    assert names(search(user=recruiter, query="Sara")) == []
    pool = grant(recruiter, "view_spontaneous_applications")
    assert names(search(user=pool, query="Sara")) == ["Sara Spontan"]
    assert names(
        search(
            user=pool, query=ApplicationFactory._meta.model.objects.get(name="Sara Spontan").email
        )
    ) == ["Sara Spontan"]


def test_every_opening_with_view_all_applications():
    ApplicationFactory(opening=OpeningFactory(), name="Anna Första")
    ApplicationFactory(opening=OpeningFactory(), name="Anna Andra")
    everyone = grant(UserFactory(), "view_all_applications")

    assert sorted(names(search(user=everyone, query="anna"))) == ["Anna Andra", "Anna Första"]


def test_a_restricted_application_is_never_found(opening, nurse):
    nurse.restricted_at = timezone.now()
    nurse.save()
    everyone = grant(UserFactory(), "view_all_applications")

    assert names(search(user=on_team(opening), query="Karin")) == []
    assert names(search(user=everyone, query="Karin")) == []


def test_an_application_past_its_date_is_not_found(opening, nurse):
    nurse.delete_after = timezone.now()
    nurse.deletion_reason = "retention_expired"
    nurse.save()

    assert names(search(user=on_team(opening), query="Karin")) == []


def test_every_word_must_match_somewhere_the_user_may_see(opening, nurse):
    recruiter = on_team(opening)

    assert names(search(user=recruiter, query="Karin Karlstad")) == ["Karin Nyström"]
    assert names(search(user=recruiter, query="Karin Göteborg")) == []


def test_a_query_without_a_word_searches_nothing(opening, nurse):
    results = search(user=on_team(opening), query=" '&|! ")

    assert results.searched is False and results.hits == []


def test_pages_walk_the_matches_newest_first_without_counting_them(opening):
    ApplicationFactory.create_batch(PAGE_SIZE + 3, opening=opening, name="Eva Lund")
    recruiter = on_team(opening)

    first = search(user=recruiter, query="Lund")
    second = search(user=recruiter, query="Lund", page=2)

    assert (len(first.hits), first.has_next, first.has_previous) == (PAGE_SIZE, True, False)
    assert (len(second.hits), second.has_next, second.has_previous) == (3, False, True)
    assert not {h.application.pk for h in first.hits} & {h.application.pk for h in second.hits}
    assert first.more_than_window is False


def test_more_matches_than_the_window_are_said(opening, monkeypatch):
    monkeypatch.setattr("ats.selectors.search.WINDOW", 3)
    ApplicationFactory.create_batch(4, opening=opening, name="Eva Lund")

    results = search(user=on_team(opening), query="Lund")

    assert results.more_than_window is True and len(results.hits) == 3
    assert WINDOW == 200


def test_queries_are_the_same_for_3_and_30_matches(opening, django_assert_num_queries):
    """As a request makes them: the user's permissions read once (two queries); on
    PostgreSQL the stop words dropped, the table's size and its words' shares from the
    statistics and the few matches from the GIN indexes; the window, its ranks
    (PostgreSQL), the page, its answers and notes."""
    recruiter = on_team(opening)
    ApplicationFactory.create_batch(3, opening=opening, name="Eva Lund", cv_text="Karlstad")
    for application in ApplicationFactory._meta.model.objects.all():
        add_note(application=application, text="Lund", author=recruiter)
    expected = 10 if connection.vendor == "postgresql" else 6
    user = type(recruiter).objects.get(pk=recruiter.pk)
    with django_assert_num_queries(expected):
        assert len(search(user=user, query="Lund Karlstad").hits) == 3
    ApplicationFactory.create_batch(27, opening=opening, name="Eva Lund", cv_text="Karlstad")
    user = type(recruiter).objects.get(pk=recruiter.pk)
    with django_assert_num_queries(expected):
        assert len(search(user=user, query="Lund Karlstad", page=2).hits) == 10


@needs_postgresql
def test_swedish_stemming_finds_the_plural(opening, nurse):
    recruiter = on_team(opening)

    assert names(search(user=recruiter, query="sjuksköterskor")) == ["Karin Nyström"]
    assert names(search(user=recruiter, query="sjukskoterskorna")) == ["Karin Nyström"]


@needs_postgresql
def test_a_better_match_ranks_before_a_newer_one(opening):
    ApplicationFactory(
        opening=opening,
        name="Äldre Sökande",
        submitted_at=timezone.now() - timezone.timedelta(days=9),
        cv_text="Python Python Python Django Python",
    )
    ApplicationFactory(opening=opening, name="Nyare Sökande", cv_text="Java, och lite Python")

    assert names(search(user=on_team(opening), query="python")) == [
        "Äldre Sökande",
        "Nyare Sökande",
    ]


@needs_postgresql
def test_a_stop_word_does_not_empty_the_search(opening, nurse):
    assert names(search(user=on_team(opening), query="sjuksköterska och Karlstad")) == [
        "Karin Nyström"
    ]


@needs_postgresql
def test_many_matches_are_found_by_walking_the_newest_as_few_are_from_the_index(
    opening, nurse, monkeypatch
):
    """Whichever way the database is asked (few matches: from the GIN indexes; many:
    the newest applications walked), the same are found, under the same rules."""
    ApplicationFactory(opening=opening, name="Karin Nyberg", stage="new", cv_text=NURSE_CV)
    recruiter, interviewer = on_team(opening), on_team(opening, role="interviewer")
    queries = ["karlstad", "karin", "karin.nystrom@example.se", "akutsjukvård"]
    few = {
        (user.pk, query): names(search(user=user, query=query))
        for user in (recruiter, interviewer)
        for query in queries
    }
    monkeypatch.setattr("ats.text_search.PostgresSearch.FEW_AT_LEAST", 1)
    monkeypatch.setattr("ats.text_search.PostgresSearch.FEW_AT_MOST", 1)

    many = {
        (user.pk, query): names(search(user=user, query=query))
        for user in (recruiter, interviewer)
        for query in queries
    }

    assert many == few
    assert few[(interviewer.pk, "karin")] == ["Karin Nyström"]
    assert few[(interviewer.pk, "karin.nystrom@example.se")] == []
    assert sorted(few[(recruiter.pk, "karin")]) == ["Karin Nyberg", "Karin Nyström"]


def searched(user, query: str) -> tuple[set[str], bool]:
    """The CV texts of what a search finds, and whether it asked the GIN indexes for
    every match (the look)."""
    with CaptureQueriesContext(connection) as queries:
        results = search(user=user, query=query)
    look = "SELECT application_id FROM ats_applicationtext WHERE"
    cvs = {hit.application.text.cv_text for hit in results.hits}
    return cvs, any(query["sql"].startswith(look) for query in queries)


@needs_postgresql
def test_a_word_the_statistics_call_common_is_walked_without_reading_its_matches(
    opening, nurse, monkeypatch
):
    """ANALYZE's sample says how many hold a word: when surely more than the threshold
    do, a short walk of the newest comes first, and the matches are not read from the
    GIN indexes (at a million, that read alone took 200 ms) unless it falls short; a
    word too rare to be among the most common is looked up, and so are words that each
    are common but may seldom meet. Either way the same are found."""
    karlstad = "Sjuksköterska i Karlstad"
    ApplicationFactory.create_batch(30, opening=opening, cv_text=karlstad)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ats_applicationtext")  # counts this transaction's rows
    monkeypatch.setattr("ats.selectors.search.WINDOW", 3)
    monkeypatch.setattr("ats.text_search.PostgresSearch.FEW_AT_LEAST", 10)
    monkeypatch.setattr("ats.text_search.PostgresSearch.FEW_AT_MOST", 10)
    recruiter = on_team(opening)

    assert searched(recruiter, "karlstad") == ({karlstad}, False)  # walked, not looked up
    assert searched(recruiter, "sjuksköterskor karlstad") == ({karlstad}, False)
    assert searched(recruiter, "karin.nystrom@example.se") == ({NURSE_CV}, True)  # rare
    assert searched(recruiter, "akutsjukvård karlstad") == ({NURSE_CV}, True)
    ApplicationFactory.create_batch(30, opening=opening, cv_text="Undersköterska i Göteborg")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ats_applicationtext")
    # Half hold it, but not the newest: the short walk falls short, the look follows.
    assert searched(recruiter, "karlstad") == ({karlstad}, True)
    assert searched(recruiter, "sjuksköterskor karlstad") == ({karlstad}, True)


@needs_postgresql
def test_common_words_are_walked_a_little_first_and_looked_up_where_that_falls_short(
    opening, monkeypatch
):
    """Two words that each half the applications hold: together by many, so a short
    walk of the newest fills the window and the indexes are not asked; or by none,
    so the walk falls short and they are. The same are found either way, and a short
    walk longer than the table walks all of it."""
    karlstad = "Sjuksköterska i Karlstad"
    ApplicationFactory.create_batch(30, opening=opening, cv_text="Undersköterska i Göteborg")
    ApplicationFactory.create_batch(30, opening=opening, cv_text=karlstad)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ats_applicationtext")
    monkeypatch.setattr("ats.selectors.search.WINDOW", 3)
    monkeypatch.setattr("ats.text_search.PostgresSearch.FEW_AT_LEAST", 100)
    recruiter = on_team(opening)

    assert searched(recruiter, "sjuksköterskor karlstad") == ({karlstad}, False)
    assert searched(recruiter, "sjuksköterskor göteborg") == (set(), True)
    monkeypatch.setattr("ats.selectors.search.WINDOW", 20)  # 320 to walk first: all 60
    monkeypatch.setattr("ats.text_search.PostgresSearch.FEW_AT_LEAST", 1000)
    assert searched(recruiter, "sjuksköterskor karlstad") == ({karlstad}, False)


@needs_postgresql
def test_the_cvs_words_are_kept_in_the_row_that_the_walk_reads():
    """Not out of line in the TOAST table, a second read for each application walked
    (migration 0050)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute"
            " WHERE attrelid = 'ats_applicationtext'::regclass AND attname = 'cv_vector'"
        )
        assert cursor.fetchone() == ("m",)


def test_a_tag_is_found_while_it_is_on_the_application(opening, nurse):
    recruiter = on_team(opening)
    tag = create_tag(name="Ring tillbaka i maj")
    chosen = Application.objects.filter(pk=nurse.pk)

    tag_applications(applications=chosen, tag=tag, tagged_by=recruiter)
    assert names(search(user=recruiter, query="ring tillbaka")) == ["Karin Nyström"]

    untag_applications(applications=chosen, tag=tag, untagged_by=recruiter)
    assert names(search(user=recruiter, query="ring tillbaka")) == []
