"""Admin for support staff, one module per aggregate of ats/models/; importing them
registers their classes. Retention fields are never edited by hand: dates come from the
policy (retention.py) through the services, and deletion through the purge."""

from . import (  # noqa: F401 (imported for their registrations)
    applications,
    careers,
    counts,
    integrations,
    leases,
    messages,
    openings,
    privacy,
    todo,
)
