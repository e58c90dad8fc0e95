"""The privacy record: the notice candidates applied under, the tombstones and
statistics that outlive a deleted application, the purge's claims, the erasure ledger's
head, the access log and the privacy requests handled by staff."""

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..validators import validate_one_line
from .enums import DeletionReason
from .fields import done_by


class PrivacyNoticeQuerySet(models.QuerySet):
    def in_force(self, *, now: datetime | None = None):
        """The notices published by `now`, the one in force (the newest) first."""
        return self.filter(published_at__lte=now or timezone.now()).order_by("-version")

    def current(self, *, now: datetime | None = None) -> "PrivacyNotice | None":
        return self.in_force(now=now).first()


class PrivacyNotice(models.Model):
    """A version of the privacy notice; immutable once published, since consents cite it."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text_sv = models.TextField(_("text in Swedish"))
    text_en = models.TextField(_("text in English"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    # What changed since the version before, as emailed to every candidate whose
    # application is kept (services/notice_changes.announce_notice_changes).
    change_summary_sv = models.TextField(_("what changed, in Swedish"), blank=True)
    change_summary_en = models.TextField(_("what changed, in English"), blank=True)
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True, editable=False)

    objects = PrivacyNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self) -> str:
        return _("Privacy notice, version %(version)s") % {"version": self.version}

    @property
    def text(self) -> str:
        """The text in the language of the page: Swedish for Swedish, English otherwise."""
        return self.text_sv if get_language() == "sv" else self.text_en


class DeletionRecord(models.Model):
    """The tombstone of a deleted application. It holds no personal data, by design."""

    Reason = DeletionReason

    class Kind(models.TextChoices):
        OPENING = "opening", _("For an opening")
        SPONTANEOUS = "spontaneous", _("Spontaneous")

    public_id = models.UUIDField(unique=True, editable=False)
    opening = models.ForeignKey(
        "ats.Opening",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("opening"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=DeletionReason.choices)
    due_at = models.DateTimeField(_("due"))
    deleted_at = models.DateTimeField(_("deleted"), default=timezone.now, db_index=True)
    files_deleted = models.PositiveSmallIntegerField(_("files deleted"), default=0)
    ledger_object = models.PositiveBigIntegerField(
        _("ledger object"),
        null=True,
        blank=True,
        help_text=_("The erasure ledger object that records this deletion."),
    )

    class Meta:
        ordering = ["-deleted_at"]
        verbose_name = _("deletion record")
        verbose_name_plural = _("deletion records")

    def __str__(self) -> str:
        return f"{self.public_id} ({self.reason})"


class PurgeClaim(models.Model):
    """An application a purge has taken out of the table to delete its CV: what its
    tombstone, ledger entry, statistic and receipt need, until the purge has written
    them (services/purge.py).

    Claiming moves the row here and deletes it, with its notes and history, in one
    transaction: nothing can show or change it from then on, and the claim writes a
    narrow row where marking the wide one rewrote it with its eleven indexes (most of
    a purge's time and of its write-ahead log, which every applying candidate's commit
    waits behind). The address is kept only where the candidate asked for a receipt.
    A claim outlives its run only when the run was killed or the CV could not be
    deleted: the next run takes it again.
    """

    application_id = models.BigIntegerField(primary_key=True, editable=False)
    batch = models.UUIDField(db_index=True, editable=False)
    public_id = models.UUIDField(editable=False)
    opening = models.ForeignKey(
        "ats.Opening", null=True, on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    reason = models.CharField(max_length=20, choices=DeletionReason.choices, editable=False)
    due_at = models.DateTimeField(editable=False)
    cv = models.CharField(max_length=200, blank=True, editable=False)  # the storage key
    stage = models.CharField(max_length=12, editable=False)
    source = models.CharField(max_length=20, blank=True, editable=False)
    submitted_at = models.DateTimeField(editable=False)
    decided = models.BooleanField(default=False, editable=False)  # its outcome is counted
    email = models.EmailField(max_length=254, blank=True, editable=False)  # receipts only
    language = models.CharField(max_length=8, blank=True, editable=False)  # receipts only
    claimed_at = models.DateTimeField(editable=False)
    event_sequence = models.PositiveIntegerField(null=True, editable=False)  # the last event's

    class Meta:
        verbose_name = _("application being deleted")
        verbose_name_plural = _("applications being deleted")

    def __str__(self) -> str:
        return str(self.public_id)


class LedgerHead(models.Model):
    """Where the erasure ledger (in the CV storage, see services/ledger.py) ended when
    last written: a hint the ledger corrects after a restore, and the row whose lock
    keeps appends in order."""

    sequence = models.PositiveBigIntegerField(default=0, verbose_name=_("sequence"))
    sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("SHA-256"))
    # Every ledger object up to this one is settled: known committed or void.
    settled = models.PositiveBigIntegerField(default=0, verbose_name=_("settled"))

    def __str__(self) -> str:
        return f"ledger object {self.sequence}"


class AccessEvent(models.Model):
    """Who did what to which application, and when. No names, emails or free text.

    It names the application by public_id, not by a foreign key: the log outlives the
    application until its own retention (ATS_ACCESS_LOG_RETENTION) ends.
    """

    class Actor(models.TextChoices):
        STAFF = "staff", _("Staff")
        CANDIDATE = "candidate", _("Candidate")

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        DOWNLOAD_CV = "download_cv", _("Downloaded the CV")
        VIEW_CV = "view_cv", _("Read the CV inside the page")
        EXPORT = "export", _("Exported")
        EXPORT_LIST = "export_list", _("Exported in a list")
        STAGE_CHANGE = "stage_change", _("Changed the stage")
        NOTE = "note", _("Wrote a note")
        DECISION = "decision", _("Recorded the hiring decision")
        HOLD = "hold", _("Placed a legal hold")
        LIFT_HOLD = "lift_hold", _("Lifted a legal hold")
        ERASE = "erase", _("Erased")
        EDIT = "edit", _("Corrected")
        WITHDRAW = "withdraw", _("Withdrew consent")
        RENEW = "renew", _("Renewed consent")
        RESTRICT = "restrict", _("Restricted processing")
        UNRESTRICT = "unrestrict", _("Lifted the restriction")
        OBJECT = "object", _("Objected to processing")
        SCORE = "score", _("Scored")
        INTERVIEW = "interview", _("Proposed or changed an interview")
        BOOK_INTERVIEW = "book_interview", _("Chose an interview time")
        MERIT_REQUEST = "merit_request", _("Asked for the hired person's merits")
        MERIT_ANSWER = "merit_answer", _("Answered a merit request")
        TAG = "tag", _("Tagged or untagged")
        MESSAGE = "message", _("Wrote a message")

    actor = models.CharField(_("actor"), max_length=10, choices=Actor.choices, default=Actor.STAFF)
    user = done_by(_("user"), blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # Through the API: the name of the key the user's integration used, and who made
    # that key (a superuser may make one that acts for someone else).
    api_key = models.CharField(_("API key"), max_length=100, blank=True, db_default="")
    api_key_made_by = done_by(_("key made by"), blank=True)
    public_id = models.UUIDField(_("application"), db_index=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access event")
        verbose_name_plural = _("access events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.public_id}"


class PrivacyRequest(models.Model):
    """A data-subject request handled by staff, with its statutory deadline (art. 12(3):
    one month). It names the person only by a keyed hash of their email address."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access and copy")
        ERASURE = "erasure", _("Erasure")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    email_hash = models.CharField(max_length=64, db_index=True, editable=False)
    received_on = models.DateField(_("received"))
    deadline = models.DateField(_("answer by"))
    handled_at = models.DateTimeField(_("handled"), default=timezone.now)
    handled_by = done_by(_("handled by"))
    applications = models.PositiveIntegerField(_("applications"), default=0)
    # The employer's own reference, to tell two requests apart; never the person's data.
    case_reference = models.CharField(
        _("case reference"),
        max_length=60,
        blank=True,
        db_default="",
        validators=[validate_one_line],
        help_text=_(
            "Your own reference for the request, e.g. ärende 2026-041. Not the person's "
            "name or address: the log keeps no personal data."
        ),
    )

    class Meta:
        ordering = ["-handled_at"]
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_on:%Y-%m-%d}"


class PrivacyRequestItem(models.Model):
    """One application a handled request covered, by public_id (as the access log and the
    tombstones name it): what links a request to its deletion certificates once the
    application is gone. It holds no personal data."""

    request = models.ForeignKey(
        PrivacyRequest, on_delete=models.CASCADE, related_name="items", verbose_name=_("request")
    )
    public_id = models.UUIDField(_("application"), db_index=True)

    class Meta:
        ordering = ["request", "pk"]
        verbose_name = _("application of a privacy request")
        verbose_name_plural = _("applications of privacy requests")

    def __str__(self) -> str:
        return str(self.public_id)
