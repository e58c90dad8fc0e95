"""The rate limits hold across web workers: every process counts in one place."""

import os
import subprocess
import sys

from ats import checks
from tests.test_checks import ROOT, ids

COUNT_ATTEMPTS = """
import django
django.setup()
from ats.ratelimit import allow
print(sum(allow(scope="apply-ip", value="198.51.100.7", limit=5, window_seconds=3600)
          for _ in range(5)))
"""


def test_two_workers_without_redis_share_one_limit(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    environment.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "createcachetable"], env=environment, check=True, cwd=ROOT)

    allowed = [
        int(
            subprocess.run(
                [sys.executable, "-c", COUNT_ATTEMPTS],
                env=environment,
                check=True,
                cwd=ROOT,
                capture_output=True,
                text=True,
            ).stdout
        )
        for _worker in range(2)
    ]

    assert allowed == [5, 0]


def test_a_per_process_cache_is_a_deployment_warning(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    assert ids(checks.check_rate_limits_are_shared()) == ["ats.W004"]


def test_a_shared_cache_passes(settings):
    assert checks.check_rate_limits_are_shared() == []
