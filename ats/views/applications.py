"""The recruiter's page of one application, and what is done there: its stage, a note,
one's scores, taking back an email not yet sent, its CV downloaded or read inside the
page."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .. import cv_render, retention, selectors
from ..downloads import cv_download
from ..forms.recruit import (
    InterviewMoveForm,
    InterviewProposalForm,
    MessageForm,
    NoteForm,
    ScorecardForm,
    StageForm,
    TagChoiceForm,
)
from ..models import AccessEvent, Application, RejectionReason
from ..person_keys import person_key
from ..services import conversations, pipeline, scorecards
from ..services.access_log import record_access, record_access_once
from ..services.candidate_emails import cancel_waiting_emails, message_start
from ..services.locks import BeingDeleted
from ..services.notes import add_note
from .mixins import ApplicationMixin, said

# A PDF's page images fetched within this of its page's logged view are that view.
CV_VIEW_LASTS = timedelta(minutes=10)


class ApplicationDetailView(ApplicationMixin, TemplateView):
    template_name = "ats/recruit/application.html"

    def get_template_names(self):
        if self.application.is_restricted:
            return ["ats/recruit/restricted.html"]
        return [self.template_name]

    @cached_property
    def application(self) -> Application:
        return self.get_application(restricted=True)

    def get_context_data(self, **kwargs):
        application = self.application
        kwargs["can_hold"] = selectors.access.can_hold(self.request.user)
        if application.is_restricted:  # nothing of the person is shown, so nothing is read
            return super().get_context_data(application=application, **kwargs)
        record_access(
            user=self.request.user,
            action=AccessEvent.Action.VIEW,
            public_ids=[application.public_id],
        )
        card = selectors.applications.scorecard(application=application, user=self.request.user)
        can_act = selectors.access.can_decide_on(self.request.user, application.opening)
        pipeline = selectors.pipeline_stages.pipeline_of(application.opening)
        at = selectors.pipeline_stages.stage_of(pipeline, application)
        if can_act:  # who may answer has now seen the candidate's answers
            conversations.read_replies(application=application)
        return super().get_context_data(
            application=application,
            scorecard=card,
            timeline=selectors.applications.timeline(application=application, deciding=can_act),
            score_form=kwargs.pop("score_form", None)
            or ScorecardForm(criteria=card.criteria, mine=card.mine),
            stage_form=StageForm(
                pipeline=pipeline,
                initial={"stage": selectors.pipeline_stages.token_of(at) if at else ""},
            ),
            pipeline_stage=at,
            rejection_reason=RejectionReason.said_in(application.rejection_reason, get_language()),
            can_act=can_act,
            hidden=selectors.access.hidden_fields(deciding=can_act),
            interview_form=InterviewProposalForm(
                team=selectors.access.possible_interviewers(application)
            )
            if can_act
            else None,
            move_form=InterviewMoveForm(),
            note_form=kwargs.pop("note_form", None)
            or NoteForm(
                colleagues=selectors.access.colleagues_to_tell(application, user=self.request.user)
            ),
            tag_form=TagChoiceForm() if can_act else None,
            **(self.conversation(application, kwargs.pop("message_form", None)) if can_act else {}),
            can_view_cv=selectors.access.can_view_cv(self.request.user, application),
            can_download=selectors.access.can_download_cv(self.request.user, application),
            person_key=person_key(application.email),
            **retention.periods(),
            **kwargs,
        )

    def conversation(self, application: Application, form: MessageForm | None) -> dict:
        """The message form, started from the template the user chose (?start=)."""
        # Those a selection at its stage may be sent (pipeline.SELECTION_EMAILS): no
        # "position filled" before the decision, no "interview booked" without one.
        templates = selectors.applications.message_templates(
            keys=pipeline.selection_emails(application.stage)
        )
        chosen = next((t for t in templates if t.key == self.request.GET.get("start")), None)
        form = form or MessageForm(
            prefix="message", initial={"text": message_start(chosen, application) if chosen else ""}
        )
        return {
            "message_form": form,
            "message_templates": templates,
            "message_start": chosen and chosen.key,
        }


class MessageCreateView(ApplicationDetailView):
    """The team's message to the candidate; refused (unfilled placeholders, say), the
    page comes back with what was typed."""

    def post(self, request, *args, **kwargs):
        application = self.get_application(deciding=True)
        form = MessageForm(request.POST, prefix="message")
        if form.is_valid():
            try:
                conversations.write_to_candidate(
                    application=application,
                    text=form.cleaned_data["text"],
                    written_by=request.user,
                )
            except (conversations.MessageRefused, BeingDeleted) as refusal:
                form.add_error("text", str(refusal))
            else:
                messages.success(request, _("The message is sent: the candidate gets a link."))
                return redirect(
                    reverse("ats:recruit-application", args=[application.public_id]) + "#timeline"
                )
        return self.render_to_response(self.get_context_data(message_form=form), status=400)


class StageChangeView(ApplicationMixin, View):
    def post(self, request, *args, **kwargs):
        application = self.get_application(deciding=True)
        stages = selectors.pipeline_stages.pipeline_of(application.opening)
        form = StageForm(request.POST, pipeline=stages)
        if form.is_valid():
            to = form.destination()
            with said(request, done=_("Stage changed."), refused=pipeline.MoveRefused):
                pipeline.move_application(
                    application=application,
                    stage=to.kind,
                    pipeline_stage=to if to.pk else None,
                    moved_by=request.user,
                    reason=form.reason_label(),
                    email=form.cleaned_data["email"],
                )
        return redirect("ats:recruit-application", public_id=application.public_id)


class NoteCreateView(ApplicationMixin, View):
    def post(self, request, *args, **kwargs):
        application = self.get_application()
        form = NoteForm(
            request.POST,
            colleagues=selectors.access.colleagues_to_tell(application, user=request.user),
        )
        if form.is_valid():
            add_note(application=application, text=form.note_text(), author=request.user)
            messages.success(request, _("Note saved."))
        else:
            messages.error(request, _("The note was empty or too long, and was not saved."))
        return redirect("ats:recruit-application", public_id=application.public_id)


class ScoreView(ApplicationMixin, View):
    """One's scores of the application in its current stage."""

    def post(self, request, *args, **kwargs):
        application = self.get_application()
        card = selectors.applications.scorecard(application=application, user=request.user)
        form = ScorecardForm(request.POST, criteria=card.criteria)
        if not form.is_valid():
            messages.error(request, _("The scores were not saved: give a score with each comment."))
        else:
            scorecards.score_application(
                application=application, scored_by=request.user, scores=form.given()
            )
            messages.success(request, _("Your scores are saved."))
        return redirect("ats:recruit-application", public_id=application.public_id)


class EmailCancelView(ApplicationMixin, View):
    """Take back the emails that have not gone yet (a rejection, within its day)."""

    def post(self, request, *args, **kwargs):
        application = self.get_application(deciding=True)
        if cancel_waiting_emails(application=application):
            messages.success(request, _("The email will not be sent."))
        return redirect("ats:recruit-application", public_id=application.public_id)


class CvDownloadView(ApplicationMixin, View):
    permission_required = "ats.download_cv"

    def get(self, request, *args, **kwargs):
        application = self.get_application()
        record_access(
            user=request.user,
            action=AccessEvent.Action.DOWNLOAD_CV,
            public_ids=[application.public_id],
        )
        return cv_download(application)


class CvView(ApplicationMixin, TemplateView):
    """The CV inside the page, for whoever may see the application (interviewers too):
    rendered on each request, nothing of it kept; each view in the access log."""

    template_name = "ats/recruit/cv.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        application = selectors.applications.application_for_cv(
            user=user, public_id=self.kwargs["public_id"]
        )
        record_access(
            user=user, action=AccessEvent.Action.VIEW_CV, public_ids=[application.public_id]
        )
        try:
            rendering = cv_render.render(application.cv.name)
        except cv_render.CannotRender:
            rendering = None
        return super().get_context_data(
            application=application,
            rendering=rendering,
            can_download=selectors.access.can_download_cv(user, application),
            **kwargs,
        )


class CvPageView(ApplicationMixin, View):
    """One page of a PDF CV as a PNG, for the CV's page: checked as that page is, and
    logged as a view of the CV unless its page was, a moment before, for this user."""

    def get(self, request, *args, **kwargs):
        application = selectors.applications.application_for_cv(
            user=request.user, public_id=kwargs["public_id"]
        )
        try:
            image = cv_render.pdf_page_png(application.cv.name, kwargs["number"])
        except cv_render.CannotRender as error:
            raise Http404 from error
        record_access_once(
            user=request.user,
            action=AccessEvent.Action.VIEW_CV,
            public_id=application.public_id,
            within=CV_VIEW_LASTS,
        )
        return HttpResponse(image, content_type="image/png")
