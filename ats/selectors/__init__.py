"""Reads used by pages, one module per page family, each read a bounded number of
queries (asserted in the tests). Views call them as selectors.<family>.<read>."""

from . import (
    access,
    ad_templates,
    applications,
    board,
    candidates,
    careers,
    decisions,
    interviews,
    lists,
    merits,
    people,
    pipeline,
    pipeline_stages,
    public,
    reports,
    retention,
    search,
    todo,
)

__all__ = [
    "access",
    "ad_templates",
    "applications",
    "board",
    "candidates",
    "careers",
    "decisions",
    "interviews",
    "lists",
    "merits",
    "people",
    "pipeline",
    "pipeline_stages",
    "public",
    "reports",
    "retention",
    "search",
    "todo",
]
