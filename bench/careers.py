"""The careers page under load: gunicorn (2 workers) on 127.0.0.1, Redis as the cache,
loaded by wrk, a process of its own; the careers site branded as the demo's (logo,
cover, colours, sections, departments and places). Requests per second of /jobs/ as
kept in the cache (in Swedish and in English), against the same list rendered for every
request (a filter that selects everything is never kept), and of an ad page (its ad
kept, its form rendered for each visitor), in alternating slices.

    .venv/bin/python bench/careers.py [--quick]
"""

import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common

OPENINGS = 40
ROUNDS, SLICE = 3, 5
QUICK_ROUNDS, QUICK_SLICE = 1, 1
CONNECTIONS = 8
TARGET = 1_500  # requests per second of the kept /jobs/
AD_TEXT = """## Om tjänsten

Vi söker en **sjuksköterska** till vår avdelning. Du arbetar i ett team med
undersköterskor och läkare, dag och kväll, var tredje helg.

## Vem är du?

- legitimerad sjuksköterska
- talar och skriver svenska väl
- B-körkort är meriterande

Välkommen med din ansökan! Urval sker löpande.
"""


def create_openings() -> list:
    from datetime import timedelta

    from django.utils import timezone

    from ats.models import Opening

    today = timezone.localdate()
    return common.fresh_openings(
        OPENINGS,
        "Sjuksköterska",
        lambda n: {
            "location": ("Borås", "Umeå", "Lund", "Kiruna")[n % 4],
            "department": ("Akuten", "Ortopedi", "Barn")[n % 3],
            "status": Opening.Status.PUBLISHED,
            "published_at": timezone.now(),
            "application_deadline": today + timedelta(days=10 + n),
            "salary_min": 34_000,
            "salary_max": 42_000,
            "description": AD_TEXT,
        },
    )


def rate(port: int, path: str, language: str, seconds: float) -> float:
    """Requests per second answered 200, from wrk: one thread, CONNECTIONS connections."""
    output = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-H", f"Accept-Language: {language}",
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Non-2xx" not in output and "Socket errors" not in output, output
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def page(port: int, path: str, language: str) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": language}
    )
    with urllib.request.urlopen(request) as response:
        return response.read().decode()


def main() -> None:
    import redis

    args = common.arguments(__doc__.splitlines()[0])
    rounds, slice_seconds = (QUICK_ROUNDS, QUICK_SLICE) if args.quick else (ROUNDS, SLICE)
    common.create_database()
    common.setup_django()
    openings = create_openings()
    from ats.services.demo_brand import load_demo_brand

    load_demo_brand()
    redis.Redis.from_url(common.REDIS_URL).flushdb()  # no page kept by an earlier run
    ad = f"/jobs/{openings[0].slug}/"
    requests = {
        "/jobs/ kept, Swedish": ("/jobs/", "sv"),
        "/jobs/ kept, English": ("/jobs/", "en"),
        "/jobs/ rendered for each request": ("/jobs/?place=", "sv"),
        "an ad page (the ad kept, the form rendered)": (ad, "sv"),
    }
    with tempfile.TemporaryDirectory() as cv_dir:
        server, port = common.start_gunicorn(2, cv_dir)
        try:
            for path, language in requests.values():
                assert f">{openings[0].title}<" in page(port, path, language), path
            kept, rendered = page(port, "/jobs/", "sv"), page(port, "/jobs/?place=", "sv")
            assert all(f">{opening.title}<" in kept for opening in openings)
            listed = '<h3><a href="/jobs/'
            assert kept.count(listed) == rendered.count(listed) == OPENINGS
            assert "Jobba med oss på Exempel" in kept  # the brand's headline
            rates = {name: [] for name in requests}
            for _ in range(rounds):
                for name, (path, language) in requests.items():
                    rates[name].append(rate(port, path, language, slice_seconds))
        finally:
            common.stop(server)
    means = {name: sum(values) / rounds for name, values in rates.items()}
    rows = [
        [name, f"{means[name]:,.0f}/s", f"{min(rates[name]):,.0f} to {max(rates[name]):,.0f}"]
        for name in requests
    ]
    print(common.table(["request", f"mean of {rounds}", "lowest to highest"], rows))
    kept_rate = min(means["/jobs/ kept, Swedish"], means["/jobs/ kept, English"])
    print(f"kept /jobs/ at least {TARGET:,}/s: {'yes' if kept_rate >= TARGET else 'NO'}")
    common.save(
        "careers",
        {"machine": common.machine(), "quick": args.quick, "rates": rates, "means": means},
    )


if __name__ == "__main__":
    main()
