"""The recruiter's job ads: write, preview, publish, schedule, take down, close, duplicate.

Who may: `ats.add_opening` creates and duplicates; `ats.change_opening` edits any ad the
user sees, and a hiring team's member the drafts of theirs; `ats.publish_opening` changes what is on
the careers page. Every change of state is confirmed: the first POST says what will
happen, the second (with `confirmed`) does it. Anything else is a 404.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from .. import selectors
from ..forms.openings import NewAdQuestions, OpeningForm, QuestionForm, ScheduleForm
from ..models import Opening
from ..services import openings
from .mixins import RecruiterMixin

# What each change of state is called; in which states it is offered is the service's.
STATE_CHANGES = {
    "publish": gettext_lazy("Publish now"),
    "schedule": gettext_lazy("Schedule"),
    "unpublish": gettext_lazy("Take down"),
    "close": gettext_lazy("Close"),
    "archive": gettext_lazy("Archive"),
}

# What the recruiter is told once it is done, in words of what happened.
STATE_CHANGED = {
    "publish": gettext_lazy("The ad is published: it is on the careers page."),
    "schedule": gettext_lazy("The ad is scheduled: it goes on the careers page then."),
    "unpublish": gettext_lazy("The ad is taken down: it is a draft again."),
    "close": gettext_lazy("The ad is closed: it takes no more applications."),
    "archive": gettext_lazy("The ad is archived."),
}

STATE_SERVICES = {
    "publish": openings.publish_opening,
    "unpublish": openings.unpublish_opening,
    "close": openings.close_opening,
    "archive": openings.archive_opening,
}


class OpeningFormMixin(RecruiterMixin):
    template_name = "ats/recruit/opening_form.html"
    form_class = OpeningForm
    opening: Opening | None = None

    def get_context_data(self, **kwargs):
        return super().get_context_data(opening=self.opening, **kwargs)

    def form_valid(self, form):
        if self.request.POST.get("action") == "preview":
            return self.render_to_response(self.get_context_data(form=form, preview=form.instance))
        return self.save(form)


class OpeningCreateView(OpeningFormMixin, FormView):
    """A new ad, blank or from a department's template (?template=<id>), with its first
    questions written beside it and saved with it."""

    permission_required = "ats.add_opening"

    def get_initial(self):
        return selectors.ad_templates.ad_from_template(
            template_id=self.request.GET.get("template", "")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            templates=selectors.ad_templates.ad_templates(),
            new_questions=self.new_questions,
            **kwargs,
        )

    @cached_property
    def new_questions(self) -> NewAdQuestions:
        # A POST without the rows (a client that sends the ad alone) has no questions.
        sent = "questions-TOTAL_FORMS" in self.request.POST
        return NewAdQuestions(self.request.POST if sent else None, prefix="questions")

    def written_questions(self) -> list[dict]:
        """The rows filled in; none when the POST held no rows."""
        if not self.new_questions.is_bound:
            return []
        return [question.cleaned_data for question in self.new_questions if question.has_changed()]

    def form_valid(self, form):
        questions, saving = self.new_questions, self.request.POST.get("action") != "preview"
        if saving and questions.is_bound and not questions.is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def save(self, form):
        opening = openings.create_opening(
            fields=form.cleaned_data,
            created_by=self.request.user,
            stages_of=selectors.ad_templates.chosen_template(
                template_id=self.request.GET.get("template", "")
            ),
            questions=self.written_questions(),
        )
        messages.success(
            self.request, _("The ad is saved as a draft. Add more questions on its form here.")
        )
        return redirect(questions_url(opening))


def questions_url(opening: Opening) -> str:
    """The editor at its questions."""
    return reverse("ats:recruit-opening-edit", kwargs={"opening_id": opening.pk}) + "#questions"


class OpeningEditView(OpeningFormMixin, FormView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.opening_id = kwargs["opening_id"]

    @cached_property
    def editable(self) -> Opening:
        return get_object_or_404(
            selectors.access.editable_openings(self.request.user), pk=self.opening_id
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_staff:
            self.opening = self.editable
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.opening}

    def get_context_data(self, **kwargs):
        user, opening = self.request.user, self.opening
        offered = [
            (action, label)
            for action, label in STATE_CHANGES.items()
            if openings.allows(opening, action) and user.has_perm("ats.publish_opening")
        ]
        if user.has_perm("ats.add_opening"):
            offered.append(("duplicate", _("Duplicate as a new draft")))
        return super().get_context_data(
            actions=offered,
            missing=openings.allows(opening, "publish")
            and openings.missing_for_publishing(opening),
            schedule_form=ScheduleForm(),
            questions=opening.questions.all(),
            question_form=kwargs.pop("question_form", None) or QuestionForm(),
            preview=kwargs.pop("preview", opening),
            ad_employer=selectors.careers.brand().name,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "save")
        if action in ("save", "preview"):
            return super().post(request, *args, **kwargs)
        if action in ("add_question", "remove_question"):
            return self.change_questions(action)
        if action == "duplicate" and request.user.has_perm("ats.add_opening"):
            copy = openings.duplicate_opening(opening=self.opening, created_by=request.user)
            messages.success(request, _("A copy of the ad is saved as a new draft."))
            return redirect("ats:recruit-opening-edit", opening_id=copy.pk)
        if action not in STATE_CHANGES or not request.user.has_perm("ats.publish_opening"):
            raise Http404
        return self.change_state(action)

    def change_questions(self, action: str):
        if action == "remove_question":
            question = self.request.POST.get("question", "")
            if question.isdigit():
                openings.remove_question(opening=self.opening, question_id=int(question))
            return redirect(questions_url(self.opening))
        form = QuestionForm(self.request.POST)
        if not form.is_valid():
            # The ad as saved beside the question's errors: this POST held no ad.
            return self.render_to_response(
                self.get_context_data(form=OpeningForm(instance=self.opening), question_form=form)
            )
        try:
            openings.add_question(opening=self.opening, fields=form.cleaned_data)
        except openings.OpeningError as error:
            return self.refused(str(error))
        messages.success(self.request, _("The question is on the form."))
        return redirect(questions_url(self.opening))

    def save(self, form):
        try:
            openings.update_opening(opening=self.opening, fields=form.cleaned_data)
        except openings.OpeningError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("The ad is saved."))
        return redirect("ats:recruit-opening-edit", opening_id=self.opening.pk)

    def change_state(self, action: str):
        publish_at = None
        if action == "schedule":
            schedule = ScheduleForm(self.request.POST)
            if not schedule.is_valid():
                return self.refused(_("Choose the day and time to publish."))
            publish_at = schedule.cleaned_data["publish_at"]
        if self.request.POST.get("confirmed") != "yes":
            return render(
                self.request,
                "ats/recruit/opening_confirm.html",
                {
                    "opening": self.opening,
                    "action": action,
                    "label": STATE_CHANGES[action],
                    "consequence": self.consequence(action, publish_at),
                    "publish_at": publish_at,
                },
            )
        try:
            if action == "schedule":
                openings.schedule_opening(opening=self.opening, publish_at=publish_at)
            else:
                STATE_SERVICES[action](opening=self.opening)
        except openings.OpeningError as error:
            return self.refused(str(error))
        messages.success(self.request, STATE_CHANGED[action])
        return redirect("ats:recruit-opening-edit", opening_id=self.opening.pk)

    def consequence(self, action: str, publish_at) -> str:
        deadline = self.opening.application_deadline
        until = deadline and date_format(deadline, "DATE_FORMAT")
        return {
            "publish": _("The ad goes on the careers page now and takes applications until the "
                         "end of %(until)s.") % {"until": until},
            "schedule": _("The ad goes on the careers page on %(when)s and takes applications "
                          "until the end of %(until)s.")
            % {"when": publish_at and date_format(localtime(publish_at), "DATETIME_FORMAT"),
               "until": until},
            "unpublish": _("The ad leaves the careers page and becomes a draft again. Its "
                           "applications stay as they are."),
            "close": _("The opening takes no more applications and is never published again. "
                       "Its applicants wait for the hiring decision."),
            "archive": _("The opening moves to the archive. Its applications keep their "
                         "deletion dates."),
        }[action]  # fmt: skip

    def refused(self, message: str):
        messages.error(self.request, message)
        return redirect("ats:recruit-opening-edit", opening_id=self.opening.pk)
