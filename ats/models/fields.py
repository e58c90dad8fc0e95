"""The two foreign keys that many models share, each with the rule it carries."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def held_with_application(related_name: str, **options) -> models.ForeignKey:
    """The key of a row held with an application (DEPENDENTS in applications.py). On
    DO_NOTHING: delete_with_dependents deletes these rows itself, set-based, in the
    application's transaction; the database's foreign key still refuses to leave one
    behind."""
    return models.ForeignKey(
        "ats.Application",
        on_delete=models.DO_NOTHING,
        related_name=related_name,
        **{"verbose_name": _("application"), **options},
    )


def done_by(verbose_name: str, **options) -> models.ForeignKey:
    """The staff user who did something. The record outlives their account (the key
    becomes null), and a user has no way back to it (related_name "+")."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=verbose_name,
        **options,
    )
