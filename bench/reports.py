"""The reports (/recruit/reports/, a report's CSV, the API's reports/) over N live
applications and ten years of kept counts, on PostgreSQL, at two sizes.

1,000 openings over ten years, 100 a year in ten departments, each taking applications
for two months. The last two years' 200 openings hold the N live applications (written
by SQL, their counts derived from them by SQL as the services count: each arrival, how
far it got, its first answer, its stays, the outcome and reason of the decided ones);
the 800 before hold only what is kept of their 800,000 deleted applications, the same at
both sizes. Each request through the whole Django stack, median of 7, its queries, and
with --database-time what the database spends on its reads.

    .venv/bin/python bench/reports.py [--rows 10000 1000000] [--quick] [--database-time]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common
from bench.scale import growth_table, measure, staff_user

YEARS = 10
PER_YEAR = 100
DEPARTMENTS = 10
KEPT_PER_OPENING = 1_000  # deleted applications of each opening older than two years
BUCKETS = "ARRAY[0, 1, 2, 3, 5, 8, 15, 31, 61, 91, 181, 366]"
SOURCES = "(ARRAY['', 'linkedin', 'indeed', 'platsbanken', 'referral'])"
REASONS = "(ARRAY['', 'Saknar legitimation', 'Annan kandidat valdes', 'Tackade nej'])"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs=2, default=[10_000, 1_000_000])
    parser.add_argument("--quick", action="store_true", help="500 and 2,000, for CI")
    parser.add_argument("--database-time", action="store_true")
    return parser.parse_args()


def create_openings() -> list:
    """YEARS x PER_YEAR openings, the newest first created two months ago; all but the
    last year's decided a month after they closed."""
    from datetime import timedelta

    from django.utils import timezone

    from ats.models import Opening

    now = timezone.now()

    def fields(n: int) -> dict:
        created = now - timedelta(days=60 + n * 365 // PER_YEAR)
        closed = created + timedelta(days=60)
        return {
            "department": f"Förvaltning {n % DEPARTMENTS}",
            "status": Opening.Status.CLOSED,
            "created_at": created,
            "published_at": created,
            "closed_at": closed,
            "decided_at": closed + timedelta(days=30) if n >= PER_YEAR or n % 7 else None,
        }

    return common.fresh_openings(YEARS * PER_YEAR, "Tjänst", fields)


def draw(salt: str, n: int) -> str:
    """SQL for a number from 0 to n - 1 drawn for application i, independent of every
    other draw (its own salt) and of the opening i goes to."""
    return f"(abs(hashtext(i::text || '{salt}')) % {n})"


# As services/report_counts.py counts one application (i: its number), from its row:
# a furthest stage, a first answer and a stay in each stage passed, and for a decided
# opening the outcome, the days to it and a rejection reason.
FIGURES = f"""
    ('furthest', CASE WHEN stage = 'rejected'
        THEN (ARRAY['new', 'reviewing', 'interview', 'offer'])[1 + {draw("f", 4)}]
        ELSE stage END, 0),
    ('first_answer', '', ({BUCKETS})[1 + {draw("a", 9)}]),
    ('in_stage', 'new', ({BUCKETS})[1 + {draw("n", 8)}]),
    ('in_stage', 'reviewing', ({BUCKETS})[1 + {draw("r", 10)}]),
    ('in_stage', 'interview', ({BUCKETS})[1 + {draw("i", 10)}]),
    (CASE WHEN decided THEN 'outcome' END,
        CASE WHEN stage = 'hired' THEN 'hired' ELSE 'rejected' END, 0),
    (CASE WHEN decided THEN 'to_decision' END,
        CASE WHEN stage = 'hired' THEN 'hired' ELSE 'rejected' END,
        ({BUCKETS})[4 + {draw("t", 6)}]),
    (CASE WHEN decided AND stage <> 'hired' THEN 'rejection_reason' END,
        {REASONS}[1 + {draw("x", 4)}], 0)
"""
DAY = f"({draw('d', 60)} || ' days')::interval"
STAGE = (
    f"(ARRAY['new', 'reviewing', 'interview', 'offer', 'hired', 'rejected'])[1 + {draw('s', 6)}]"
)
SOURCE = f"{SOURCES}[1 + {draw('o', 5)}]"


def count(rows: str, *, deleted: bool) -> None:
    """The report counts and arrivals of `rows` (a SELECT of i, opening_id,
    submitted_at, stage, source, decided), added as the services add them."""
    from django.db import connection

    figures = FIGURES + (", ('deleted', 'retention_expired', 0)" if deleted else "")
    month = "date_trunc('month', submitted_at AT TIME ZONE 'Europe/Stockholm')::date"
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO ats_reportcount (opening_key, month, source, figure, value, days,
                applications)
            SELECT opening_id, {month}, source, f.figure, f.value, f.days, count(*)
            FROM ({rows}) a CROSS JOIN LATERAL (VALUES {figures}) f(figure, value, days)
            WHERE f.figure IS NOT NULL
            GROUP BY 1, 2, 3, 4, 5, 6
            ON CONFLICT (opening_key, month, source, figure, value, days) DO UPDATE
            SET applications = ats_reportcount.applications + excluded.applications
        """)
    common.count_arrivals(rows)


def keep_ten_years(openings: list, *, per_opening: int) -> None:
    """What the counts hold of the deleted applications of every opening older than two
    years: `per_opening` each, counted without a row."""
    old = [o.pk for o in openings[2 * PER_YEAR :]]
    count(
        f"""
        SELECT i, o.id AS opening_id, o.created_at + {DAY} AS submitted_at,
            {STAGE} AS stage, {SOURCE} AS source, true AS decided
        FROM generate_series(1, {len(old) * per_opening}) i
        JOIN ats_opening o ON o.id = (ARRAY{old})[1 + i % {len(old)}]
        """,
        deleted=True,
    )


def add_live(openings: list, *, after_id: int, count_rows: int) -> None:
    """`count_rows` more applications to the last two years' openings, each within the
    two months its opening took them, and their counts."""
    from django.db import connection

    live = [o.pk for o in openings[: 2 * PER_YEAR]]
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO ats_application (public_id, opening_id, name, email, phone,
                cover_letter, cv, cv_filename, submitted_at, stage, privacy_notice_id,
                decided_at, delete_after, deletion_reason, hold_reason, language, source,
                receipt_sent_at)
            SELECT gen_random_uuid(), o.id, 'Sökande ' || i, 'sokande' || i || '@example.se',
                '', '', 'cv/' || i || '.pdf', 'cv.pdf',
                o.created_at + {DAY}, {STAGE},
                (SELECT min(id) FROM ats_privacynotice), o.decided_at,
                o.decided_at + interval '730 days',
                CASE WHEN o.decided_at IS NULL THEN '' ELSE 'retention_expired' END,
                '', 'sv', {SOURCE}, now()
            FROM generate_series({after_id + 1}, {after_id + count_rows}) i
            JOIN ats_opening o ON o.id = (ARRAY{live})[1 + i % {len(live)}]
        """)
    count(
        f"""
        SELECT a.id AS i, a.opening_id, a.submitted_at, a.stage, a.source,
            a.decided_at IS NOT NULL AS decided
        FROM ats_application a WHERE a.id > {after_id}
        """,
        deleted=False,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) ats_application")
        cursor.execute("VACUUM (ANALYZE) ats_reportcount")
        cursor.execute("VACUUM (ANALYZE) ats_arrivalcount")


def requests(*, everyone, recruiter, openings, api) -> dict:
    year_ago = openings[PER_YEAR // 2].created_at
    five_years = openings[5 * PER_YEAR].created_at

    def get(client, path, **query):
        return lambda: client.get(path, query).status_code == 200

    return {
        "every opening, the last twelve months": get(everyone, "/recruit/reports/"),
        "every opening, a year five years ago": get(
            everyone, "/recruit/reports/", start=f"{five_years:%Y-%m}", end=f"{five_years:%Y-%m}"
        ),
        "one department, the last twelve months": get(
            everyone, "/recruit/reports/", department="Förvaltning 3"
        ),
        "one opening": get(
            everyone,
            "/recruit/reports/",
            opening=str(openings[PER_YEAR // 2].pk),
            start=f"{year_ago:%Y-%m}",
        ),
        "a recruiter of ten openings": get(recruiter, "/recruit/reports/"),
        "a report's CSV, every opening": get(everyone, "/recruit/reports/sources.csv"),
        "the API, every opening": get(api, "/api/v1/reports"),
    }


def clients(openings):
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from ats.models import ApiScope, HiringTeamMember
    from ats.services.api_keys import issue_api_key

    manager = staff_user("chef", ("view_all_applications", "view_spontaneous_applications"))
    recruiter = staff_user("rekryterare", ())
    for opening in openings[:: PER_YEAR // 5][:10]:
        HiringTeamMember.objects.create(opening=opening, user=recruiter, role="recruiter")
    everyone, theirs = Client(), Client()
    everyone.force_login(manager)
    theirs.force_login(recruiter)
    _, secret = issue_api_key(
        name="Rapporter",
        user=manager,
        created_by=manager,
        scopes=[ApiScope.REPORTS_READ],
        expires_at=timezone.now() + timedelta(days=1),
    )
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return everyone, theirs, api


def main() -> None:
    args = arguments()
    small, large = (500, 2_000) if args.quick else args.rows
    common.create_database()
    common.setup_django(test_client=True)
    openings = create_openings()
    everyone, recruiter, api = clients(openings)
    with common.stopwatch() as kept:
        keep_ten_years(openings, per_opening=50 if args.quick else KEPT_PER_OPENING)
    print(f"ten years kept ({kept['seconds']:.0f} s)", flush=True)
    results = {}
    for size, before in ((small, 0), (large, small)):
        with common.stopwatch() as filled:
            add_live(openings, after_id=before, count_rows=size - before)
        print(f"{size:,} live applications ({filled['seconds']:.0f} s to fill)", flush=True)
        measured = requests(everyone=everyone, recruiter=recruiter, openings=openings, api=api)
        for name, make in measured.items():
            results.setdefault(name, {})[size] = measure(make, in_database=args.database_time)
            print(f"  {name}: {results[name][size]}", flush=True)
    print(growth_table(results, small, large, in_database=args.database_time))
    common.save(
        "reports", {"machine": common.machine(), "sizes": [small, large], "results": results}
    )


if __name__ == "__main__":
    main()
