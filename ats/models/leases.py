"""Leases: work that one worker at a time does."""

from django.db import models


class Lease(models.Model):
    """Work that one worker at a time does (the email drain): who holds it, until when.
    A holder that dies lets it run out; a living one renews it (services/leases.py)."""

    name = models.CharField(max_length=40, unique=True)
    holder = models.UUIDField(null=True, editable=False)
    until = models.DateTimeField(null=True, editable=False)

    def __str__(self) -> str:
        return self.name
