"""Messages between the hiring team and a candidate, held with the application: written
on the application's page or the candidate's own page, read there (the email that
tells of one carries a link, never the message), deleted with the application and in
the candidate's export."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import done_by, held_with_application

MESSAGE_MAX_LENGTH = 5000


class Message(models.Model):
    class Sender(models.TextChoices):
        TEAM = "team", _("The hiring team")
        CANDIDATE = "candidate", _("The candidate")

    application = held_with_application("messages")
    sender = models.CharField(_("from"), max_length=10, choices=Sender.choices)
    written_by = done_by(_("written by"))  # the team member; null for the candidate
    text = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    # By the other side: the candidate on their page; the team on the application's page.
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [  # replies waiting for the team: few at any time, found without a scan
            models.Index(
                fields=["application"],
                condition=models.Q(sender="candidate", read_at__isnull=True),
                name="ats_message_unread_reply",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_sender_display()} {self.sent_at:%Y-%m-%d %H:%M}"
