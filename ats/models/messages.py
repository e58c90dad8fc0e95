"""Email to candidates and staff: the employer's templates, the rejection reasons and
the outboxes the worker drains (services/outbox.py)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..validators import validate_one_line, validate_placeholders
from .enums import DeletionReason
from .fields import done_by, held_with_application


class OutboxEmail(models.Model):
    """An email in an outbox the worker drains (services/outbox.py). One the mail server
    refuses for good (5xx for its recipient) or that cannot be built is marked
    undeliverable, with why, and the drain goes on; it is shown in the admin (and, for a
    candidate's email, on the application's timeline)."""

    undeliverable_at = models.DateTimeField(
        _("could not be delivered"), null=True, blank=True, editable=False
    )
    # What the mail server said, or that it could not be built: never the address.
    # A database default: the purge and the decision write these rows set-based.
    failure = models.CharField(_("why"), max_length=200, blank=True, editable=False, db_default="")

    class Meta:
        abstract = True


class ErasureReceipt(OutboxEmail):
    """An email still to send: a candidate's erasure or withdrawal has been carried out.

    The outbox the purge writes in the transaction that deletes the application, and
    the worker drains (services/outbox.py). It holds the address the email goes to,
    for as long as the sending takes, and nothing else of the person: each row is
    deleted once its email has gone, after ERASURE_RECEIPT_MAX_AGE unsent, or a week
    after it was found undeliverable."""

    email = models.EmailField(max_length=254, editable=False)
    language = models.CharField(max_length=8, editable=False)
    reason = models.CharField(max_length=20, choices=DeletionReason.choices, editable=False)
    opening_title = models.CharField(max_length=200, blank=True, editable=False)
    deleted_at = models.DateTimeField(editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("erasure receipt to send")
        verbose_name_plural = _("erasure receipts to send")

    def __str__(self) -> str:
        return f"{self.reason} {self.deleted_at:%Y-%m-%d %H:%M}"


class NoticeChangeEmail(OutboxEmail):
    """An email still to send: a new version of the privacy notice, to one candidate
    whose application is kept. Written when the version comes into force, one per
    address; the worker sends it and deletes it (services/outbox.py)."""

    notice = models.ForeignKey(
        "ats.PrivacyNotice",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("privacy notice"),
    )
    email = models.EmailField(max_length=254, editable=False)
    language = models.CharField(max_length=8, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("privacy notice change to announce")
        verbose_name_plural = _("privacy notice changes to announce")

    def __str__(self) -> str:
        return str(self.notice)


class LinkRequest(OutboxEmail):
    """Someone asked /my-data/ for fresh links: the outbox the page writes, whether or
    not the address has applied, so that the answer does the same work either way and
    never waits for the mail server. The worker looks the address up, sends the links
    if there are applications, and deletes the row (services/outbox.py); one the mail
    server never takes is dropped after LINK_REQUEST_MAX_AGE (a day)."""

    email = models.EmailField(max_length=254, editable=False)
    requested_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("link request to answer")
        verbose_name_plural = _("link requests to answer")

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M}"


class StaffEmail(OutboxEmail):
    """An email to a team member (a mention, an interview, a merit request, a reminder, a
    paused webhook), rendered when it is queued: links and openings, never a candidate's
    data. The worker sends it and deletes it; an undeliverable one stays for the admin."""

    email = models.EmailField(max_length=254, editable=False)
    subject = models.CharField(max_length=300, editable=False)
    body = models.TextField(editable=False)
    # The interview's iCalendar object (RFC 5545), sent as an invitation (RFC 6047).
    calendar = models.TextField(blank=True, editable=False)
    queued_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("email to a team member")
        verbose_name_plural = _("emails to team members")

    def __str__(self) -> str:
        return self.subject


class EmailTemplate(models.Model):
    """An email to candidates, in Swedish and English, with a few placeholders:
    {first_name}, {opening}, {employer}, {deletion_date}, {link}, {reason} (the
    rejection reason, only where a template names it), and {interview} (its time and
    place) in the interview emails. Edited in the admin
    by users with ats.change_emailtemplate; the migrations ship the defaults."""

    class Key(models.TextChoices):
        RECEIVED = "received", _("Application received")
        RECEIVED_SPONTANEOUS = "received_spontaneous", _("Spontaneous application received")
        REJECTED = "rejected", _("Not going further")
        POSITION_FILLED = "position_filled", _("Position filled")
        INTERVIEW_INVITATION = "interview_invitation", _("Interview invitation")
        INTERVIEW_CHANGED = "interview_changed", _("Interview changed")
        INTERVIEW_BOOKED = "interview_booked", _("Interview booked")
        INTERVIEW_CANCELLED = "interview_cancelled", _("Interview cancelled")

    key = models.CharField(_("email"), max_length=24, choices=Key.choices, unique=True)
    subject_sv = models.CharField(
        _("subject in Swedish"),
        max_length=200,
        validators=[validate_one_line, validate_placeholders],
    )
    body_sv = models.TextField(_("text in Swedish"), validators=[validate_placeholders])
    subject_en = models.CharField(
        _("subject in English"),
        max_length=200,
        validators=[validate_one_line, validate_placeholders],
    )
    body_en = models.TextField(_("text in English"), validators=[validate_placeholders])

    class Meta:
        ordering = ["key"]
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")

    def __str__(self) -> str:
        return self.get_key_display()


class RejectionReason(models.Model):
    """Why an applicant goes no further, from the employer's own short list. For the
    recruiters and the statistics; a candidate sees it only where a template says so."""

    # The reason's name, kept on each application it was given to; shown where no
    # label is given in the reader's language.
    label = models.CharField(
        _("reason"), max_length=120, unique=True, validators=[validate_one_line]
    )
    label_sv = models.CharField(
        _("in Swedish"), max_length=120, blank=True, validators=[validate_one_line]
    )
    label_en = models.CharField(
        _("in English"), max_length=120, blank=True, validators=[validate_one_line]
    )

    class Meta:
        ordering = ["label"]
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")

    def __str__(self) -> str:
        return self.label_in(get_language())

    def label_in(self, language: str | None) -> str:
        return {"sv": self.label_sv, "en": self.label_en}.get(language or "", "") or self.label

    @classmethod
    def said_in(cls, label: str, language: str | None) -> str:
        """A reason as kept on an application, in `language` if the employer gave it one."""
        reason = label and cls.objects.filter(label=label).first()
        return reason.label_in(language) if reason else label


class CandidateEmail(OutboxEmail):
    """An email to a candidate from a template: waiting (a rejection waits a day, and
    can be cancelled until then), then sent, with what was sent kept for the timeline
    and the candidate's export. Deleted with the application (delete_with_dependents)."""

    # An email the recruiters wrote themselves (the answer to a merit request): sent as
    # written, from no template.
    WRITTEN = "written"
    # The request to renew a consent about to end: the app's own text, not the employer's.
    RENEWAL = "renewal"
    # That the hiring team wrote a message: a link to the candidate's page, not the message.
    MESSAGE = "message"

    application = held_with_application("emails")
    template = models.CharField(
        max_length=24,
        choices=[
            *EmailTemplate.Key.choices,
            (WRITTEN, _("Written by the recruiters")),
            (RENEWAL, _("Renew your consent")),
            (MESSAGE, _("A message from the hiring team")),
        ],
        verbose_name=_("email"),
    )
    # The interview an invitation, booking or change is about: its .ics goes with it.
    interview = models.ForeignKey(
        "ats.Interview",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name=_("interview"),
    )
    send_after = models.DateTimeField(verbose_name=_("to be sent"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent"))
    subject = models.CharField(
        max_length=200, blank=True, verbose_name=_("subject"), validators=[validate_one_line]
    )
    body = models.TextField(blank=True, verbose_name=_("text"))
    created_by = done_by(_("queued by"))

    class Meta:
        ordering = ["application", "send_after", "pk"]
        verbose_name = _("email to a candidate")
        verbose_name_plural = _("emails to candidates")
        indexes = [  # the waiting ones: few at any time, found without a scan
            models.Index(
                fields=["send_after"],
                condition=models.Q(sent_at__isnull=True, undeliverable_at__isnull=True),
                name="ats_candidate_email_waiting",
            )
        ]

    def __str__(self) -> str:
        return self.get_template_display()
