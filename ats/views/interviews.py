"""Interviews on the recruiter's side: times offered to a candidate, a booked interview
moved or cancelled, and the list of one's own."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .. import selectors
from ..forms.recruit import InterviewMoveForm, InterviewProposalForm
from ..services import interviews
from .mixins import ApplicationMixin, RecruiterMixin, said


class InterviewProposeView(ApplicationMixin, View):
    """Offer the candidate times for an interview (a recruiter or hiring manager)."""

    def post(self, request, *args, **kwargs):
        application = self.get_application(deciding=True)
        form = InterviewProposalForm(
            request.POST, team=selectors.access.possible_interviewers(application)
        )
        if not form.is_valid():
            messages.error(request, _("The interview was not proposed: give a time and a place."))
        else:
            with said(
                request,
                done=_("The candidate is invited to choose a time."),
                refused=interviews.InterviewError,
            ):
                interviews.propose_interview(
                    application=application,
                    times=form.times(),
                    length_minutes=form.cleaned_data["length_minutes"],
                    place=form.cleaned_data["place"],
                    interviewers=form.cleaned_data["interviewers"],
                    proposed_by=request.user,
                )
        return redirect("ats:recruit-application", public_id=application.public_id)


class InterviewChangeView(ApplicationMixin, View):
    """Move a booked interview to another time, or cancel one."""

    def post(self, request, *args, **kwargs):
        application = self.get_application(deciding=True)
        interview = get_object_or_404(application.interviews.all(), pk=kwargs["interview_id"])
        try:
            if request.POST.get("action") == "cancel":
                interviews.cancel_interview(interview=interview, cancelled_by=request.user)
                messages.success(request, _("The interview is cancelled; everyone is told."))
            else:
                form = InterviewMoveForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Give the new time."))
                else:
                    interviews.move_interview(
                        interview=interview,
                        starts_at=form.cleaned_data["starts_at"],
                        moved_by=request.user,
                    )
                    messages.success(request, _("The interview is moved; everyone is told."))
        except interviews.InterviewError as error:
            messages.error(request, str(error))
        return redirect("ats:recruit-application", public_id=application.public_id)


class InterviewListView(RecruiterMixin, TemplateView):
    """/recruit/interviews/: the interviews one holds."""

    template_name = "ats/recruit/interviews.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            interviews=selectors.interviews.interviews_of(user=self.request.user), **kwargs
        )
