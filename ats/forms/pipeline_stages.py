"""The pipeline editor's one form: what the button pressed does to which stage."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models import Application, PipelineStage
from ..validators import validate_one_line


class PipelineEditForm(forms.Form):
    class Action(models.TextChoices):
        ADD = "add", _("Add a stage")
        RENAME = "rename", _("Rename")
        EARLIER = "earlier", _("Move earlier")
        LATER = "later", _("Move later")
        REMOVE = "remove", _("Remove")

    action = forms.ChoiceField(choices=Action.choices)
    stage = forms.ModelChoiceField(queryset=PipelineStage.objects.none(), required=False)
    kind = forms.ChoiceField(choices=Application.Stage.choices, required=False)
    name = forms.CharField(
        label=_("Name"),
        max_length=PipelineStage._meta.get_field("name").max_length,
        required=False,
        validators=[validate_one_line],
    )

    def __init__(self, *args, pipeline: list[PipelineStage], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = PipelineStage.objects.filter(
            pk__in=[stage.pk for stage in pipeline if stage.pk]
        )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == self.Action.ADD and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of the new stage."))
        elif action and action != self.Action.ADD and not data.get("stage"):
            self.add_error("stage", _("That stage is no longer in the pipeline."))
        return data
