"""The stages of a pipeline, as a hiring team names and orders them, each within one of
the fixed kinds (Stage) that retention, the decision, merit requests, interviewers'
view and the reports rely on. A pipeline is an opening's, a department's ad
template's (which the ads made from it copy) or the employer's default."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Stage

KIND_ORDER = {kind: place for place, kind in enumerate(Stage.values)}


def owned_by(owner) -> dict:
    """The fields that make a stage `owner`'s: an Opening's, an AdTemplate's, or (None)
    the default pipeline's."""
    if owner is None:
        return {"opening": None, "template": None}
    return {"template" if owner._meta.model_name == "adtemplate" else "opening": owner}


class PipelineStageQuerySet(models.QuerySet):
    def of(self, owner) -> "PipelineStageQuerySet":
        """The stages of `owner`'s pipeline (owned_by)."""
        return self.filter(**owned_by(owner))


class PipelineStage(models.Model):
    """One stage of an opening's pipeline, or of the employer's default (opening None),
    which a new opening copies and the spontaneous pool runs. Each kind has at least
    one; the first of a kind is where a move to the kind lands (a rejection, the hiring
    decision, a booked interview), and an application at it stores no stage of its own
    (Application.pipeline_stage None), so that applying and the kinds' moves write
    nothing more and a pipeline never edited costs nothing."""

    opening = models.ForeignKey(
        "ats.Opening",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pipeline_stages",
        verbose_name=_("opening"),
        help_text=_("Empty for the default pipeline."),
    )
    template = models.ForeignKey(
        "ats.AdTemplate",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pipeline_stages",
        verbose_name=_("ad template"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Stage.choices)
    position = models.PositiveIntegerField(_("position within its kind"), default=0)
    # Blank: the kind's own name, in the reader's language.
    name = models.CharField(_("name"), max_length=60, blank=True)

    objects = PipelineStageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opening__isnull=True) | models.Q(template__isnull=True),
                name="ats_pipeline_stage_one_owner",
            )
        ]
        indexes = [
            models.Index(fields=["opening", "kind", "position"], name="ats_pipeline_stage_order")
        ]
        verbose_name = _("pipeline stage")
        verbose_name_plural = _("pipeline stages")

    def __str__(self) -> str:
        return str(self.label)

    @property
    def owner(self):
        """Whose pipeline it is of: its opening, its template, or None (the default)."""
        return self.template if self.template_id else self.opening

    @property
    def label(self) -> str:
        return self.name or Stage(self.kind).label


def in_pipeline_order(stages) -> list[PipelineStage]:
    """The stages by kind, then by their order within it; each marked `first` of its kind
    or not."""
    ordered = sorted(stages, key=lambda s: (KIND_ORDER[s.kind], s.position, s.pk))
    seen = set()
    for stage in ordered:
        stage.first = stage.kind not in seen
        seen.add(stage.kind)
    return ordered
