"""The project's settings, plus a bare upload view to compare the real endpoint with,
and no rate limit on applying (the load comes from one address)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ATS_APPLY_RATE_LIMIT = None
