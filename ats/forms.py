from datetime import datetime
from uuid import UUID

from django import forms
from django.core import signing
from django.core.validators import RegexValidator
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import retention
from .app_settings import app_settings
from .cv_checks import ACCEPT_ATTRIBUTE, validate_cv
from .models import (
    Application,
    EmailTemplate,
    Opening,
    PrivacyNotice,
    RejectionReason,
    Score,
    ScreeningQuestion,
)
from .services.scorecards import GivenScore
from .validators import validate_one_line

NOTICE_SALT = "ats.privacy-notice-shown"


def _notice_signer() -> signing.Signer:
    return signing.Signer(salt=NOTICE_SALT)  # made when used: it reads SECRET_KEY


def sign_notice_shown(notice: PrivacyNotice) -> str:
    """The notice a form page shows, for the form to send back: its id, signed."""
    return _notice_signer().sign(str(notice.pk))


phone_characters = RegexValidator(
    r"^\+?[0-9 ()\-]{5,40}$",
    _("Enter a phone number with digits, spaces and an optional leading +."),
)


class ApplicationForm(forms.Form):
    """The application form, for an opening or spontaneous (opening=None).

    `cleaned_data["cv"]` is a cv_checks.ValidatedCv.
    """

    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        validators=[validate_one_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send your receipt here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        validators=[phone_characters, validate_one_line],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    cover_letter = forms.CharField(
        label=_("Cover letter (optional)"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    cv = forms.FileField(
        label=_("CV"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE})
    )
    consent = forms.BooleanField(required=False, initial=False)
    notice = forms.CharField(required=False, widget=forms.HiddenInput)
    source = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    # Made for each page shown: a second tap on "send" brings it back, already used.
    once = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    no_consent = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, opening=None, cv_too_large: bool = False, **kwargs):
        """cv_too_large: the upload was dropped unread past ATS_CV_MAX_BYTES."""
        super().__init__(*args, **kwargs)
        cv = self.fields["cv"]
        cv.help_text = _("PDF, Word (DOCX) or OpenDocument (ODT), at most %(size)s.") % {
            "size": filesizeformat(app_settings.CV_MAX_BYTES)
        }
        self.cv_too_large = cv_too_large
        if cv_too_large:
            cv.required = False  # one message, below, rather than "required" beside it
        self.questions = list(opening.questions.all()) if opening is not None else []
        for question in self.questions:
            self.fields[question_field(question)] = question_form_field(question)
        consent = self.fields["consent"]
        if opening is None:
            consent.label = _(
                "Keep my application for up to %(period)s so that you can consider me for "
                "future openings."
            ) % {"period": retention.describe_period(app_settings.CONSENT_RETENTION)}
            consent.help_text = _(
                "Without this consent your application is deleted at once and will not be "
                "considered. You can withdraw consent at any time."
            )
        else:
            consent.label = _(
                "You may also contact me about other openings while you keep my application."
            )
            consent.help_text = _("Optional. It does not change how long we keep your application.")

    def clean_cv(self):
        return self.cleaned_data["cv"] and validate_cv(self.cleaned_data["cv"])

    def clean_source(self) -> str:
        """One of ATS_APPLICATION_SOURCES, or none: never what a link made up."""
        source = self.cleaned_data["source"].strip().lower()
        return source if source in app_settings.APPLICATION_SOURCES else ""

    def question_fields(self) -> list[forms.BoundField]:
        return [self[question_field(question)] for question in self.questions]

    def answers(self) -> list[tuple[ScreeningQuestion, str]]:
        return [(q, self.cleaned_data.get(question_field(q), "")) for q in self.questions]

    def clean_notice(self) -> int | None:
        """The id of the notice the candidate was shown, which their consent is given
        on; None when absent or altered: the notice in force then stands in."""
        try:
            return int(_notice_signer().unsign(self.cleaned_data["notice"]))
        except (signing.BadSignature, ValueError):
            return None

    def clean(self):
        if self.cv_too_large:
            self.add_error(
                "cv",
                _("The file is too large; the largest accepted is %(limit)s.")
                % {"limit": filesizeformat(app_settings.CV_MAX_BYTES)},
            )
        # Text that was not UTF-8 arrives with U+FFFD where characters were lost.
        for name in ("name", "email", "phone", "cover_letter"):
            if "\ufffd" in (self.cleaned_data.get(name) or ""):
                self.add_error(
                    name, _("This text holds characters we could not read; please type it again.")
                )
        return super().clean()


def question_field(question: ScreeningQuestion) -> str:
    return f"question_{question.pk}"


def question_form_field(question: ScreeningQuestion) -> forms.Field:
    if question.kind == ScreeningQuestion.Kind.TEXT:
        return forms.CharField(label=question.text, max_length=500, validators=[validate_one_line])
    labels = {"yes": _("Yes"), "no": _("No")}
    return forms.ChoiceField(
        label=question.text,
        choices=[(choice, labels.get(choice, choice)) for choice in question.choice_list()]
        if question.kind == ScreeningQuestion.Kind.YES_NO
        else [(choice, choice) for choice in question.choice_list()],
        widget=forms.RadioSelect,
    )


class QuestionForm(forms.ModelForm):
    class Meta:
        model = ScreeningQuestion
        fields = ["text", "kind", "choices", "unmet_answer"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        kind, unmet = data.get("kind"), data.get("unmet_answer", "")
        choices = ScreeningQuestion(kind=kind, choices=data.get("choices", "")).choice_list()
        if kind == ScreeningQuestion.Kind.CHOICE and len(choices) < 2:
            self.add_error("choices", _("Give at least two choices, one a line."))
        if unmet and kind != ScreeningQuestion.Kind.TEXT and unmet not in choices:
            self.add_error(
                "unmet_answer",
                _("Give one of the answers: %(choices)s.") % {"choices": ", ".join(choices)},
            )
        if unmet and kind == ScreeningQuestion.Kind.TEXT:
            self.add_error("unmet_answer", _("A text answer cannot be checked; leave this empty."))
        return data


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Application.Stage.choices)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Seen by the hiring team, and by the candidate: notes are part of their right of "
            "access and appear in their export. Deleted with the application. Write "
            "@username to tell a colleague on the team (they get a link, nothing more)."
        ),
    )


LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class InterviewProposalForm(forms.Form):
    """Times to offer the candidate (one to three), how long, where, with whom."""

    time_1 = forms.DateTimeField(label=_("Time"), widget=LOCAL_TIME)
    time_2 = forms.DateTimeField(label=_("Another time"), widget=LOCAL_TIME, required=False)
    time_3 = forms.DateTimeField(label=_("A third time"), widget=LOCAL_TIME, required=False)
    length_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=15, max_value=480, initial=45
    )
    place = forms.CharField(
        label=_("Place or video link"),
        max_length=300,
        help_text=_("Shown to the candidate."),
        validators=[validate_one_line],
    )
    interviewers = forms.ModelMultipleChoiceField(
        label=_("Interviewers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = team

    def times(self) -> list[datetime]:
        return [t for name in ("time_1", "time_2", "time_3") if (t := self.cleaned_data[name])]


class InterviewMoveForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("New time"), widget=LOCAL_TIME)


class InterviewChoiceForm(forms.Form):
    """The candidate's answer to an interview invitation: one of the times, or none."""

    class Choice(models.TextChoices):
        BOOK = "book", _("Book this time")
        OTHER = "other", _("None of these times suits me")

    choice = forms.ChoiceField(choices=Choice.choices)
    interview = forms.IntegerField(min_value=1)
    slot = forms.IntegerField(min_value=1, required=False)
    message = forms.CharField(max_length=500, required=False, validators=[validate_one_line])

    def clean(self):
        data = super().clean()
        if data.get("choice") == self.Choice.BOOK and not data.get("slot"):
            self.add_error("slot", _("Choose one of the times."))
        return data


class ScorecardForm(forms.Form):
    """One's scores of an applicant, a score (1 to 4) and a comment per criterion of
    the opening's profile; a criterion left empty is not scored."""

    def __init__(self, *args, criteria=(), mine=None, **kwargs):
        mine = mine or {}
        initial = {}
        for criterion_id, score in mine.items():
            initial[f"score_{criterion_id}"] = score.value
            initial[f"comment_{criterion_id}"] = score.comment
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=[("", _("Not scored")), *Score.Value.choices],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": criterion.name},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        data = super().clean()
        for criterion in self.criteria:
            if data.get(f"comment_{criterion.pk}") and data.get(f"score_{criterion.pk}") is None:
                self.add_error(f"score_{criterion.pk}", _("Give a score with the comment."))
        return data

    def rows(self):
        """(criterion, its score field, its comment field), for the template."""
        return [
            (criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"])
            for criterion in self.criteria
        ]

    def given(self) -> list[GivenScore]:
        return [
            GivenScore(
                criterion=criterion,
                value=self.cleaned_data[f"score_{criterion.pk}"],
                comment=self.cleaned_data[f"comment_{criterion.pk}"],
            )
            for criterion in self.criteria
            if self.cleaned_data.get(f"score_{criterion.pk}") is not None
        ]


class ApplicationIdsField(forms.TypedMultipleChoiceField):
    """Any number of application ids: the service takes only those the user may act on
    (the decision, those of the opening)."""

    def valid_value(self, value) -> bool:
        try:
            UUID(str(value))
        except ValueError:
            return False
        return True


class BulkActionForm(forms.Form):
    """What to do with the applicants ticked on the list or the board: the button
    pressed (`action`) says which, and which of the other fields it needs."""

    class Action(models.TextChoices):
        MOVE = "move", _("Move")
        REJECT = "reject", _("Reject")
        EMAIL = "email_template", _("Send the email")

    action = forms.ChoiceField(choices=Action.choices)
    selected = ApplicationIdsField(coerce=UUID, required=True)
    stage = forms.ChoiceField(
        label=_("Move to"),
        # Rejection has its own button: it asks for the reason and tells the candidate.
        choices=[c for c in Application.Stage.choices if c[0] != Application.Stage.REJECTED],
        required=False,
    )
    reason = forms.ModelChoiceField(
        label=_("Reason (for your team; the candidate is not told it)"),
        queryset=RejectionReason.objects.all(),
        to_field_name="label",
        required=False,
    )
    email = forms.BooleanField(
        label=_("Send them the rejection email, after a day"), required=False, initial=True
    )
    template = forms.ModelChoiceField(
        label=_("Email"),
        queryset=EmailTemplate.objects.all(),
        to_field_name="key",
        required=False,
    )

    NEEDS = {Action.MOVE: "stage", Action.REJECT: "reason", Action.EMAIL: "template"}

    def clean(self):
        data = super().clean()
        needed = self.NEEDS.get(data.get("action"))
        if needed and not data.get(needed):
            self.add_error(needed, _("Choose one for the selected applicants."))
        return data


class ApplicantSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or email"), max_length=200, required=False, validators=[validate_one_line]
    )


class DecisionForm(forms.Form):
    hired = ApplicationIdsField(
        label=_("Hired"), required=False, coerce=UUID, widget=forms.CheckboxSelectMultiple
    )
    decided_on = forms.DateField(
        label=_("Decision date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Today unless the decision was made earlier."),
    )
    confirm_backdating = forms.BooleanField(
        label=_("Yes, record the decision with this date and these deletion dates."),
        required=False,
    )

    def __init__(self, *args, shortlist=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hired"].choices = [(a.public_id, a.name) for a in shortlist]

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"] or timezone.localdate()
        if decided_on > timezone.localdate():
            raise forms.ValidationError(_("A hiring decision cannot be dated in the future."))
        return decided_on

    def decided_at(self) -> datetime:
        return retention.decision_time(self.cleaned_data["decided_on"], now=timezone.now())


class CorrectionForm(ApplicationForm):
    """Rectification: the same fields and checks as applying; a new CV is optional. The
    screening answers and the source were given once; they are not corrected here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in [
            "consent",
            "source",
            "once",
            "no_consent",
            *map(question_field, self.questions),
        ]:
            del self.fields[name]
        self.questions = []
        self.fields["cv"].required = False
        self.fields["cv"].label = _("Replace the CV (optional)")


class MyDataForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PrivacyRequestForm(forms.Form):
    class Action(models.TextChoices):
        FIND = "find", _("Find applications")
        EXPORT = "export", _("Export all as one ZIP")
        ERASE = "erase", _("Erase all")

    email = forms.EmailField(label=_("The person's email address"), max_length=254)
    # Which button was pressed; a page without one (an old form) finds.
    action = forms.TypedChoiceField(
        choices=Action.choices, coerce=Action, required=False, empty_value=Action.FIND
    )
    received_on = forms.DateField(
        label=_("Request received on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The answer is due one month later."),
    )

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("A request cannot arrive in the future."))
        return received_on


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
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and low > high:
            self.add_error("salary_max", _("The pay range must end above where it starts."))
        return data


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Swedish time."),
    )
