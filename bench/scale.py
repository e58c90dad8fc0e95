"""Every page and report at two sizes in one run, on PostgreSQL: N applications over
200 openings (half of them decided; the first, undecided, holds a fifth of all), a
tenth of them spontaneous with consent, filled by SQL (generate_series; the
migrations' triggers fire). The big opening's applicants come from five sources, the
last 150 made of each stage tagged (more than a board's column shows, at either size:
the same cards drawn at both), a seventh flagged by a screening answer, every
nineteenth scored by a colleague and the last 100 of each fill by the user too (moduli
prime to the six stages, so that every stage has some of each). Each request through
the whole Django stack, median of 5, with its queries and the growth from the smaller
size.

The home page is measured twice: for the user who sees everything, and for a recruiter
of the big opening with a full to-do (its requirement profile unscored by them, a
candidate's unread reply on every thousandth applicant, five interviews this week, a
last visit of a week of applications ago).

    .venv/bin/python bench/scale.py [--rows 10000 1000000] [--quick] [--database-time]
"""

import argparse
import io
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

OPENINGS = 200
REPEATS = 5
PER_PAGE = 50
TAGGED_PER_STAGE = 150


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs=2, default=[10_000, 1_000_000])
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000, for CI")
    parser.add_argument(
        "--database-time",
        action="store_true",
        help="also the database's own time of each request (its reads, EXPLAIN ANALYZE)",
    )
    return parser.parse_args()


def create_openings():
    return common.half_decided_openings(OPENINGS, towns=("Borås",))


def add_applications(openings, *, start: int, count: int) -> None:
    """`count` more applications numbered from `start`: a fifth to the first opening,
    70% spread over the others, 10% spontaneous; dates spread over two years, so the
    weeks ahead all have some."""
    big = count // 5
    per_opening = count * 7 // 10 // (len(openings) - 1)
    stage = "(ARRAY['new','reviewing','interview','offer','hired','rejected'])[1 + i %% 6]"
    first = start
    for n, opening in enumerate(openings):
        decided = opening.decided_at is not None
        common.insert_applications(
            big if n == 0 else per_opening,
            opening=str(opening.pk),
            cv="'cv/' || md5(i::text) || '.pdf'",
            submitted_at="now() - (i %% 700 || ' days')::interval - interval '61 days'",
            stage=stage,
            consent_given_at="NULL",
            delete_after="now() + (i %% 700 || ' days')::interval" if decided else "NULL",
            deletion_reason="'retention_expired'" if decided else "''",
            first=first,
            # Five sources against six stages: every pair occurs.
            source="(ARRAY['', 'linkedin', 'indeed', 'website', 'referral'])[1 + i %% 5]",
        )
        first += big if n == 0 else per_opening
    common.insert_applications(
        count - (first - start),
        opening="NULL",
        cv="'cv/' || md5(i::text) || '.pdf'",
        submitted_at="now() - (i %% 700 || ' days')::interval",
        stage=stage,
        consent_given_at="now() - (i %% 700 || ' days')::interval",
        delete_after="now() - (i %% 700 || ' days')::interval + interval '730 days'",
        deletion_reason="'consent_expired'",
        first=first,
    )


def add_tags_flags_and_scores(opening, *, user, tag, after_id: int) -> None:
    """On the big opening's applications above `after_id`: a seventh flagged, every
    nineteenth scored 1 to 4 by a colleague, and the last 100 made scored by `user`; and
    the tag on the last TAGGED_PER_STAGE made of each stage of the whole opening (those
    100 among them), moved there anew."""
    from django.db import connection

    colleague, _ = type(user).objects.get_or_create(username="colleague")
    new = "FROM ats_application WHERE opening_id = %s AND id > %s"
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ats_applicationtag WHERE tag_id = %s", [tag.pk])
        cursor.execute(
            "INSERT INTO ats_applicationtag (application_id, tag_id, tagged_by_id, tagged_at,"
            " opening_id, stage, submitted_at)"
            " SELECT id, %s, NULL, now(), opening_id, stage, submitted_at FROM ("
            "  SELECT *, row_number() OVER (PARTITION BY stage ORDER BY id DESC)"
            "  FROM ats_application WHERE opening_id = %s) AS newest WHERE row_number <= %s",
            [tag.pk, opening.pk, TAGGED_PER_STAGE],
        )
        cursor.execute(
            "INSERT INTO ats_screeninganswer"
            " (application_id, question_id, question_text, answer, misses_requirement)"
            f" SELECT id, NULL, 'Körkort?', 'no', true {new} AND id %% 7 = 0",
            [opening.pk, after_id],
        )
        score = (
            "INSERT INTO ats_score (application_id, criterion_id, criterion_name, stage, value,"
            " comment, scored_by_id, scored_at)"
            " SELECT id, NULL, 'Erfarenhet', stage, 1 + id %% 4, '', %s, now() "
        )
        cursor.execute(f"{score} {new} AND id %% 19 = 0", [colleague.pk, opening.pk, after_id])
        cursor.execute(f"{score} {new} ORDER BY id DESC LIMIT 100", [user.pk, opening.pk, after_id])
        cursor.execute("ANALYZE ats_applicationtag")
        cursor.execute("ANALYZE ats_screeninganswer")
        cursor.execute("ANALYZE ats_score")


def add_own_stage(opening, *, after_id: int) -> None:
    """A second interview stage of the big opening's own ("Caseintervju"), at which every
    other interviewing applicant above `after_id` is: the board's seventh column."""
    from django.db import connection

    from ats.models import PipelineStage
    from ats.services.pipeline_stages import add_stage, copy_pipeline

    case = PipelineStage.objects.filter(opening=opening, name="Caseintervju").first()
    if case is None:  # the openings were made by SQL: the pipeline a new ad gets first
        copy_pipeline(to=opening, source=None)
        case = add_stage(owner=opening, kind="interview", name="Caseintervju")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ats_application SET pipeline_stage_id = %s WHERE opening_id = %s"
            " AND id > %s AND stage = 'interview' AND id %% 2 = 0",
            [case.pk, opening.pk, after_id],
        )


def add_replies(opening, *, after_id: int) -> None:
    """On every thousandth of the big opening's applications above `after_id`: the
    team's message and the candidate's reply, unread."""
    from django.db import connection

    with connection.cursor() as cursor:
        for sender in ("team", "candidate"):
            cursor.execute(
                "INSERT INTO ats_message (application_id, sender, written_by_id, text, sent_at,"
                " read_at) SELECT id, %s, NULL, 'Hej!', now(), NULL FROM ats_application"
                " WHERE opening_id = %s AND id > %s AND id %% 1000 = 0",
                [sender, opening.pk, after_id],
            )
        cursor.execute("ANALYZE ats_message")


def todo_user(opening):
    """A recruiter of the big opening (and the pool), with its requirement profile to score."""
    from ats.models import Criterion, HiringTeamMember

    user = staff_user("planner", ("view_spontaneous_applications",))
    HiringTeamMember.objects.create(opening=opening, user=user, role="recruiter")
    Criterion.objects.create(opening=opening, name="Erfarenhet")
    return user


def book_interviews(opening, user) -> None:
    """Five interviews this week, `user` holding each."""
    from django.utils import timezone

    from ats.models import Interview

    for application in opening.applications.filter(stage="interview")[:5]:
        interview = Interview.objects.create(
            application=application,
            place="Kontoret",
            status=Interview.Status.BOOKED,
            starts_at=timezone.now() + timezone.timedelta(minutes=30),
        )
        interview.interviewers.add(user)


def last_visit_a_week_of_applications_ago(user) -> None:
    """The applications to openings are 61 days old and older: a week of them new."""
    from django.utils import timezone

    from ats.models import StaffTodo

    now = timezone.now()
    StaffTodo.objects.update_or_create(
        user=user,
        defaults={"last_seen_at": now, "visit_since": now - timezone.timedelta(days=68)},
    )


def last_application_id() -> int:
    from django.db.models import Max

    from ats.models import Application

    return Application.objects.aggregate(last=Max("pk"))["last"] or 0


def settle_after_filling() -> None:
    """What autovacuum does to a table that grew over two years, done now rather than
    during the measurements (the first run at a million read 1.6x for the report, with
    autovacuum working through the new rows beside it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) ats_application")


def staff_user(
    username: str = "bench",
    permissions: tuple[str, ...] = (
        "view_all_applications",
        "view_spontaneous_applications",
        "view_retention",
        "handle_privacy_requests",
    ),
):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    user.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    if not Authenticator.objects.filter(user=user).exists():  # staff need a second factor
        TOTP.activate(user, generate_totp_secret())
    return user


def requests(*, client, planner, anonymous, opening, rows_per_opening: int) -> dict:
    """Each measured request: a callable that makes it and says it went well."""
    from django.core.management import call_command
    from django.utils import timezone

    from ats.models import PipelineStage, Tag

    today = timezone.localdate().isoformat()
    last = max(1, math.ceil(rows_per_opening / PER_PAGE))
    known = "Sokande17@Example.se"  # an applicant's address, in another case

    def my_data():
        return anonymous.post("/my-data/", {"email": known}).status_code == 200

    def privacy_find():
        # Finding redirects to the page of the set found: both are measured.
        page = client.post("/recruit/privacy/", {"email": known, "received_on": today}, follow=True)
        return page.status_code == 200 and bool(page.redirect_chain)

    def report():
        call_command("ats_retention_report", stdout=io.StringIO())
        return True

    url = f"/recruit/openings/{opening.pk}/"
    board = f"{url}board/"
    spring = (timezone.localdate() - timezone.timedelta(days=300)).isoformat()
    tag = Tag.objects.get().pk
    case = PipelineStage.objects.get(opening=opening, name="Caseintervju").pk

    def page(address):
        return lambda: client.get(address).status_code == 200

    return {
        "POST /my-data/ (anonymous)": my_data,
        "POST /recruit/privacy/ find by email": privacy_find,
        "ats_retention_report": report,
        "GET /recruit/retention/": lambda: client.get("/recruit/retention/").status_code == 200,
        "GET /recruit/spontaneous/": lambda: client.get("/recruit/spontaneous/").status_code == 200,
        "GET /jobs/": lambda: anonymous.get("/jobs/").status_code == 200,
        "GET /recruit/": lambda: client.get("/recruit/").status_code == 200,
        "GET /recruit/, a recruiter's full to-do": lambda: (
            planner.get("/recruit/").status_code == 200
        ),
        "GET an opening, first page": lambda: client.get(url).status_code == 200,
        "GET an opening, last page": lambda: client.get(f"{url}?page={last}").status_code == 200,
        "GET an opening, by source, from a date, flagged, by name": page(
            f"{url}?source=linkedin&applied_from={spring}&flagged=on&sort=name"
        ),
        "GET an opening, a stage, by name, page 3": page(f"{url}?stage=new&sort=name&page=3"),
        "GET an opening, by score": page(f"{url}?sort=score"),
        "GET an opening, a tag, mean at least 2": page(f"{url}?tag={tag}&min_score=2"),
        "GET the board": page(board),
        "GET the list, a stage of the opening's own": page(f"{url}?pipeline_stage={case}"),
        "GET the board, by source, by name": page(f"{board}?source=indeed&sort=name"),
        "GET the board, a tag, by score": page(f"{board}?tag={tag}&sort=score"),
        "GET an opening's counts": page(f"{url}counts/"),
    }


def database_time(statements: list[str]) -> float:
    """What the database spends on a request's reads, by its own clock (the sum of
    EXPLAIN ANALYZE's execution times, median of 5): less moved by other processes
    sharing the machine than the time through Django."""
    from django.db import connection

    sums = []
    for _ in range(REPEATS):
        total = 0.0
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(f"EXPLAIN (ANALYZE) {sql}")
                total += float(cursor.fetchall()[-1][0].split(":")[1].split()[0])
        sums.append(total)
    return sorted(sums)[len(sums) // 2]


def measure(make, *, in_database: bool = False) -> tuple:
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # the rate limits of /my-data/ count in the cache
    assert make(), "the request failed"  # warm up
    cache.clear()
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        make()
    count = len(queries)  # now: the requests below clear the connection's query log
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith("SELECT")]
    samples = []
    for _ in range(REPEATS):
        cache.clear()
        with common.stopwatch() as elapsed:
            make()
        samples.append(elapsed["seconds"])
    if in_database:
        return count, common.median_ms(samples), database_time(reads)
    return count, common.median_ms(samples)


def growth_table(results: dict, small: int, large: int, *, in_database: bool) -> str:
    """Each request's queries, median and growth from `small` to `large`, and with
    `in_database` the database's own time and its growth, as a Markdown table."""
    rows = []
    for name, sizes in results.items():
        (q_small, ms_small, *db_small), (q_large, ms_large, *db_large) = sizes[small], sizes[large]
        database = (
            [
                f"{db_small[0]:.1f} ms",
                f"{db_large[0]:.1f} ms",
                f"x{db_large[0] / max(db_small[0], 0.001):.2f}",
            ]
            if in_database
            else []
        )
        rows.append(
            [
                name,
                q_small,
                q_large,
                f"{ms_small:.1f} ms",
                f"{ms_large:.1f} ms",
                f"x{ms_large / ms_small:.2f}",
                *database,
            ]
        )
    return common.table(
        [
            "request",
            f"queries at {small:,}",
            f"queries at {large:,}",
            f"median at {small:,}",
            f"median at {large:,}",
            "growth (target 1.5x)",
            *(
                [f"database at {small:,}", f"database at {large:,}", "database growth"]
                if in_database
                else []
            ),
        ],
        rows,
    )


def main() -> None:
    args = arguments()
    small, large = (1_000, 10_000) if args.quick else args.rows
    common.create_database()
    common.setup_django(test_client=True)
    from django.test import Client

    openings = create_openings()
    user = staff_user()
    planner = todo_user(openings[0])
    client, planner_client, anonymous = Client(), Client(), Client()
    client.force_login(user)
    planner_client.force_login(planner)
    results = {}
    from ats.models import Tag

    tag = Tag.objects.create(name="Ring tillbaka")
    for size, start in ((small, 1), (large, small + 1)):
        with common.stopwatch() as filled:
            before = last_application_id()
            add_applications(openings, start=start, count=size - start + 1)
            common.count_arrivals("SELECT * FROM ats_application WHERE id > %s", before)
            add_tags_flags_and_scores(openings[0], user=user, tag=tag, after_id=before)
            add_replies(openings[0], after_id=before)
            add_own_stage(openings[0], after_id=before)
            if start == 1:
                book_interviews(openings[0], planner)
        settle_after_filling()
        last_visit_a_week_of_applications_ago(planner)
        print(f"{size:,} applications ({filled['seconds']:.0f} s to fill)", flush=True)
        measured = requests(
            client=client,
            planner=planner_client,
            anonymous=anonymous,
            opening=openings[0],
            rows_per_opening=size // 5,
        )
        for name, make in measured.items():
            results.setdefault(name, {})[size] = measure(make, in_database=args.database_time)
            print(f"  {name}: {results[name][size]}", flush=True)
    print(growth_table(results, small, large, in_database=args.database_time))
    common.save("scale", {"machine": common.machine(), "sizes": [small, large], "results": results})


if __name__ == "__main__":
    main()
