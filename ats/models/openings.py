"""Openings: the job ad, its hiring team, its screening questions and its requirement
profile (the criteria each applicant is scored on)."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..retention import employer_date, end_of_day
from ..validators import validate_one_line
from .enums import Stage
from .fields import done_by


class OpeningQuerySet(models.QuerySet):
    def published(self, *, now: datetime | None = None):
        """Published, and its deadline (if any) not yet past: on the careers page."""
        today = employer_date(now or timezone.now())
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
    salary_currency = models.CharField(
        _("currency"), max_length=3, default="SEK", validators=[validate_one_line]
    )
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
    decided_by = done_by(_("decided by"), blank=True, editable=False)
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
        """Published, and not past the end of its deadline day where the employer is."""
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
INTERVIEW_STAGES = (Stage.INTERVIEW, Stage.OFFER)
# The stages in which each team member is expected to score an applicant (the home
# page's to-do): assessed on paper, then met. New ones are not yet looked at, an offer
# is made on the scores already given.
SCORING_STAGES = (Stage.REVIEWING, Stage.INTERVIEW)


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

    # A yes or no answer is stored as its code, the same in every language; it is said
    # in the reader's.
    YES_NO = {"yes": _("Yes"), "no": _("No")}

    def choice_list(self) -> list[str]:
        if self.kind == self.Kind.YES_NO:
            return list(self.YES_NO)
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def answer_label(self, answer: str) -> str:
        """An answer as the reader says it: "Ja" for a yes or no question's "yes" in Swedish."""
        return str(self.YES_NO.get(answer, answer)) if self.kind == self.Kind.YES_NO else answer

    @property
    def unmet_label(self) -> str:
        return self.answer_label(self.unmet_answer)


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


# The ad's own fields: what "Duplicate" copies, and (but its last day and department)
# what a template holds.
AD_FIELDS = (
    "title", "description", "location", "workplace_type", "employment_type", "extent",
    "salary_min", "salary_max", "salary_currency", "salary_period", "application_deadline",
    "positions", "department", "contact_name", "contact_email", "language",
)  # fmt: skip
TEMPLATE_FIELDS = tuple(f for f in AD_FIELDS if f not in ("application_deadline", "department"))


class AdTemplate(models.Model):
    """A department's start for its new ads ("Undersköterska, hemtjänst"): the ad's
    fields as the editor takes them, kept as the form's values so that a field the ad
    gains is one a template can hold. No last day: each recruitment sets its own."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_one_line])
    department = models.ForeignKey(
        "ats.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # the template stays, for no department
        related_name="ad_templates",
        verbose_name=_("department"),
    )
    fields = models.JSONField(_("the ad's fields"), default=dict, editable=False)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["department__position", "department__name", "name"]
        verbose_name = _("ad template")
        verbose_name_plural = _("ad templates")

    def __str__(self) -> str:
        return self.name
