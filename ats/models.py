import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .storage import get_cv_storage


class OpeningQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Opening.Status.PUBLISHED)


class Opening(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    hiring_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="ats_openings",
        verbose_name=_("hiring team"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    decided_at = models.DateTimeField(_("hiring decision"), null=True, blank=True, editable=False)

    objects = OpeningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "title"]
        verbose_name = _("opening")
        verbose_name_plural = _("openings")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ats:opening-detail", kwargs={"slug": self.slug})


class PrivacyNoticeQuerySet(models.QuerySet):
    def current(self, *, now: datetime | None = None) -> "PrivacyNotice | None":
        now = now or timezone.now()
        return self.filter(published_at__lte=now).order_by("-version").first()


class PrivacyNotice(models.Model):
    """A version of the privacy notice; immutable once published, since consents cite it."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    objects = PrivacyNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self) -> str:
        return _("Privacy notice, version %(version)s") % {"version": self.version}


class DeletionReason(models.TextChoices):
    CONSENT_ABSENT = "consent_absent", _("Spontaneous, no consent to keep it")
    CONSENT_EXPIRED = "consent_expired", _("Consent period ended")
    RETENTION_EXPIRED = "retention_expired", _("Retention after the hiring decision ended")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    ERASURE_REQUESTED = "erasure_requested", _("Erasure requested")


def on_hold(now: datetime) -> models.Q:
    return ~models.Q(hold_reason="") & (
        models.Q(hold_until__isnull=True) | models.Q(hold_until__gt=now)
    )


class ApplicationQuerySet(models.QuerySet):
    def live(self, *, now: datetime | None = None):
        """Applications whose time has not passed: the only ones any page may show.

        Rows being purged (marked) are hidden too, whatever their date.
        """
        now = now or timezone.now()
        return self.exclude(delete_after__lte=now).filter(purge_run__isnull=True)

    def due(self, *, now: datetime):
        """Past their date and not under a legal hold: the purge deletes these."""
        return self.filter(delete_after__lte=now).exclude(on_hold(now))

    def held(self, *, now: datetime):
        return self.filter(on_hold(now))


class Application(models.Model):
    class Stage(models.TextChoices):
        NEW = "new", _("New")
        REVIEWING = "reviewing", _("Reviewing")
        INTERVIEW = "interview", _("Interview")
        OFFER = "offer", _("Offer")
        HIRED = "hired", _("Hired")
        REJECTED = "rejected", _("Rejected")

    # The only identifier that leaves the system (links, tombstones, exports).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opening = models.ForeignKey(
        Opening,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("opening"),
        help_text=_("Empty for a spontaneous application."),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    cover_letter = models.TextField(_("cover letter"), max_length=10_000, blank=True)
    cv = models.FileField(_("CV"), storage=get_cv_storage, max_length=200)
    cv_filename = models.CharField(
        _("CV file name"), max_length=120, help_text=_("As the candidate named it; display only.")
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.NEW)
    privacy_notice = models.ForeignKey(
        PrivacyNotice,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("privacy notice"),
        help_text=_("The notice shown when applying; a consent was given on its terms."),
    )
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    decided_at = models.DateTimeField(_("hiring decision"), null=True, blank=True)
    delete_after = models.DateTimeField(
        _("delete after"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Empty while the opening waits for its hiring decision."),
    )
    # Set with delete_after, by the same service: the rule that will have deleted it.
    deletion_reason = models.CharField(
        _("deletion reason"), max_length=20, choices=DeletionReason.choices, blank=True
    )
    hold_reason = models.CharField(
        _("legal hold"),
        max_length=200,
        blank=True,
        help_text=_("While set, and until its end date, the application is not deleted."),
    )
    hold_until = models.DateTimeField(_("legal hold ends"), null=True, blank=True)
    hold_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("legal hold set by"),
    )
    hold_set_at = models.DateTimeField(_("legal hold set"), null=True, blank=True)
    # The purge run that has claimed this row (see services/purge.py); hidden from then on.
    purge_run = models.UUIDField(null=True, blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        permissions = [("set_legal_hold", _("Can place and lift legal holds"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(delete_after__isnull=True) | ~models.Q(deletion_reason=""),
                name="ats_application_deadline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def is_spontaneous(self) -> bool:
        return self.opening_id is None


class DeletionRecord(models.Model):
    """The tombstone of a deleted application. It holds no personal data, by design."""

    Reason = DeletionReason

    class Kind(models.TextChoices):
        OPENING = "opening", _("For an opening")
        SPONTANEOUS = "spontaneous", _("Spontaneous")

    public_id = models.UUIDField(unique=True, editable=False)
    opening = models.ForeignKey(
        Opening,
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

    class Meta:
        ordering = ["-deleted_at"]
        verbose_name = _("deletion record")
        verbose_name_plural = _("deletion records")

    def __str__(self) -> str:
        return f"{self.public_id} ({self.reason})"
