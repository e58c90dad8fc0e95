"""The hiring decision on an opening with 10,000 applications (and, for contrast,
with 100) on PostgreSQL: statements issued and time.

    .venv/bin/python bench/decision.py [--quick]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common
from bench.applicant_list import prepare

SIZES = [100, 10_000, 100_000]
QUICK_SIZES = [100, 500]


def main() -> None:
    args = common.arguments(__doc__.splitlines()[0])
    sizes = QUICK_SIZES if args.quick else SIZES
    common.create_database()
    common.setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ats.models import Application
    from ats.services.decisions import record_hiring_decision

    rows, results = [], {}
    for n in sizes:
        opening, user = prepare(n)
        hired = list(
            Application.objects.filter(opening=opening, stage="offer").values_list(
                "public_id", flat=True
            )[:3]
        )
        with CaptureQueriesContext(connection) as queries, common.stopwatch() as elapsed:
            decision = record_hiring_decision(opening=opening, hired=hired, decided_by=user)
        statements = len(queries)
        assert decision.applications == n
        assert (
            Application.objects.filter(opening=opening, delete_after=decision.delete_after).count()
            == n
        )
        results[n] = {"statements": statements, "seconds": elapsed["seconds"]}
        rows.append([f"{n:,}", statements, f"{elapsed['seconds'] * 1000:.0f} ms"])
        print(rows[-1], flush=True)
    print(common.table(["applications", "statements", "time"], rows))
    constant = len({results[n]["statements"] for n in sizes}) == 1
    print(f"statements constant in N: {'yes' if constant else 'NO'}")
    common.save("decision", {"machine": common.machine(), "quick": args.quick, "results": results})


if __name__ == "__main__":
    main()
