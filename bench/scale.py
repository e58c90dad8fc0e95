"""Every page and report at two sizes in one run, on PostgreSQL: N applications over
200 openings (half of them decided), a tenth of them spontaneous with consent, filled
by SQL (generate_series; the migrations' triggers fire). Each request through the whole
Django stack, median of 5, with its queries and the growth from the smaller size.

    .venv/bin/python bench/scale.py [--rows 10000 1000000] [--quick]
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


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs=2, default=[10_000, 1_000_000])
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000, for CI")
    return parser.parse_args()


def create_openings():
    from django.utils import timezone

    from ats.models import Opening

    now = timezone.now()
    # Half decided two months ago; half open, taking applications.
    return common.fresh_openings(
        OPENINGS,
        "Tjänst",
        lambda n: {
            "location": "Borås",
            "status": Opening.Status.CLOSED if n % 2 else Opening.Status.PUBLISHED,
            "published_at": now,
            "decided_at": now - timezone.timedelta(days=60) if n % 2 else None,
        },
    )


def add_applications(openings, *, start: int, count: int) -> None:
    """`count` more applications numbered from `start`: 90% spread over the openings,
    10% spontaneous; dates spread over two years, so the weeks ahead all have some."""
    per_opening = count * 9 // 10 // len(openings)
    stage = "(ARRAY['new','reviewing','interview','offer','hired','rejected'])[1 + i %% 6]"
    for n, opening in enumerate(openings):
        first = start + n * per_opening
        decided = opening.decided_at is not None
        common.insert_applications(
            per_opening,
            opening=str(opening.pk),
            cv="'cv/' || md5(i::text) || '.pdf'",
            submitted_at="now() - (i %% 700 || ' days')::interval - interval '61 days'",
            stage=stage,
            consent_given_at="NULL",
            delete_after="now() + (i %% 700 || ' days')::interval" if decided else "NULL",
            deletion_reason="'retention_expired'" if decided else "''",
            first=first,
        )
    spontaneous = count - per_opening * len(openings)
    common.insert_applications(
        spontaneous,
        opening="NULL",
        cv="'cv/' || md5(i::text) || '.pdf'",
        submitted_at="now() - (i %% 700 || ' days')::interval",
        stage=stage,
        consent_given_at="now() - (i %% 700 || ' days')::interval",
        delete_after="now() - (i %% 700 || ' days')::interval + interval '730 days'",
        deletion_reason="'consent_expired'",
        first=start + per_opening * len(openings),
    )


def settle_after_filling() -> None:
    """What autovacuum does to a table that grew over two years, done now rather than
    during the measurements (the first run at a million read 1.6x for the report, with
    autovacuum working through the new rows beside it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) ats_application")


def staff_user():
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": True})
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_all_applications",
                "view_spontaneous_applications",
                "view_retention",
                "handle_privacy_requests",
            ]
        )
    )
    if not Authenticator.objects.filter(user=user).exists():  # staff need a second factor
        TOTP.activate(user, generate_totp_secret())
    return user


def requests(*, client, anonymous, opening, rows_per_opening: int) -> dict:
    """Each measured request: a callable that makes it and says it went well."""
    from django.core.management import call_command
    from django.utils import timezone

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
    return {
        "POST /my-data/ (anonymous)": my_data,
        "POST /recruit/privacy/ find by email": privacy_find,
        "ats_retention_report": report,
        "GET /recruit/retention/": lambda: client.get("/recruit/retention/").status_code == 200,
        "GET /recruit/spontaneous/": lambda: client.get("/recruit/spontaneous/").status_code == 200,
        "GET /jobs/": lambda: anonymous.get("/jobs/").status_code == 200,
        "GET /recruit/": lambda: client.get("/recruit/").status_code == 200,
        "GET an opening, first page": lambda: client.get(url).status_code == 200,
        "GET an opening, last page": lambda: client.get(f"{url}?page={last}").status_code == 200,
        "GET an opening's counts": lambda: client.get(f"{url}counts/").status_code == 200,
    }


def measure(make) -> tuple[int, float]:
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
    samples = []
    for _ in range(REPEATS):
        cache.clear()
        with common.stopwatch() as elapsed:
            make()
        samples.append(elapsed["seconds"])
    return count, common.median_ms(samples)


def main() -> None:
    args = arguments()
    small, large = (1_000, 10_000) if args.quick else args.rows
    common.create_database()
    common.os.environ["ALLOWED_HOSTS"] = "testserver"
    common.setup_django()
    from django.test import Client

    openings = create_openings()
    user = staff_user()
    client, anonymous = Client(), Client()
    client.force_login(user)
    results = {}
    for size, start in ((small, 1), (large, small + 1)):
        with common.stopwatch() as filled:
            add_applications(openings, start=start, count=size - start + 1)
        settle_after_filling()
        print(f"{size:,} applications ({filled['seconds']:.0f} s to fill)", flush=True)
        measured = requests(
            client=client,
            anonymous=anonymous,
            opening=openings[0],
            rows_per_opening=size * 9 // 10 // OPENINGS,
        )
        for name, make in measured.items():
            results.setdefault(name, {})[size] = measure(make)
            print(f"  {name}: {results[name][size]}", flush=True)
    rows = []
    for name in measured:
        (q_small, ms_small), (q_large, ms_large) = results[name][small], results[name][large]
        rows.append(
            [
                name,
                q_small,
                q_large,
                f"{ms_small:.1f} ms",
                f"{ms_large:.1f} ms",
                f"x{ms_large / ms_small:.2f}",
            ]
        )
    print(
        common.table(
            [
                "request",
                f"queries at {small:,}",
                f"queries at {large:,}",
                f"median at {small:,}",
                f"median at {large:,}",
                "growth (target 1.5x)",
            ],
            rows,
        )
    )
    common.save("scale", {"machine": common.machine(), "sizes": [small, large], "results": results})


if __name__ == "__main__":
    main()
