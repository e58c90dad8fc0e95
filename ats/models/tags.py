"""The employer's tags, and the tags set on applications (held with them)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..validators import validate_one_line
from .enums import Stage
from .fields import done_by, held_with_application


class Tag(models.Model):
    """A label the employer's recruiters chose ("Swedish B", "Call back in May"): one
    list for the site. The name is the employer's; a tag on an application
    (ApplicationTag) is about the person."""

    name = models.CharField(_("name"), max_length=50, unique=True, validators=[validate_one_line])
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class ApplicationTag(models.Model):
    """A tag set on an application: part of the application (in its export, deleted
    with it by delete_with_dependents); removing the tag from the list removes it here."""

    application = held_with_application("tag_links")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+", verbose_name=_("tag"))
    tagged_by = done_by(_("tagged by"))
    tagged_at = models.DateTimeField(_("tagged"), default=timezone.now)
    # The application's, copied when it is tagged and its stage kept in step by the
    # database (migration 0042): a list or board filtered by a tag reads the tag's own
    # rows in the order it shows them, a page's worth however many the opening holds.
    opening = models.ForeignKey(
        "ats.Opening",
        null=True,
        on_delete=models.DO_NOTHING,  # an opening with applications cannot go (PROTECT)
        related_name="+",
        db_index=False,
        editable=False,
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, editable=False)
    submitted_at = models.DateTimeField(editable=False)

    class Meta:
        ordering = ["tag__name", "pk"]
        verbose_name = _("tag on an application")
        verbose_name_plural = _("tags on applications")
        constraints = [
            models.UniqueConstraint(fields=["tag", "application"], name="ats_tag_once"),
        ]
        indexes = [  # newest first: a list, and a board's column
            models.Index(
                fields=["tag", "opening", "-submitted_at", "-application"],
                name="ats_tagged_by_date",
            ),
            models.Index(
                fields=["tag", "opening", "stage", "-submitted_at", "-application"],
                name="ats_tagged_by_stage",
            ),
        ]

    def __str__(self) -> str:
        return str(self.tag_id)
