"""Reads used by pages, one module per page family, each read a bounded number of
queries (asserted in the tests). Views call them as selectors.<family>.<read>."""

from . import access, applicants, candidates, interviews, merits, public, retention

__all__ = ["access", "applicants", "candidates", "interviews", "merits", "public", "retention"]
