"""Counts the database keeps with triggers (migrations 0003, 0019 and 0021), so that
pages read a few rows instead of counting applications on every request."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Stage


class StageCount(models.Model):
    """How many applications an opening (0: the spontaneous pool) has in each stage, live
    or not. Kept by database triggers on every insert, stage change and delete of an
    application (migration 0003), so that no write path can forget it; pages subtract the
    few rows past their date or being purged (`selectors.pipeline.stage_counts`), instead of
    counting an opening's tens of thousands of applicants on every request."""

    POOL = 0

    opening_key = models.IntegerField(editable=False)  # an Opening's id, or POOL
    stage = models.CharField(max_length=12, choices=Stage.choices, editable=False)
    # Of which pipeline stage of that kind (a PipelineStage's id; 0: the first); 0049.
    pipeline_stage = models.IntegerField(default=0, editable=False)
    applications = models.IntegerField(default=0, editable=False)
    # Of which with no deletion date yet (waiting for a hiring decision); migration 0019.
    undated = models.IntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["opening_key", "stage", "pipeline_stage"],
                name="ats_one_count_per_own_stage",
            )
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
