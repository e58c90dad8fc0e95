"""Work one worker at a time does, across processes and machines: a row in the database
(Lease) says who holds it until when. Taking it is one UPDATE that only matches a lease
run out; a killed holder's lease runs out by itself after LEASE."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from django.db.models import Q
from django.utils import timezone

from ..models import Lease

LEASE = timedelta(minutes=2)


class Held:
    """A lease this process holds: renewed as it goes, given back at the end."""

    def __init__(self, name: str, holder: UUID, until: datetime):
        self.name, self.holder, self.until = name, holder, until

    def renew(self) -> bool:
        """Keep it for another LEASE, once half of it has gone; False if it was lost
        (this process stalled past its end, and another took it)."""
        now = timezone.now()
        if now < self.until - LEASE / 2:
            return True
        self.until = now + LEASE
        return bool(
            Lease.objects.filter(name=self.name, holder=self.holder).update(until=self.until)
        )


@contextmanager
def lease(name: str) -> Iterator[Held | None]:
    """Hold the lease `name` for the block, or None when another holds it."""
    Lease.objects.bulk_create([Lease(name=name)], ignore_conflicts=True)  # the first time
    now, holder = timezone.now(), uuid4()
    taken = Lease.objects.filter(Q(until__isnull=True) | Q(until__lt=now), name=name).update(
        holder=holder, until=now + LEASE
    )
    if not taken:
        yield None
        return
    try:
        yield Held(name, holder, now + LEASE)
    finally:
        Lease.objects.filter(name=name, holder=holder).update(holder=None, until=None)
