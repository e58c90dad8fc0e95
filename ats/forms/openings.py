"""The job ad editor's forms: the ad, its screening questions, its publication time."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AdTemplate, Department, Opening, ScreeningQuestion
from ..validators import validate_one_line


class QuestionForm(forms.ModelForm):
    """A question for the ad's form. A yes or no question's flagged answer is chosen from
    the two, as the reader's language says them, and stored as its code ("yes", "no");
    one of several's is typed as its choice is written."""

    unmet_yes_no = forms.ChoiceField(
        label=_("Answer to flag, for a yes or no question"),
        choices=[("", _("None")), *ScreeningQuestion.YES_NO.items()],
        required=False,
    )

    class Meta:
        model = ScreeningQuestion
        fields = ["text", "kind", "choices", "unmet_answer"]
        labels = {"unmet_answer": _("Answer to flag, for one of several: as one of its choices")}
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}

    field_order = ["text", "kind", "unmet_yes_no", "choices", "unmet_answer"]

    def clean(self):
        data = super().clean()
        kind, yes_no = data.get("kind"), data.pop("unmet_yes_no", "")
        if kind == ScreeningQuestion.Kind.YES_NO:
            if data.get("unmet_answer"):
                self.add_error(
                    "unmet_answer", _("For a yes or no question, choose the answer to flag above.")
                )
            data["unmet_answer"] = yes_no
        elif yes_no:
            self.add_error("unmet_yes_no", _("Only a yes or no question has this answer to flag."))
        unmet = data.get("unmet_answer", "")
        choices = ScreeningQuestion(kind=kind, choices=data.get("choices", "")).choice_list()
        if kind == ScreeningQuestion.Kind.CHOICE and len(choices) < 2:
            self.add_error("choices", _("Give at least two choices, one a line."))
        if unmet and kind == ScreeningQuestion.Kind.CHOICE and unmet not in choices:
            self.add_error(
                "unmet_answer",
                _("Give one of the answers: %(choices)s.") % {"choices": ", ".join(choices)},
            )
        if unmet and kind == ScreeningQuestion.Kind.TEXT:
            self.add_error("unmet_answer", _("A text answer cannot be checked; leave this empty."))
        return data


# A new ad's first questions, written with it: three rows, any left empty are no
# question; more are added on the saved draft.
NewAdQuestions = forms.formset_factory(QuestionForm, extra=3, max_num=3, absolute_max=3)


class ListedInput(forms.TextInput):
    """A text field that offers the careers site's departments as it is typed (a
    <datalist>): the ad lands on its department's page, while any name may be typed."""

    template_name = "ats/widgets/listed_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["listed"] = list(Department.objects.values_list("name", flat=True))
        if context["listed"]:
            context["widget"]["attrs"]["list"] = f"{context['widget']['attrs']['id']}-listed"
        return context


class OpeningForm(forms.ModelForm):
    """The job ad, as a recruiter writes it; its state changes are separate actions."""

    class Meta:
        model = Opening
        fields = [
            "title", "language", "department", "location", "workplace_type",
            "employment_type", "extent", "positions", "salary_min", "salary_max",
            "salary_currency", "salary_period", "application_deadline", "description",
            "contact_name", "contact_email",
        ]  # fmt: skip
        widgets = {
            "application_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 16}),
            "salary_currency": forms.TextInput(attrs={"size": 3}),
            "department": ListedInput,
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and low > high:
            self.add_error("salary_max", _("The pay range must end above where it starts."))
        return data


class AdTemplateForm(OpeningForm):
    """A template: its name and department, and the ad's fields as the ad's own form
    checks them (no last day, no department of the ad's: the template's)."""

    template_name = forms.CharField(
        label=_("Name of the template"), max_length=120, validators=[validate_one_line]
    )
    template_department = forms.ModelChoiceField(
        Department.objects.all(),
        label=_("Department"),
        required=False,
        empty_label=_("No department"),
        help_text=_("Departments are kept on the careers site."),
    )

    class Meta(OpeningForm.Meta):
        fields = [
            f for f in OpeningForm.Meta.fields if f not in ("application_deadline", "department")
        ]

    field_order = ["template_name", "template_department"]

    def __init__(self, *args, template: AdTemplate, **kwargs):
        if template.pk:
            kwargs.setdefault(
                "initial",
                {
                    **template.fields,
                    "template_name": template.name,
                    "template_department": template.department_id,
                },
            )
        super().__init__(*args, **kwargs)


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Swedish time."),
    )
