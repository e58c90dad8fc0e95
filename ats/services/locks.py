"""Writes to one application, and the purge that may be deleting it.

A purge claims due rows, deletes their files, then deletes the rows it claimed
(services/purge.py). Nothing may change a claimed row meanwhile: a renewal would leave
it claimed with its CV gone, a new CV would be left behind, a note would go unrecorded.
Every write to one application therefore locks its row first: a claim skips locked
rows, and a write refuses a row that is claimed or past its date.
"""

from django.utils.translation import gettext_lazy as _

from ..models import Application


class BeingDeleted(Exception):
    """The application is being deleted (or is due to be): it can no longer change."""

    def __init__(self):
        super().__init__(_("This application is being deleted, so it can no longer be changed."))


def lock_for_change(application: Application) -> Application:
    """The application's row, fresh and locked until the caller's transaction ends. Raises
    BeingDeleted for a row a purge has claimed, one past its date, or one gone."""
    locked = Application.objects.live().select_for_update().filter(pk=application.pk).first()
    if locked is None:
        raise BeingDeleted
    return locked
