import secrets
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .bulk import foreign_keys_checked_at_once
from .storage import get_cv_storage
from .validators import validate_one_line


def new_link_key() -> str:
    return secrets.token_hex(16)


SWEDISH_TIME = ZoneInfo("Europe/Stockholm")  # where the employer's deadlines are set


def end_of_day(day: date) -> datetime:
    """The first moment after `day`, Swedish time: when a deadline on that day passes."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=SWEDISH_TIME)


def swedish_date(moment: datetime) -> date:
    """The day it is in Sweden at `moment`: the day a deadline is compared with."""
    return timezone.localtime(moment, SWEDISH_TIME).date()


class OpeningQuerySet(models.QuerySet):
    def published(self, *, now: datetime | None = None):
        """Published, and its deadline (if any) not yet past: on the careers page."""
        today = swedish_date(now or timezone.now())
        return self.filter(status=Opening.Status.PUBLISHED).filter(
            models.Q(application_deadline__isnull=True) | models.Q(application_deadline__gte=today)
        )


class Opening(models.Model):
    """A job ad and its recruitment. The ad's fields follow what Swedish job boards and
    schema.org's JobPosting ask for; the pay range is the EU pay transparency directive's."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        ARCHIVED = "archived", _("Archived")

    class WorkplaceType(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        HYBRID = "hybrid", _("Hybrid")
        REMOTE = "remote", _("Remote")

    class EmploymentType(models.TextChoices):
        PERMANENT = "permanent", _("Permanent")
        FIXED_TERM = "fixed_term", _("Fixed term")
        TEMPORARY = "temporary", _("Temporary")
        INTERNSHIP = "internship", _("Internship")
        HOURLY = "hourly", _("Hourly")

    class Extent(models.TextChoices):
        FULL_TIME = "full_time", _("Full time")
        PART_TIME = "part_time", _("Part time")

    class SalaryPeriod(models.TextChoices):
        HOUR = "hour", _("per hour")
        MONTH = "month", _("per month")
        YEAR = "year", _("per year")

    class Language(models.TextChoices):
        SWEDISH = "sv", "Svenska"
        ENGLISH = "en", "English"

    # In email subjects and calendars: one line (validators.validate_one_line).
    title = models.CharField(_("title"), max_length=200, validators=[validate_one_line])
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: **bold**, lists, headings, links.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    location = models.CharField(
        _("location"),
        max_length=120,
        blank=True,
        help_text=_("Municipality or city."),
        validators=[validate_one_line],
    )
    workplace_type = models.CharField(
        _("workplace"), max_length=8, choices=WorkplaceType.choices, default=WorkplaceType.ON_SITE
    )
    employment_type = models.CharField(
        _("type of employment"),
        max_length=12,
        choices=EmploymentType.choices,
        default=EmploymentType.PERMANENT,
    )
    extent = models.CharField(
        _("extent"), max_length=10, choices=Extent.choices, default=Extent.FULL_TIME
    )
    salary_min = models.PositiveIntegerField(_("pay from"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("pay up to"), null=True, blank=True)
    salary_currency = models.CharField(_("currency"), max_length=3, default="SEK")
    salary_period = models.CharField(
        _("pay period"), max_length=5, choices=SalaryPeriod.choices, default=SalaryPeriod.MONTH
    )
    application_deadline = models.DateField(
        _("last day to apply"),
        null=True,
        blank=True,
        help_text=_("Applications are taken until the end of this day, Swedish time."),
    )
    positions = models.PositiveSmallIntegerField(_("positions"), default=1)
    department = models.CharField(
        _("department"), max_length=120, blank=True, validators=[validate_one_line]
    )
    contact_name = models.CharField(
        _("contact person"), max_length=120, blank=True, validators=[validate_one_line]
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    language = models.CharField(
        _("language of the ad"), max_length=2, choices=Language.choices, default=Language.SWEDISH
    )
    hiring_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        through="HiringTeamMember",
        related_name="ats_openings",
        verbose_name=_("hiring team"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    decided_at = models.DateTimeField(_("hiring decision"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("decided by"),
    )
    # The number of the last webhook event about it (services/webhooks.py).
    event_sequence = models.PositiveIntegerField(null=True, editable=False)

    objects = OpeningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "title"]
        verbose_name = _("opening")
        verbose_name_plural = _("openings")
        permissions = [
            # A decision dated back starts the clock back: two years back, it deletes
            # every application at the next purge.
            ("backdate_decision", _("Can date a hiring decision more than a few days back")),
            ("publish_opening", _("Can publish, schedule, unpublish and close openings")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(salary_min__isnull=True)
                | models.Q(salary_max__isnull=True)
                | models.Q(salary_min__lte=models.F("salary_max")),
                name="ats_opening_salary_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ats:opening-detail", kwargs={"slug": self.slug})

    def stopped_taking_applications(self) -> datetime | None:
        """When it closed, or its last day ended; None while it may still take some."""
        if self.closed_at:
            return self.closed_at
        if self.application_deadline and self.status in (
            self.Status.PUBLISHED,
            self.Status.CLOSED,
        ):
            return end_of_day(self.application_deadline)
        return None

    def takes_applications(self, *, now: datetime | None = None) -> bool:
        """Published, and not past the end of its deadline day (Swedish time)."""
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and (
            self.application_deadline is None or now < end_of_day(self.application_deadline)
        )


class HiringTeamMember(models.Model):
    """A user on an opening's hiring team, in one role. A recruiter does everything for
    the opening; a hiring manager reviews and decides; an interviewer sees only the
    applicants in the interview and offer stages."""

    class Role(models.TextChoices):
        RECRUITER = "recruiter", _("Recruiter")
        HIRING_MANAGER = "hiring_manager", _("Hiring manager")
        INTERVIEWER = "interviewer", _("Interviewer")

    opening = models.ForeignKey(
        Opening, on_delete=models.CASCADE, related_name="team_members", verbose_name=_("opening")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="ats_team_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.RECRUITER)

    class Meta:
        db_table = "ats_opening_hiring_team"  # the table the plain many-to-many had
        unique_together = [("opening", "user")]
        verbose_name = _("hiring team member")
        verbose_name_plural = _("hiring team members")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


# The roles that see every applicant of their opening, and may decide on them.
DECIDING_ROLES = (HiringTeamMember.Role.RECRUITER, HiringTeamMember.Role.HIRING_MANAGER)
# The stages an interviewer sees.
INTERVIEW_STAGES = ("interview", "offer")


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


def past_its_date(now: datetime) -> models.Q:
    """The policy's "due" (retention.is_due) as a filter, the one every query uses: a
    deletion date, and not after `now`. Due at the very moment of the date."""
    return models.Q(delete_after__lte=now)


def before_its_date(now: datetime) -> models.Q:
    """The complement of past_its_date, in a form the index on delete_after answers."""
    return models.Q(delete_after__isnull=True) | models.Q(delete_after__gt=now)


class ApplicationQuerySet(models.QuerySet):
    def live(self, *, now: datetime | None = None):
        """Applications whose time has not passed: the only ones any page may show.
        (A row a purge has claimed is no longer in the table: see PurgeClaim.)"""
        return self.filter(before_its_date(now or timezone.now()))

    def of_email(self, email: str):
        """The applications under an address, whatever its case, found by the index on
        LOWER(email) (both sides lowered by the database, so they agree)."""
        return self.alias(email_lower=Lower("email")).filter(
            email_lower=Lower(Value(email.strip()))
        )

    def due(self, *, now: datetime):
        """Past their date and not under a legal hold: the purge deletes these."""
        return self.filter(past_its_date(now)).exclude(on_hold(now))

    def held(self, *, now: datetime):
        return self.filter(on_hold(now))

    def delete_with_dependents(self) -> None:
        """The rows, and everything held with them (notes, stage history, screening
        answers, emails to the candidate, scores, interviews, merit requests, webhook
        events about them), set-based:
        their foreign keys do nothing on their own (DO_NOTHING), so that a purge batch
        is a few statements however many rows it takes."""
        InterviewSlot.objects.filter(interview__application__in=self).delete()
        Interview.interviewers.through.objects.filter(interview__application__in=self).delete()
        for dependent in (
            Note,
            StageChange,
            ScreeningAnswer,
            CandidateEmail,  # before the interviews it may name
            Interview,
            Score,
            MeritRequest,
            WebhookDelivery,  # its events; application.deleted names no application
        ):
            dependent.objects.filter(application__in=self).delete()
        with foreign_keys_checked_at_once(Application):
            self.delete()


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
        db_index=False,  # ats_applicants_by_date starts with it: a second index only costs
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_one_line])
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    cover_letter = models.TextField(_("cover letter"), max_length=10_000, blank=True)
    cv = models.FileField(_("CV"), storage=get_cv_storage, max_length=200)
    cv_filename = models.CharField(
        _("CV file name"), max_length=120, help_text=_("As the candidate named it; display only.")
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    # The channel the candidate came from (?source= or utm_source on the ad's link), one
    # of ATS_APPLICATION_SOURCES: never free text. Counted in ApplicationStatistic.
    source = models.CharField(_("source"), max_length=20, blank=True)
    # Why it went no further, as the recruiters chose it (a RejectionReason's label).
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=120, blank=True, validators=[validate_one_line]
    )
    # The key the candidate's current self-service links are signed with: a new one
    # with each new set of links revokes the ones sent before (services/self_service.py).
    link_key = models.CharField(max_length=32, default=new_link_key, editable=False)
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
        validators=[validate_one_line],
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
        db_index=False,  # indexed in Meta where set: most applications never have a hold
    )
    hold_set_at = models.DateTimeField(_("legal hold set"), null=True, blank=True)
    # The candidate's own restriction of processing (GDPR art. 18): recruiters see only
    # that the application exists. Retention dates are unchanged.
    restricted_at = models.DateTimeField(_("restricted"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, default="sv", help_text=_("For the emails we send.")
    )
    # When the candidate was asked to renew a consent about to expire; asked once.
    renewal_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Empty until the receipt has left the outbox (services/outbox.py): sent, or refused
    # for good, as its CandidateEmail record says. The row is the outbox, so applying
    # writes nothing more, and no receipt is lost with a queue message.
    receipt_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The application form's one-time field: a second send of the same form (a double
    # tap, Back and send) finds it taken. Held by a unique index, not by the cache, so it
    # holds with Redis down, and spent only when the application is stored. NULL, not
    # "": SQLite adds a nullable column in place, where a default rebuilds the table
    # and drops its triggers (the stage and due counts).
    form_token = models.CharField(max_length=32, null=True, editable=False)  # noqa: DJ001
    # The number of the last webhook event about it, so that a receiver can put events
    # that a retry delivered late back in order (services/webhooks.py). NULL until the
    # first, for the same reason as above.
    event_sequence = models.PositiveIntegerField(null=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [  # an opening's applicants, newest first, read from either end
            models.Index(fields=["opening", "-submitted_at", "-id"], name="ats_applicants_by_date"),
            # The same for the spontaneous pool: PostgreSQL reads no order from "opening
            # IS NULL", so without it a page of the pool sorted every spontaneous row.
            models.Index(
                fields=["-submitted_at", "-id"],
                condition=models.Q(opening__isnull=True),
                name="ats_pool_by_date",
            ),
            # Receipts still to send: a few at any time, found without a scan.
            models.Index(
                fields=["id"],
                condition=models.Q(receipt_sent_at__isnull=True),
                name="ats_receipt_pending",
            ),
            # A person's applications by address, case-insensitively (privacy requests,
            # fresh links): an index, not a scan of every application.
            models.Index(Lower("email"), name="ats_application_email_lower"),
            # The applications on legal hold, for the dashboard: few, found without a scan.
            models.Index(
                fields=["hold_set_at"], condition=~models.Q(hold_reason=""), name="ats_on_hold"
            ),
            # Whose holds these are, for when a user is deleted; few rows have one.
            models.Index(
                fields=["hold_set_by"],
                condition=models.Q(hold_set_by__isnull=False),
                name="ats_holds_by_user",
            ),
        ]
        permissions = [
            ("view_all_applications", _("Can see the applications of every opening")),
            ("view_spontaneous_applications", _("Can see spontaneous applications")),
            ("download_cv", _("Can download the CVs of applications one can see")),
            ("view_retention", _("Can see the retention dashboard")),
            ("set_legal_hold", _("Can place and lift legal holds")),
            ("handle_privacy_requests", _("Can find, export and erase a person's applications")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(delete_after__isnull=True) | ~models.Q(deletion_reason=""),
                name="ats_application_deadline_has_reason",
            ),
            models.UniqueConstraint(
                fields=["form_token"],
                condition=models.Q(form_token__isnull=False),
                name="ats_application_form_sent_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def is_spontaneous(self) -> bool:
        return self.opening_id is None

    @property
    def is_restricted(self) -> bool:
        return self.restricted_at is not None


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
        Opening, null=True, on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    reason = models.CharField(max_length=20, choices=DeletionReason.choices, editable=False)
    due_at = models.DateTimeField(editable=False)
    cv = models.CharField(max_length=200, blank=True, editable=False)  # the storage key
    stage = models.CharField(max_length=12, editable=False)
    source = models.CharField(max_length=20, blank=True, editable=False)
    submitted_at = models.DateTimeField(editable=False)
    email = models.EmailField(max_length=254, blank=True, editable=False)  # receipts only
    language = models.CharField(max_length=8, blank=True, editable=False)  # receipts only
    claimed_at = models.DateTimeField(editable=False)
    event_sequence = models.PositiveIntegerField(null=True, editable=False)  # the last event's

    class Meta:
        verbose_name = _("application being deleted")
        verbose_name_plural = _("applications being deleted")

    def __str__(self) -> str:
        return str(self.public_id)


class StageCount(models.Model):
    """How many applications an opening (0: the spontaneous pool) has in each stage, live
    or not. Kept by database triggers on every insert, stage change and delete of an
    application (migration 0003), so that no write path can forget it; pages subtract the
    few rows past their date or being purged (`selectors.applicants.stage_counts`), instead of
    counting an opening's tens of thousands of applicants on every request."""

    POOL = 0

    opening_key = models.IntegerField(editable=False)  # an Opening's id, or POOL
    stage = models.CharField(max_length=12, choices=Application.Stage.choices, editable=False)
    applications = models.IntegerField(default=0, editable=False)
    # Of which with no deletion date yet (waiting for a hiring decision); migration 0019.
    undated = models.IntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["opening_key", "stage"], name="ats_one_count_per_stage")
        ]
        verbose_name = _("stage count")
        verbose_name_plural = _("stage counts")

    def __str__(self) -> str:
        return f"{self.opening_key} {self.stage}: {self.applications}"


class DueCount(models.Model):
    """How many applications fall due in one hour (UTC), per deletion reason, live or
    not: kept by database triggers on every write of an application (migration 0021),
    for the retention dashboard's weeks ahead (selectors.retention)."""

    hour = models.DateTimeField(editable=False)
    reason = models.CharField(max_length=20, editable=False)
    applications = models.IntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hour", "reason"], name="ats_one_due_count_per_hour")
        ]
        verbose_name = _("due count")
        verbose_name_plural = _("due counts")

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H:00} {self.reason}: {self.applications}"


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
        PrivacyNotice, on_delete=models.CASCADE, related_name="+", verbose_name=_("privacy notice")
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


class StageChange(models.Model):
    """One step of an application's stage history; deleted with the application."""

    # DO_NOTHING: the purge deletes history and notes itself, set-based, in the same
    # transaction as their application (services/purge.py); the database's foreign key
    # still refuses to leave one behind.
    application = models.ForeignKey(
        Application,
        on_delete=models.DO_NOTHING,
        related_name="stage_changes",
        verbose_name=_("application"),
    )
    from_stage = models.CharField(_("from"), max_length=12, choices=Application.Stage.choices)
    to_stage = models.CharField(_("to"), max_length=12, choices=Application.Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class Note(models.Model):
    """An internal note on an application; deleted with the application."""

    application = models.ForeignKey(
        Application,
        on_delete=models.DO_NOTHING,
        related_name="notes",  # as StageChange's, verbose_name=_("application")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return _("Note of %(date)s") % {"date": f"{self.created_at:%Y-%m-%d}"}


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
        EXPORT = "export", _("Exported")
        STAGE_CHANGE = "stage_change", _("Changed the stage")
        NOTE = "note", _("Wrote a note")
        DECISION = "decision", _("Recorded the hiring decision")
        HOLD = "hold", _("Placed or lifted a legal hold")
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

    actor = models.CharField(_("actor"), max_length=10, choices=Actor.choices, default=Actor.STAFF)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # Through the API: the name of the key the user's integration used, and who made
    # that key (a superuser may make one that acts for someone else).
    api_key = models.CharField(_("API key"), max_length=100, blank=True, db_default="")
    api_key_made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("key made by"),
    )
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
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    applications = models.PositiveIntegerField(_("applications"), default=0)

    class Meta:
        ordering = ["-handled_at"]
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_on:%Y-%m-%d}"


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


class Lease(models.Model):
    """Work that one worker at a time does (the email drain): who holds it, until when.
    A holder that dies lets it run out; a living one renews it (services/leases.py)."""

    name = models.CharField(max_length=40, unique=True)
    holder = models.UUIDField(null=True, editable=False)
    until = models.DateTimeField(null=True, editable=False)

    def __str__(self) -> str:
        return self.name


class EmailTemplate(models.Model):
    """An email to candidates, in Swedish and English, with a few placeholders:
    {first_name}, {opening}, {employer}, {deletion_date}, {link}, {reason} (the
    rejection reason, only where a template names it), and {interview} (its time and
    place) in the interview emails. Edited in the admin
    by users with ats.change_emailtemplate; the migrations ship the defaults."""

    class Key(models.TextChoices):
        RECEIVED = "received", _("Application received")
        REJECTED = "rejected", _("Not going further")
        POSITION_FILLED = "position_filled", _("Position filled")
        INTERVIEW_INVITATION = "interview_invitation", _("Interview invitation")
        INTERVIEW_CHANGED = "interview_changed", _("Interview changed")
        INTERVIEW_BOOKED = "interview_booked", _("Interview booked")
        INTERVIEW_CANCELLED = "interview_cancelled", _("Interview cancelled")

    key = models.CharField(_("email"), max_length=24, choices=Key.choices, unique=True)
    subject_sv = models.CharField(
        _("subject in Swedish"), max_length=200, validators=[validate_one_line]
    )
    body_sv = models.TextField(_("text in Swedish"))
    subject_en = models.CharField(
        _("subject in English"), max_length=200, validators=[validate_one_line]
    )
    body_en = models.TextField(_("text in English"))

    class Meta:
        ordering = ["key"]
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")

    def __str__(self) -> str:
        return self.get_key_display()


class RejectionReason(models.Model):
    """Why an applicant goes no further, from the employer's own short list. For the
    recruiters and the statistics; a candidate sees it only where a template says so."""

    label = models.CharField(
        _("reason"), max_length=120, unique=True, validators=[validate_one_line]
    )

    class Meta:
        ordering = ["label"]
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")

    def __str__(self) -> str:
        return self.label


class CandidateEmail(OutboxEmail):
    """An email to a candidate from a template: waiting (a rejection waits a day, and
    can be cancelled until then), then sent, with what was sent kept for the timeline
    and the candidate's export. Deleted with the application (delete_with_dependents)."""

    # An email the recruiters wrote themselves (the answer to a merit request): sent as
    # written, from no template.
    WRITTEN = "written"
    # The request to renew a consent about to end: the app's own text, not the employer's.
    RENEWAL = "renewal"

    application = models.ForeignKey(
        Application,
        on_delete=models.DO_NOTHING,
        related_name="emails",
        verbose_name=_("application"),
    )
    template = models.CharField(
        max_length=24,
        choices=[
            *EmailTemplate.Key.choices,
            (WRITTEN, _("Written by the recruiters")),
            (RENEWAL, _("Renew your consent")),
        ],
        verbose_name=_("email"),
    )
    # The interview an invitation, booking or change is about: its .ics goes with it.
    interview = models.ForeignKey(
        "Interview",
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("queued by"),
    )

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


class ScreeningQuestion(models.Model):
    """A question an opening's form asks. An answer may be marked as not meeting a
    requirement: the application is flagged for the recruiters, never rejected by it
    (GDPR art. 22: no decision by automated means alone)."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes or no")
        CHOICE = "choice", _("One of several")
        TEXT = "text", _("Short text")

    opening = models.ForeignKey(
        Opening, on_delete=models.CASCADE, related_name="questions", verbose_name=_("opening")
    )
    text = models.CharField(_("question"), max_length=300, validators=[validate_one_line])
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.YES_NO)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For one of several: one choice a line.")
    )
    unmet_answer = models.CharField(
        _("answer that does not meet a requirement"),
        max_length=200,
        blank=True,
        help_text=_("Flags the application for the recruiters; it never rejects it."),
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        ordering = ["opening", "position", "pk"]
        verbose_name = _("screening question")
        verbose_name_plural = _("screening questions")

    def __str__(self) -> str:
        return self.text

    def choice_list(self) -> list[str]:
        if self.kind == self.Kind.YES_NO:
            return ["yes", "no"]
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class ScreeningAnswer(models.Model):
    """A candidate's answer, with the question as it was asked; deleted with the
    application (delete_with_dependents), and in the candidate's export."""

    application = models.ForeignKey(
        Application,
        on_delete=models.DO_NOTHING,
        related_name="answers",
        verbose_name=_("application"),
    )
    question = models.ForeignKey(
        ScreeningQuestion,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("question"),
    )
    question_text = models.CharField(max_length=300, verbose_name=_("question as asked"))
    answer = models.CharField(max_length=500, verbose_name=_("answer"))
    misses_requirement = models.BooleanField(
        default=False, verbose_name=_("does not meet a requirement")
    )

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("screening answer")
        verbose_name_plural = _("screening answers")

    def __str__(self) -> str:
        return self.question_text


class ApplicationStatistic(models.Model):
    """Counts that identify nobody, kept when applications are deleted, so that reports
    on past recruitment survive the purge: per opening, month applied and last stage."""

    opening = models.ForeignKey(
        Opening,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty for spontaneous applications (or an opening since deleted)."),
        verbose_name=_("opening"),
    )
    month = models.DateField(_("month applied"))
    stage = models.CharField(_("stage reached"), max_length=12, choices=Application.Stage.choices)
    source = models.CharField(_("source"), max_length=20, blank=True)
    applications = models.PositiveIntegerField(_("applications"), default=0)

    class Meta:
        # Each purge batch adds its own rows (one INSERT ... SELECT ... GROUP BY); reports
        # add them up.
        verbose_name = _("application statistic")
        verbose_name_plural = _("application statistics")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.stage}: {self.applications}"


class Criterion(models.Model):
    """One requirement of an opening's profile ("Python", "customer contact"), on which
    each member of the hiring team scores each applicant."""

    opening = models.ForeignKey(
        Opening, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("opening")
    )
    name = models.CharField(_("criterion"), max_length=100, validators=[validate_one_line])
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        ordering = ["opening", "position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["opening", "name"], name="ats_criterion_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    """One team member's score of one applicant on one criterion, in one stage: part
    of the application (in its export, deleted with it by delete_with_dependents)."""

    class Value(models.IntegerChoices):
        NOT_MET = 1, _("1: does not meet it")
        PARTLY = 2, _("2: partly meets it")
        MET = 3, _("3: meets it")
        EXCEEDED = 4, _("4: exceeds it")

    application = models.ForeignKey(
        Application,
        on_delete=models.DO_NOTHING,
        related_name="scores",
        verbose_name=_("application"),
    )
    criterion = models.ForeignKey(
        Criterion,
        null=True,
        on_delete=models.SET_NULL,
        related_name="scores",
        verbose_name=_("criterion"),
    )
    criterion_name = models.CharField(_("criterion"), max_length=100)  # as it was scored
    stage = models.CharField(_("stage"), max_length=12, choices=Application.Stage.choices)
    value = models.PositiveSmallIntegerField(_("score"), choices=Value.choices)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("scored by"),
    )
    scored_at = models.DateTimeField(_("scored"), default=timezone.now)

    class Meta:
        ordering = ["application", "criterion_name", "pk"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion", "scored_by", "stage"],
                name="ats_score_once_per_stage",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=4), name="ats_score_one_to_four"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_name}: {self.value}"


class Interview(models.Model):
    """An interview: proposed times, then the one the candidate chose. Its iCalendar
    UID and SEQUENCE let calendars update or cancel the event they were sent."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the candidate to choose a time")
        OTHER_TIMES = "other_times", _("The candidate asked for other times")
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.PROPOSED, Status.OTHER_TIMES)  # waiting for a time to be agreed

    application = models.ForeignKey(
        Application,
        on_delete=models.DO_NOTHING,
        related_name="interviews",
        verbose_name=_("application"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    length_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=45)
    place = models.CharField(
        _("place or video link"),
        max_length=300,
        help_text=_("Shown to the candidate."),
        validators=[validate_one_line],
    )
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="ats_interviews", verbose_name=_("interviewers")
    )
    starts_at = models.DateTimeField(_("time"), null=True, blank=True)  # once booked
    candidate_message = models.CharField(
        _("the candidate's message"), max_length=500, blank=True, validators=[validate_one_line]
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)

    class Meta:
        ordering = ["application", "created_at", "pk"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self) -> str:
        return self.get_status_display()

    @property
    def ends_at(self) -> datetime | None:
        return self.starts_at and self.starts_at + timedelta(minutes=self.length_minutes)


class InterviewSlot(models.Model):
    """A time offered for an interview; the candidate picks one."""

    interview = models.ForeignKey(
        Interview, on_delete=models.DO_NOTHING, related_name="slots", verbose_name=_("interview")
    )
    starts_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["interview", "starts_at"]
        verbose_name = _("interview time")
        verbose_name_plural = _("interview times")

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class MeritRequest(models.Model):
    """An applicant's request for the merits of the person hired (Discrimination Act,
    2 ch. 4 §), and the recruiters' answer: kept and deleted with the asking
    candidate's application."""

    application = models.ForeignKey(
        Application,
        on_delete=models.DO_NOTHING,
        related_name="merit_requests",
        verbose_name=_("application"),
    )
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    answer = models.TextField(_("answer"), max_length=10_000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("merit request")
        verbose_name_plural = _("merit requests")

    def __str__(self) -> str:
        return _("Merit request of %(date)s") % {"date": f"{self.requested_at:%Y-%m-%d}"}


class ApiScope(models.TextChoices):
    """What an API key may do, on top of what its user may see (CONTRACT.md)."""

    OPENINGS_READ = "openings:read", _("Read openings")
    OPENINGS_WRITE = "openings:write", _("Create, change, publish and close openings")
    APPLICATIONS_READ = "applications:read", _("Read applications")
    APPLICATIONS_WRITE = "applications:write", _("Move applications, add notes")
    CV_READ = "cv:read", _("Download CVs")
    DECISIONS_WRITE = "decisions:write", _("Record hiring decisions")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Manage webhook subscriptions")


class ApiKey(models.Model):
    """A key one integration (an HR system, a BI tool) presents as
    `Authorization: Bearer ats_<prefix>_<secret>`, made by an administrator and shown
    once (services/api_keys.py). Only a salted SHA-256 of the secret is kept: the
    secret is 256 random bits, which no table of guesses covers, so a slow password
    hash would only slow every request. The key acts for its user and never sees more
    than that user would on the recruiter pages."""

    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        help_text=_("Which integration uses it."),
        validators=[validate_one_line],
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("acts for"),
        help_text=_("The key sees what this user sees on the recruiter pages, no more."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,  # unknown for keys made before it was recorded
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("made by"),
    )
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    salt = models.CharField(max_length=32, editable=False)
    secret_sha256 = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} (ats_{self.prefix}_…)"


class IdempotentRequest(models.Model):
    """A creating write through the API, by its Idempotency-Key: a client that retries
    after a lost answer gets the first answer, and nothing is done twice
    (api/idempotency.py). The answer holds ids and dates, never personal data."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    answer = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="ats_one_request_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.created_at:%Y-%m-%d %H:%M})"


class WebhookEvent(models.TextChoices):
    """What a subscription can be told of (CONTRACT.md)."""

    APPLICATION_RECEIVED = "application.received", _("An application arrived")
    APPLICATION_STAGE_CHANGED = "application.stage_changed", _("An application changed stage")
    APPLICATION_HIRED = "application.hired", _("An applicant was hired")
    OPENING_PUBLISHED = "opening.published", _("An ad went on the careers page")
    OPENING_DECIDED = "opening.decided", _("An opening's hiring decision was recorded")
    APPLICATION_DELETED = "application.deleted", _("An application was deleted: delete every copy")


class WebhookSubscription(models.Model):
    """Another system told of events here by signed HTTP POSTs, from the worker
    (services/webhook_delivery.py). It hears of what its user may see on the recruiter
    pages, no more; its user is emailed when it is paused."""

    name = models.CharField(_("name"), max_length=100, unique=True, validators=[validate_one_line])
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=64, editable=False)  # signs; needed in clear
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("acts for"),
        help_text=_("It hears of what this user may see, and this user is told if it fails."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,  # unknown for subscriptions made before it was recorded
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event for one subscription: the outbox row the worker sends, and then the
    delivery log (status, attempts, last error). It holds ids, never personal data.
    An application's events go with the application (delete_with_dependents), except
    application.deleted, which names only the tombstone's public id and stays as the
    proof of who was told to delete their copy."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(editable=False)  # the same for every subscription told
    event = models.CharField(max_length=32, choices=WebhookEvent.choices, editable=False)
    application = models.ForeignKey(
        Application,
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="webhook_deliveries",
        editable=False,
    )
    public_id = models.UUIDField(null=True, db_index=True, editable=False)
    opening_id = models.BigIntegerField(null=True, editable=False)
    data = models.JSONField(default=dict, editable=False)
    occurred_at = models.DateTimeField(editable=False)
    # Counts the events about its application (or opening): a higher one happened later.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    retry_until = models.DateTimeField(editable=False)
    next_attempt_at = models.DateTimeField(null=True, db_index=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    delivered_at = models.DateTimeField(null=True, editable=False)
    gave_up_at = models.DateTimeField(null=True, editable=False)
    last_status = models.PositiveSmallIntegerField(null=True, editable=False)
    last_error = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="ats_one_delivery_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"
