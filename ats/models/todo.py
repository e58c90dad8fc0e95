"""What the recruiter home's to-do remembers of each staff user: their visits of
/recruit/ (so that it can say who applied since the last one) and whether they want the
daily digest. Staff data, nothing of a candidate."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffTodo(models.Model):
    """One row per staff user who has opened /recruit/ (services/todo.py).

    A visit is a run of views of the page with less than VISIT_GAP between them, so that
    the reload after opening an application, or the redirect after a form, still shows
    what was new when the visit began: `visit_since` is the last view of the visit
    before this one, and moves only when a new visit begins."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="ats_todo",
        verbose_name=_("user"),
    )
    last_seen_at = models.DateTimeField(_("last view of the home page"))
    visit_since = models.DateTimeField(_("new since"), null=True, blank=True)
    daily_digest = models.BooleanField(_("daily digest by email"), default=False)
    digest_sent_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("to-do of a staff user")
        verbose_name_plural = _("to-dos of staff users")

    def __str__(self) -> str:
        return str(self.user)
