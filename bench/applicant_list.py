"""The recruiter's applicant list for one opening with 100, 10,000 and 100,000
applications on PostgreSQL: queries per page, and median latency of page 1 and of
the last page, through the whole Django stack (middleware, view, template).

    .venv/bin/python bench/applicant_list.py [--quick]
"""

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

SIZES = [100, 10_000, 100_000]
QUICK_SIZES = [100, 1_000]
REPEATS = 25
PER_PAGE = 50


def prepare(n: int):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from ats.models import Opening

    common.reset_tables()
    opening = Opening.objects.create(title="Lagerchef", slug="lagerchef", status="published")
    common.insert_applications(
        n,
        opening=str(opening.pk),
        cv="'cv/' || md5(i::text) || '.pdf'",
        submitted_at="now() - (i || ' minutes')::interval",
        # %% as the statement has parameters
        stage="(ARRAY['new','reviewing','interview','offer','hired','rejected'])[1 + i %% 6]",
        consent_given_at="NULL",
        delete_after="NULL",
        deletion_reason="''",
    )
    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": True})
    user.user_permissions.add(Permission.objects.get(codename="view_all_applications"))
    if not Authenticator.objects.filter(user=user).exists():  # staff need a second factor
        TOTP.activate(user, generate_totp_secret())
    return opening, user


def measure(client, url: str) -> tuple[int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200  # warm up: templates, permissions cache
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)  # now: later requests clear the connection's query log
    samples = []
    for _ in range(REPEATS):
        with common.stopwatch() as elapsed:
            client.get(url)
        samples.append(elapsed["seconds"])
    return count, common.median_ms(samples)


def main() -> None:
    args = common.arguments(__doc__.splitlines()[0])
    sizes = QUICK_SIZES if args.quick else SIZES
    common.create_database()
    common.setup_django(test_client=True)
    from django.test import Client

    rows, results = [], {}
    for n in sizes:
        opening, user = prepare(n)
        client = Client()
        client.force_login(user)
        url = f"/recruit/openings/{opening.pk}/"
        last = math.ceil(n / PER_PAGE)
        first_queries, first_ms = measure(client, url)
        last_queries, last_ms = measure(client, f"{url}?page={last}")
        results[n] = {"first": [first_queries, first_ms], "last": [last_queries, last_ms]}
        rows.append(
            [f"{n:,}", first_queries, last_queries, f"{first_ms:.1f} ms", f"{last_ms:.1f} ms"]
        )
        print(rows[-1], flush=True)
    baseline = results[sizes[0]]["first"][1]
    largest = results[sizes[-1]]["last"][1]
    print(
        common.table(
            [
                "applications",
                "queries, page 1",
                "queries, last page",
                "median, page 1",
                "median, last page",
            ],
            rows,
        )
    )
    print(
        f"last page at {sizes[-1]:,} / page 1 at {sizes[0]:,}: "
        f"{largest / baseline:.2f}x (target 2x)"
    )
    common.save(
        "applicant_list", {"machine": common.machine(), "quick": args.quick, "results": results}
    )


if __name__ == "__main__":
    main()
