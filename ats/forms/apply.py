"""The candidate's forms: applying, correcting an application, asking for fresh links
(`/my-data/`) and answering an interview invitation."""

from django import forms
from django.core import signing
from django.core.validators import RegexValidator
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .. import retention
from ..app_settings import app_settings
from ..cv_checks import ACCEPT_ATTRIBUTE, validate_cv
from ..cv_checks.common import not_accepted
from ..models import PrivacyNotice, ScreeningQuestion
from ..models.conversations import MESSAGE_MAX_LENGTH
from ..validators import validate_one_line

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


DETAILS = ("name", "email", "phone", "cover_letter", "cv")


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
        # For the page's script (application-form.js), which checks a file as it is chosen.
        cv.widget.attrs.update(
            {
                "data-max-bytes": app_settings.CV_MAX_BYTES,
                "data-too-large": too_large(),
                "data-wrong-type": not_accepted().message,
            }
        )
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
            ) % {"period": retention.periods()["consent_period"]}
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

    def details(self) -> dict:
        """What the candidate tells of themself: what applying stores, and what a
        correction changes."""
        return {name: self.cleaned_data[name] for name in DETAILS}

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
            self.add_error("cv", too_large())
        # Text that was not UTF-8 arrives with U+FFFD where characters were lost.
        for name in ("name", "email", "phone", "cover_letter"):
            if "\ufffd" in (self.cleaned_data.get(name) or ""):
                self.add_error(
                    name, _("This text holds characters we could not read; please type it again.")
                )
        return super().clean()


def too_large() -> str:
    return _("The file is too large; the largest accepted is %(limit)s.") % {
        "limit": filesizeformat(app_settings.CV_MAX_BYTES)
    }


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


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
