"""The recruiter's forms: moving, noting and scoring one application, interviews, the
hiring team, the actions on the applicants ticked on a list or the board, the search,
the filters and tags, the hiring decision, and the daily digest. The privacy pages'
are in forms/privacy.py."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import retention
from ..app_settings import app_settings
from ..models import (
    Application,
    EmailTemplate,
    HiringTeamMember,
    PipelineStage,
    RejectionReason,
    Score,
    Tag,
)
from ..models.conversations import MESSAGE_MAX_LENGTH
from ..selectors import pipeline_stages
from ..selectors.pipeline import ApplicantFilters
from ..services.pipeline import PLAIN_MOVES, SELECTION_EMAILS
from ..services.scorecards import GivenScore
from ..staff import by_name, mentioned_usernames, staff_name
from ..validators import validate_one_line


class StaffChoiceField(forms.ModelChoiceField):
    """A colleague, chosen from a list by their full name (ats/staff.py)."""

    def label_from_instance(self, obj) -> str:
        return staff_name(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return staff_name(obj)


def rejection_reason_field(label: str) -> forms.ModelChoiceField:
    """The employer's reasons (services/pipeline.py: a rejection needs one)."""
    return forms.ModelChoiceField(
        label=label, queryset=RejectionReason.objects.all(), to_field_name="label", required=False
    )


def rejection_email_field(label: str) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, initial=True)


class PipelineChoiceMixin:
    """A form whose `stage` names a stage of the opening's `pipeline` (pipeline_of): a
    kind for the first of its kind, a stage's id otherwise (pipeline_stages.token_of)."""

    def __init__(self, *args, pipeline: list[PipelineStage], **kwargs):
        super().__init__(*args, **kwargs)
        self.pipeline = pipeline
        moves = [s for s in self.pipeline if s.kind in self.MOVES]
        self.fields["stage"].choices = pipeline_stages.choices(moves)

    def destination(self) -> PipelineStage | None:
        """The stage chosen, if valid and chosen."""
        token = self.cleaned_data.get("stage")
        return pipeline_stages.named(self.pipeline, token) if token else None


class StageForm(PipelineChoiceMixin, forms.Form):
    """One application's move; a rejection takes a reason, as services/pipeline.py says."""

    MOVES = Application.Stage.values
    stage = forms.ChoiceField(label=_("Stage"))
    reason = rejection_reason_field(
        _("Reason, if rejected (for your team; the candidate is not told it)")
    )
    email = rejection_email_field(_("If rejected, send the rejection email after a day"))

    def reason_label(self) -> str:
        reason = self.cleaned_data["reason"]
        return reason.label if reason else ""


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note for the team"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Seen by the hiring team, and by the candidate: notes are part of their right of "
            "access and appear in their export. Deleted with the application."
        ),
    )
    mention = StaffMultipleChoiceField(
        label=_("Tell colleagues"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("They get an email with a link to the application, nothing more."),
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mention"].queryset = by_name(colleagues)

    def note_text(self) -> str:
        """The note with an @mention of each colleague picked (services/mentions.py reads
        them there, and the timeline names them), after what was written."""
        text = self.cleaned_data["text"].strip()
        named = set(mentioned_usernames(text))
        picked = [u.get_username() for u in self.cleaned_data["mention"]]
        added = " ".join(f"@{name}" for name in picked if name not in named)
        return f"{text}\n\n{added}" if added else text


LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The candidate gets an email with a link, reads the message on their own page "
            "and can answer there; the team sees the conversation on the timeline. Part of "
            "the candidate's export; deleted with the application."
        ),
    )


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
    interviewers = StaffMultipleChoiceField(
        label=_("Interviewers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = by_name(team) if team is not None else team

    def times(self) -> list[datetime]:
        return [t for name in ("time_1", "time_2", "time_3") if (t := self.cleaned_data[name])]


class TeamMemberForm(forms.Form):
    """A colleague added to an opening's hiring team, or given another role: chosen
    from the active staff, never typed."""

    user = StaffChoiceField(label=_("Colleague"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=HiringTeamMember.Role.choices)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "team_%s")  # ids of its own on the applicant list
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = by_name(
            get_user_model().objects.filter(is_staff=True, is_active=True)
        )

    def problem(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)


class InterviewMoveForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("New time"), widget=LOCAL_TIME)


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


class BulkActionForm(PipelineChoiceMixin, forms.Form):
    """What to do with the applicants ticked on the list or the board: the button
    pressed (`action`) says which, and which of the other fields it needs."""

    class Action(models.TextChoices):
        MOVE = "move", _("Move")
        REJECT = "reject", _("Reject")
        EMAIL = "email_template", _("Send the email")
        TAG = "tag", _("Tag")
        UNTAG = "untag", _("Remove the tag")

    # Rejection has its own button: it asks for the reason and tells the candidate.
    MOVES = PLAIN_MOVES
    action = forms.ChoiceField(choices=Action.choices)
    selected = ApplicationIdsField(coerce=UUID, required=True)
    stage = forms.ChoiceField(label=_("Move to"), required=False)
    reason = rejection_reason_field(_("Reason (for your team; the candidate is not told it)"))
    email = rejection_email_field(_("Send them the rejection email, after a day"))
    template = forms.ModelChoiceField(
        label=_("Email"),
        queryset=EmailTemplate.objects.filter(key__in=SELECTION_EMAILS),
        to_field_name="key",
        required=False,
    )
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.all(), required=False)

    NEEDS = {
        Action.MOVE: "stage",
        Action.REJECT: "reason",
        Action.EMAIL: "template",
        Action.TAG: "tag",
        Action.UNTAG: "tag",
    }

    def clean(self):
        data = super().clean()
        needed = self.NEEDS.get(data.get("action"))
        if needed and not data.get(needed):
            self.add_error(needed, _("Choose one for the selected applicants."))
        return data

    def problem(self) -> str:
        """What to put right, as one message for the page: which field, where it is known."""
        missing = [
            f"{self.fields[name].label}: {self.errors[name][0]}"
            for name in self.NEEDS.values()
            if name in self.errors
        ]
        return " ".join([str(_("Choose the applicants, and what to do with them.")), *missing])


class ApplicantSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or email"), max_length=200, required=False, validators=[validate_one_line]
    )


class ApplicantFilterForm(forms.Form):
    """The list's and the board's filters and order, from the query string (GET: a
    bookmark keeps them). A value that does not fit is left out, not an error."""

    SCORES = [("", _("Any")), *((f"{n / 2:g}", f"{n / 2:g}") for n in range(3, 9))]

    stage = forms.ChoiceField(
        choices=[("", _("All")), *Application.Stage.choices],
        required=False,
        widget=forms.HiddenInput,  # the stage tabs choose it
    )
    # One stage of the pipeline, where a kind has several (a tab, as the stage).
    pipeline_stage = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, widget=forms.HiddenInput
    )
    source = forms.ChoiceField(label=_("Source"), required=False)
    applied_from = forms.DateField(
        label=_("Applied from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    applied_to = forms.DateField(
        label=_("Applied to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    min_score = forms.TypedChoiceField(
        label=_("Mean score at least"),
        choices=SCORES,
        coerce=Decimal,
        empty_value=None,
        required=False,
        help_text=_("Of the applicants you have scored yourself."),
    )
    flagged = forms.BooleanField(label=_("Requirement not met"), required=False)
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Tag.objects.all(), required=False, empty_label=_("Any")
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), choices=ApplicantFilters.Sort.choices, required=False
    )

    def __init__(self, *args, pipeline: list[PipelineStage] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        sources = app_settings.APPLICATION_SOURCES
        self.fields["source"].choices = [("", _("Any")), *((s, s) for s in sources)]
        self.pipeline = [s for s in pipeline or [] if s.pk]
        self.fields["pipeline_stage"].choices = [("", ""), *((s.pk, s.pk) for s in self.pipeline)]

    def filters(self) -> ApplicantFilters:
        """The filters the valid values give; what did not fit is left out."""
        self.is_valid()
        data = self.cleaned_data
        tag = data.get("tag")
        chosen = data.get("pipeline_stage")
        return ApplicantFilters(
            stage=data.get("stage") or "",
            pipeline_stage=next((s for s in self.pipeline if s.pk == chosen), None),
            source=data.get("source") or "",
            applied_from=data.get("applied_from"),
            applied_to=data.get("applied_to"),
            min_score=data.get("min_score"),
            flagged=bool(data.get("flagged")),
            tag=tag.pk if tag else None,
            sort=data.get("sort") or ApplicantFilters.Sort.DATE,
        )


class DigestForm(forms.Form):
    daily_digest = forms.BooleanField(
        label=_("Email me each morning what waits for me (counts and links, no names)"),
        required=False,
    )


class TagForm(forms.Form):
    name = forms.CharField(label=_("New tag"), max_length=50, validators=[validate_one_line])


class TagChoiceForm(forms.Form):
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.all())


class SearchForm(forms.Form):
    """Search across every application one may see (/recruit/search/)."""

    q = forms.CharField(
        label=_("Search"),
        help_text=_("Name, email, phone, letter, answers, notes or the CV's text."),
        max_length=200,
        required=False,
        validators=[validate_one_line],
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
        today = retention.employer_date(timezone.now())
        decided_on = self.cleaned_data["decided_on"] or today
        if decided_on > today:
            raise forms.ValidationError(_("A hiring decision cannot be dated in the future."))
        return decided_on

    def decided_at(self) -> datetime:
        return retention.decision_time(self.cleaned_data["decided_on"], now=timezone.now())
