"""What the reports count: numbers that identify nobody, kept from the day an application
arrives, through its stages and its outcome, to its deletion and beyond. Each event adds
to the counts as it happens (services/report_counts.py), so that a report reads the same
rows before and after the purge, and never reads the applications themselves."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Stage

# An opening's key in the counts; the spontaneous pool's is 0 (as in StageCount).
POOL = 0

# The pipeline in its order: how far an application got is the furthest of these it
# reached ("rejected" is where it stopped, not how far it got).
PIPELINE = [Stage.NEW, Stage.REVIEWING, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED]

# The time from one event to the next is kept as the first day of its bucket: "3" for
# 3 or 4 whole days. Coarse, so that a duration tells nothing of a day in anyone's
# life; fine enough for a median. The last bucket is open.
DAY_BUCKETS = [0, 1, 2, 3, 5, 8, 15, 31, 61, 91, 181, 366]


class ArrivalCount(models.Model):
    """How many applications arrived per opening (POOL: spontaneous), day applied where
    the employer is, and source. Counted as each arrives, also one deleted at once
    (spontaneous, without consent); never taken back."""

    opening_key = models.IntegerField(editable=False)
    day = models.DateField(_("day applied"), editable=False)
    source = models.CharField(_("source"), max_length=20, blank=True, editable=False)
    applications = models.IntegerField(_("applications"), default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["opening_key", "day", "source"], name="ats_one_arrival_count"
            )
        ]
        verbose_name = _("arrival count")
        verbose_name_plural = _("arrival counts")

    def __str__(self) -> str:
        return f"{self.opening_key} {self.day} {self.source}: {self.applications}"


class ReportCount(models.Model):
    """How many applications of an opening (POOL: spontaneous), month applied and source
    have one `figure` at one `value` (and, for a duration, its `days` bucket). Every
    event adds to or moves between these counts as it happens; deleting an application
    adds its deletion and takes nothing away."""

    class Figure(models.TextChoices):
        # value: the furthest stage of PIPELINE reached; one count per application.
        FURTHEST = "furthest", _("furthest stage reached")
        # value: how it ended (Outcome); at the hiring decision, or at its deletion
        # before one.
        OUTCOME = "outcome", _("outcome")
        # value: the reason a rejected applicant was given ("" for none: the decision's).
        REJECTION_REASON = "rejection_reason", _("rejection reason")
        # value: the DeletionReason; counted as it is deleted.
        DELETED = "deleted", _("deletion")
        # days: from applying to the team's first move of it.
        FIRST_ANSWER = "first_answer", _("time to first answer")
        # value: the stage; days: one stay in it, counted as it ends.
        IN_STAGE = "in_stage", _("time in stage")
        # days: from applying to the hiring decision; value: the outcome it gave.
        TO_DECISION = "to_decision", _("time to decision")

    class Outcome(models.TextChoices):
        HIRED = "hired", _("Hired")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ERASED = "erased", _("Erased on request")
        EXPIRED = "expired", _("Deleted when its time ran out")

    opening_key = models.IntegerField(editable=False)
    month = models.DateField(_("month applied"), editable=False)
    source = models.CharField(_("source"), max_length=20, blank=True, editable=False)
    figure = models.CharField(_("figure"), max_length=20, choices=Figure.choices, editable=False)
    value = models.CharField(_("value"), max_length=120, blank=True, editable=False)
    days = models.SmallIntegerField(_("days (from)"), default=0, editable=False)
    applications = models.IntegerField(_("applications"), default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["opening_key", "month", "source", "figure", "value", "days"],
                name="ats_one_report_count",
            )
        ]
        indexes = [  # a period's counts of every opening, for the reports
            models.Index(fields=["month", "figure"], name="ats_report_counts_by_month")
        ]
        verbose_name = _("report count")
        verbose_name_plural = _("report counts")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.figure} {self.value} {self.days}: {self.applications}"
