"""Applications and what is held with them until they are deleted: stage history,
notes, screening answers, scores, merit requests and tags (interviews:
models/interviews.py).
The querysets apply the retention policy (retention.py) to the rows."""

import secrets
import uuid
from datetime import date, datetime

from django.db import models
from django.db.models import OuterRef, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .. import retention
from ..bulk import foreign_keys_checked_at_once
from ..storage import get_cv_storage
from ..validators import validate_one_line
from .conversations import Message
from .enums import DeletionReason, Stage
from .fields import done_by, held_with_application
from .integrations import WebhookDelivery
from .interviews import Interview, InterviewSlot
from .messages import CandidateEmail
from .openings import ScreeningQuestion
from .tags import ApplicationTag


def new_link_key() -> str:
    return secrets.token_hex(16)


def on_hold(now: datetime) -> models.Q:
    """The policy's "on hold" (retention.is_held) as a filter: a legal hold's reason, and
    no end or an end after `now`."""
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

    def of_email(self, email: str | OuterRef):
        """The applications under an address (or an outer query's), whatever its case,
        found by the index on LOWER(email) (both sides lowered by the database, so they
        agree)."""
        address = Value(email.strip()) if isinstance(email, str) else email
        return self.alias(email_lower=Lower("email")).filter(email_lower=Lower(address))

    def due(self, *, now: datetime):
        """Past their date and not under a legal hold: the purge deletes these."""
        return self.filter(past_its_date(now)).exclude(on_hold(now))

    def held(self, *, now: datetime):
        return self.filter(on_hold(now))

    def undated(self):
        """Waiting for a decision: no deletion date yet (retention.deadline_on_submission
        gives an application for an opening none until its hiring decision)."""
        return self.filter(delete_after__isnull=True)

    def delete_with_dependents(self) -> None:
        """The rows, and everything held with them (DEPENDENTS: notes, messages, stage history,
        screening answers, emails to the candidate, interviews, scores, merit requests,
        tags, webhook events about them), set-based: their foreign keys do nothing on
        their own (DO_NOTHING), so that a purge batch is a few statements however many
        rows it takes."""
        InterviewSlot.objects.filter(interview__application__in=self).delete()
        Interview.interviewers.through.objects.filter(interview__application__in=self).delete()
        for dependent in DEPENDENTS:
            dependent.objects.filter(application__in=self).delete()
        with foreign_keys_checked_at_once(Application):
            self.delete()


class Application(models.Model):
    Stage = Stage  # the choices live in enums.py, shared with other models

    # The only identifier that leaves the system (links, tombstones, exports).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opening = models.ForeignKey(
        "ats.Opening",
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
    # of ATS_APPLICATION_SOURCES: never free text. Counted in the reports (models/reports.py).
    source = models.CharField(_("source"), max_length=20, blank=True)
    # Why it went no further, as the recruiters chose it (a RejectionReason's label).
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=120, blank=True, validators=[validate_one_line]
    )
    # The key the candidate's current self-service links are signed with: a new one
    # with each new set of links revokes the ones sent before (services/self_service.py).
    link_key = models.CharField(max_length=32, default=new_link_key, editable=False)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.NEW)
    # Which of the pipeline's stages of that kind; None: the first (models/pipelines.py).
    pipeline_stage = models.ForeignKey(
        "ats.PipelineStage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("stage of the pipeline"),
        db_index=False,  # ats_applicants_by_own_stage holds it
        # PROTECT holds it: SQLite cannot drop a column under a constraint (migrating
        # back) without rebuilding the table, which drops the table's triggers.
        db_constraint=False,
    )
    # Since when it is in its stage, and the furthest stage of the pipeline it reached:
    # what the reports count as it moves (services/report_counts.py).
    stage_since = models.DateTimeField(_("in its stage since"), default=timezone.now)
    furthest_stage = models.CharField(
        _("furthest stage reached"),
        max_length=12,
        choices=Stage.choices,
        default=Stage.NEW,
        editable=False,
    )
    privacy_notice = models.ForeignKey(
        "ats.PrivacyNotice",
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
    # Indexed in Meta where set: most applications never have a hold.
    hold_set_by = done_by(_("legal hold set by"), blank=True, db_index=False)
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
            # A board column (and a list filtered by stage), newest first: the newest of
            # each stage read from the index, however many the opening holds.
            models.Index(
                fields=["opening", "stage", "-submitted_at", "-id"], name="ats_applicants_by_stage"
            ),
            # A board column of a pipeline's own stage (a list tab), newest first.
            models.Index(
                fields=["opening", "stage", "pipeline_stage", "-submitted_at", "-id"],
                name="ats_applicants_by_own_stage",
            ),
            # The list sorted by name, and a board column so: read in order, not sorted whole.
            models.Index(fields=["opening", "name", "id"], name="ats_applicants_by_name"),
            models.Index(
                fields=["opening", "stage", "name", "id"], name="ats_applicants_by_stage_name"
            ),
            # The same for the spontaneous pool: PostgreSQL reads no order from "opening
            # IS NULL", so without it a page of the pool sorted every spontaneous row.
            models.Index(
                fields=["-submitted_at", "-id"],
                condition=models.Q(opening__isnull=True),
                name="ats_pool_by_date",
            ),
            # Every application newest first, for search across everything one may see
            # (selectors/search.py): the newest matches of a common word are found by
            # walking it, without sorting every match.
            models.Index(fields=["-submitted_at", "-id"], name="ats_newest_first"),
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

    @property
    def is_held(self) -> bool:
        """Under a legal hold now (the purge's on_hold, for one row)."""
        return retention.is_held(self.hold_reason, self.hold_until, now=timezone.now())

    @property
    def hold_last_day(self) -> date | None:
        """The last day the hold lasts, where the employer is; None: until lifted."""
        return retention.last_day_before(self.hold_until) if self.hold_until else None


class StageChange(models.Model):
    """One step of an application's stage history; deleted with the application."""

    application = held_with_application("stage_changes")
    from_stage = models.CharField(_("from"), max_length=12, choices=Stage.choices)
    to_stage = models.CharField(_("to"), max_length=12, choices=Stage.choices)
    # The stage of the opening's pipeline it went to; None once that stage is removed.
    to_pipeline_stage = models.ForeignKey(
        "ats.PipelineStage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("to the pipeline's stage"),
    )
    changed_by = done_by(_("changed by"))
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class Note(models.Model):
    """An internal note on an application; deleted with the application."""

    application = held_with_application("notes", verbose_name=None)  # as since 0001
    author = done_by(_("author"))
    text = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return _("Note of %(date)s") % {
            "date": date_format(timezone.localdate(self.created_at), "DATE_FORMAT")
        }


class ScreeningAnswer(models.Model):
    """A candidate's answer, with the question as it was asked; deleted with the
    application (delete_with_dependents), and in the candidate's export."""

    application = held_with_application("answers")
    question = models.ForeignKey(
        "ats.ScreeningQuestion",
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

    @property
    def answer_label(self) -> str:
        """The answer in the reader's language (load `question` with it). A yes or no
        answer whose question was removed is still said as one."""
        if self.question is not None:
            return self.question.answer_label(self.answer)
        return ScreeningQuestion(kind=ScreeningQuestion.Kind.YES_NO).answer_label(self.answer)


class Score(models.Model):
    """One team member's score of one applicant on one criterion, in one stage: part
    of the application (in its export, deleted with it by delete_with_dependents)."""

    class Value(models.IntegerChoices):
        NOT_MET = 1, _("1: does not meet it")
        PARTLY = 2, _("2: partly meets it")
        MET = 3, _("3: meets it")
        EXCEEDED = 4, _("4: exceeds it")

    application = held_with_application("scores")
    criterion = models.ForeignKey(
        "ats.Criterion",
        null=True,
        on_delete=models.SET_NULL,
        related_name="scores",
        verbose_name=_("criterion"),
    )
    criterion_name = models.CharField(_("criterion"), max_length=100)  # as it was scored
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    value = models.PositiveSmallIntegerField(_("score"), choices=Value.choices)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    scored_by = done_by(_("scored by"))
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


class MeritRequest(models.Model):
    """An applicant's request for the merits of the person hired (Discrimination Act,
    2 ch. 4 §), and the recruiters' answer: kept and deleted with the asking
    candidate's application."""

    application = held_with_application("merit_requests")
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    answer = models.TextField(_("answer"), max_length=10_000, blank=True)
    answered_by = done_by(_("answered by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("merit request")
        verbose_name_plural = _("merit requests")

    def __str__(self) -> str:
        return _("Merit request of %(date)s") % {
            "date": date_format(timezone.localdate(self.requested_at), "DATE_FORMAT")
        }


class ApplicationText(models.Model):
    """What search reads of one application, and the text of its CV, extracted once when
    the CV arrives (cv_text.py). Personal data: deleted with the application, in the
    candidate's export. `team_text` and `decider_text` are folded (lower case, no accents:
    text_search.fold) copies kept in step by services/search_index.py: what every team
    member who sees the application may search, and what only those who decide on it may
    (selectors.access.FOR_DECIDERS_ONLY). On PostgreSQL each part also has a tsvector,
    generated by the database (migration 0038), under a GIN index."""

    application = models.OneToOneField(
        "ats.Application",
        on_delete=models.DO_NOTHING,  # as held_with_application: delete_with_dependents
        primary_key=True,
        related_name="text",
        verbose_name=_("application"),
    )
    cv_text = models.TextField(_("CV text"), blank=True)
    team_text = models.TextField(blank=True, editable=False)
    decider_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("application text")
        verbose_name_plural = _("application texts")

    def __str__(self) -> str:
        return str(self.application_id)


# Every model that points at an application, in the order delete_with_dependents deletes
# them (tests/models/test_dependents.py fails when a new one is missing).
DEPENDENTS = (
    Note,
    Message,
    StageChange,
    ScreeningAnswer,
    CandidateEmail,  # before the interviews it may name
    Interview,
    Score,
    MeritRequest,
    ApplicationTag,
    WebhookDelivery,  # its events; application.deleted names no application
    ApplicationText,
)
