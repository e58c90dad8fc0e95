"""Search across everything (/recruit/search/) and one person's profile
(/recruit/people/<key>/) at two sizes on PostgreSQL: N applications over 200 openings
and the spontaneous pool, each with a realistic CV's text (a Swedish CV of about 1,500
characters: title, town, six jobs with employers, towns and skills, education,
languages), written by SQL. Each request through the whole Django stack, median of 7,
with its queries and the growth from the smaller size.

    .venv/bin/python bench/search.py [--rows 10000 100000 1000000] [--quick]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

OPENINGS = 200
REPEATS = 7

PROFESSIONS = [
    "sjuksköterska", "undersköterska", "systemutvecklare", "lagerarbetare", "ekonom",
    "lärare", "förskollärare", "elektriker", "snickare", "projektledare", "säljare",
    "kundtjänstmedarbetare", "redovisningskonsult", "HR-specialist", "fysioterapeut",
    "barnmorska", "läkare", "butikschef", "truckförare", "kock",
]  # fmt: skip
TOWNS = [
    "Karlstad", "Göteborg", "Stockholm", "Malmö", "Uppsala", "Västerås", "Örebro",
    "Linköping", "Helsingborg", "Jönköping", "Norrköping", "Lund", "Umeå", "Gävle", "Borås",
    "Södertälje", "Eskilstuna", "Halmstad", "Växjö", "Sundsvall", "Luleå", "Trollhättan",
    "Östersund", "Borlänge", "Falun", "Kalmar", "Kristianstad", "Skövde", "Karlskrona",
    "Skellefteå",
]  # fmt: skip
FIRST_NAMES = [
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Emma", "Kerstin", "Ingrid", "Malin",
    "Åsa", "Linnéa", "Elin", "Sofia", "Johanna", "Hanna", "Ida", "Frida", "Märta", "Zoë",
    "Lars", "Mikael", "Johan", "Anders", "Per", "Erik", "Karl", "Peter", "Jan", "Thomas",
    "Håkan", "Björn", "Jörgen", "Mattias", "Olof", "Stefan", "Niklas", "Oskar", "Ali", "Mohammed",
]  # fmt: skip
SURNAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström",
    "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren",
    "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Nyström",
    "Holm", "Åberg", "Öberg", "Sjöberg", "Wallin", "Engström", "Danielsson", "Håkansson",
    "Eklund", "Lundin", "Gunnarsson", "Björk", "Bergman", "Nordström",
]  # fmt: skip
EMPLOYERS = [
    "Region Värmland", "Exempelbolaget AB", "Volvo Cars", "Skanska", "ICA Maxi",
    "Sahlgrenska universitetssjukhuset", "Karolinska universitetssjukhuset", "Ikea",
    "Ericsson", "Postnord", "Stora Enso", "Karlstads kommun", "Akademiska sjukhuset",
    "Telia", "SEB",
]  # fmt: skip
SKILLS = [
    "Python", "Django", "PostgreSQL", "Excel", "SAP", "journalföring", "akutsjukvård",
    "läkemedelshantering", "truckkort", "B-körkort", "projektledning", "kundservice",
    "bokföring", "Java", "ledarskap", "HLR", "svetsning", "AutoCAD", "Kubernetes", "Visma",
    "arbetsmiljö", "pedagogik", "barnomsorg", "triage", "logistik",
]  # fmt: skip


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--quick", action="store_true", help="500 and 2,000, for CI")
    return parser.parse_args()


def array(words: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + word.replace("'", "''") + "'" for word in words) + "]"


def pick(words: list[str], index: str) -> str:
    """The word of `words` at an SQL expression of i (and j), spread."""
    return f"({array(words)})[1 + (({index}) %% {len(words)})]"


def name_sql(i: str) -> str:
    return f"{pick(FIRST_NAMES, i)} || ' ' || {pick(SURNAMES, f'{i} / 40 + {i} * 7')}"


def email_sql(i: str) -> str:
    """ASCII, and numbered: unique, and the number gives i back (n in add_applications)."""
    return (
        f"lower(translate({pick(FIRST_NAMES, i)} || '.' || "
        f"{pick(SURNAMES, f'{i} / 40 + {i} * 7')}, 'åäöéëÅÄÖ', 'aaoeeaao')) || {i} || '@example.se'"
    )


def cv_text_sql(i: str) -> str:
    """A CV's text as an SQL expression of `i`: a few hundred words that mix a title, a
    town, employers, towns and skills, so that common words are common (a town is in a
    fifth of the CVs, a profession in a quarter) and the words of a search intersect."""
    job = (
        "(2024 - j * 3) || '-' || (2027 - j * 3) || ': ' || "
        f"initcap({pick(PROFESSIONS, f'{i} * 31 + j * 17')}) || ', ' || "
        f"{pick(EMPLOYERS, f'{i} * 13 + j * 7')} || ', ' || "
        f"{pick(TOWNS, f'{i} * 11 + j * 29')} || "
        f"'. Ansvar för ' || {pick(SKILLS, f'{i} * 3 + j * 5')} || ' och ' || "
        f"{pick(SKILLS, f'{i} * 7 + j * 11')} || ' i ett team om ' || (3 + ({i} + j) %% 20) || "
        "' personer, med fokus på kvalitet, patientsäkerhet och samarbete.'"
    )
    degrees = ["Högskoleexamen", "Kandidatexamen", "Yrkesexamen", "Gymnasieexamen"]
    return (
        f"{name_sql(i)} || E'\\n' || initcap({pick(PROFESSIONS, i)}) || ' · ' || "
        f"{pick(TOWNS, f'{i} / 20')} || ' · ' || {email_sql(i)} || ' · 070-' || "
        f"lpad(({i} %% 1000000)::text, 6, '0') || E'\\nProfil\\nErfaren ' || "
        f"{pick(PROFESSIONS, i)} || ' med ' || (2 + {i} %% 20) || ' års erfarenhet, van vid "
        "att arbeta självständigt och i grupp. Trivs med ansvar, lär mig snabbt och tar "
        "initiativ.' || E'\\nErfarenhet\\n' || "
        f"(SELECT string_agg({job}, E'\\n') FROM generate_series(1, 6) AS j) || "
        f"E'\\nUtbildning\\n' || {pick(degrees, i)} || ', ' || {pick(TOWNS, f'{i} * 3')} "
        f"|| ', ' || (2000 + {i} %% 20) || '.' || "
        "E'\\nSpråk\\nSvenska (modersmål), engelska (flytande).' || E'\\nKompetens\\n' || "
        f"{pick(SKILLS, i)} || ', ' || {pick(SKILLS, f'{i} * 17')} || ', ' || "
        f"{pick(SKILLS, f'{i} * 23')}"
    )


def create_openings():
    return common.half_decided_openings(OPENINGS, towns=TOWNS)


def add_applications(openings, *, first: int, last: int) -> None:
    """Applications numbered first..last, 90% spread over the openings, 10% spontaneous,
    dates spread over two years; their texts as applying stores them (folded as
    text_search.fold folds), the GIN indexes built after (as a restore would)."""
    from django.db import connection

    from ats.text_search import FOLD_FROM, FOLD_TO

    ids = "{" + ",".join(str(o.pk) for o in openings) + "}"
    days_ago = "now() - (i %% 700 || ' days')::interval"
    common.insert_applications(
        last - first + 1,
        first=first,
        opening=f"""CASE WHEN i %% 10 = 0 THEN NULL
                         ELSE ('{ids}'::bigint[])[1 + i %% {len(openings)}] END""",
        name=name_sql("i"),
        email=f"CASE WHEN i %% 1000 = 7 THEN {email_sql('7')} ELSE {email_sql('i')} END",
        phone="'070-' || lpad((i %% 1000000)::text, 6, '0')",
        cover_letter="'Hej! Jag söker tjänsten och ser fram emot att höra från er.'",
        cv="'cv/' || md5(i::text) || '.pdf'",
        submitted_at=f"{days_ago} - (i %% 1440 || ' minutes')::interval",
        stage="(ARRAY['new','reviewing','interview','offer','hired','rejected'])[1 + i %% 6]",
        consent_given_at=f"CASE WHEN i %% 10 = 0 THEN {days_ago} END",
        delete_after=f"""CASE WHEN i %% 10 = 0 THEN {days_ago} + interval '730 days'
                              ELSE now() + (i %% 700 || ' days')::interval END""",
        deletion_reason="CASE WHEN i %% 10 = 0 THEN 'consent_expired' ELSE 'retention_expired' END",
    )
    fold = f"lower(translate(%s, '{FOLD_FROM}', '{FOLD_TO}'))"
    with connection.cursor() as cursor:
        for vector in ("team_vector", "cv_vector", "decider_vector"):
            cursor.execute(f"DROP INDEX IF EXISTS ats_text_{vector}")
        cursor.execute(
            f"""
            INSERT INTO ats_applicationtext (application_id, cv_text, team_text, decider_text)
            SELECT a.id, {cv_text_sql("a.n")},
                {fold % "a.name"}, {fold % "a.email || ' ' || a.phone || ' ' || a.cover_letter"}
            FROM (SELECT id, name, email, phone, cover_letter,
                         (substring(email from '([0-9]+)@'))::int AS n
                  FROM ats_application
                  WHERE id > (SELECT coalesce(max(application_id), 0) FROM ats_applicationtext)) a
            """,
            [],  # none, but %% stands for % as in the statement above
        )
        for vector in ("team_vector", "cv_vector", "decider_vector"):
            cursor.execute(
                f"CREATE INDEX ats_text_{vector} ON ats_applicationtext USING gin ({vector})"
            )
        cursor.execute("VACUUM (ANALYZE) ats_application")
        cursor.execute("VACUUM (ANALYZE) ats_applicationtext")


def users(opening):
    """One who sees everything (every opening, the pool), and a recruiter of one opening."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from ats.models import HiringTeamMember

    made = []
    for username in ("bench-all", "bench-team"):
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True}
        )
        if not Authenticator.objects.filter(user=user).exists():  # staff need a second factor
            TOTP.activate(user, generate_totp_secret())
        made.append(user)
    everything, team = made
    everything.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_all_applications", "view_spontaneous_applications"]
        )
    )
    HiringTeamMember.objects.get_or_create(opening=opening, user=team, role="recruiter")
    return everything, team


SEARCHES = {
    "a profession and a town": "sjuksköterska Karlstad",
    "a plural, stemmed": "sjuksköterskor",
    "a surname": "Lindqvist",
    "a first name without its accents": "hakan",
    "a common skill": "python",
    "a word in every CV": "erfarenhet",
}


def requests(*, everything, team, person_email: str) -> dict:
    """Each measured request: a callable that makes it and says it went well."""
    from django.test import Client

    from ats.person_keys import person_key

    def logged_in(user):
        client = Client()
        client.force_login(user)
        return client

    def searching(user, query):
        """The results page, the term in the session (the POST before, not measured)."""
        client = logged_in(user)
        client.post("/recruit/search/", {"q": query})

        def make():
            page = client.get("/recruit/search/")
            return page.status_code == 200 and b"<table>" in page.content

        return make

    made = {f"search, {what}": searching(everything, query) for what, query in SEARCHES.items()}
    made["search, an email address (deciders)"] = searching(everything, person_email)
    made["search, a recruiter of one opening"] = searching(team, "erfarenhet")
    client = logged_in(everything)
    profile = f"/recruit/people/{person_key(person_email)}/"
    made["a person's profile"] = lambda: client.get(profile).status_code == 200
    return made


def measure(make) -> tuple[int, float]:
    """Queries and median of the request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert make(), "the request failed"  # warm up
    with CaptureQueriesContext(connection) as queries:
        make()
    count = len(queries)
    samples = []
    for _ in range(REPEATS):
        with common.stopwatch() as elapsed:
            make()
        samples.append(elapsed["seconds"])
    return count, common.median_ms(samples)


def main() -> None:
    args = arguments()
    sizes = [500, 2_000] if args.quick else sorted(args.rows)
    common.create_database()
    common.setup_django(test_client=True)
    openings = create_openings()
    everything, team = users(openings[1])
    results = {}
    filled = 0
    for size in sizes:
        with common.stopwatch() as filling:
            add_applications(openings, first=filled + 1, last=size)
        filled = size
        print(f"{size:,} applications ({filling['seconds']:.0f} s to fill)", flush=True)
        measured = requests(everything=everything, team=team, person_email=person_with_most())
        for name, make in measured.items():
            results.setdefault(name, {})[size] = measure(make)
            print(f"  {name}: {results[name][size]}", flush=True)
    small, large = sizes[0], sizes[-1]
    rows = [
        [
            name,
            *(results[name][size][0] for size in sizes),
            *(f"{results[name][size][1]:.1f} ms" for size in sizes),
            f"x{results[name][large][1] / results[name][small][1]:.2f}",
        ]
        for name in measured
    ]
    print(
        common.table(
            [
                "request",
                *(f"queries at {size:,}" for size in sizes),
                *(f"median at {size:,}" for size in sizes),
                f"growth {small:,} to {large:,} (target 1.5x)",
            ],
            rows,
        )
    )
    common.save("search", {"machine": common.machine(), "sizes": sizes, "results": results})


def person_with_most() -> str:
    """The address of applicant 7, which every 1,000th applicant applies under again
    (add_applications): a person with many applications, as the profile shows them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {email_sql('7')}".replace("%%", "%"))
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
