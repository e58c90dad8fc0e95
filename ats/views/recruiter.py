"""Pages for recruiters. Need to know: what a user may not see is a 404, as if it did
not exist. Every read of an application is written to the access log."""

import json
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from .. import retention, selectors
from ..app_settings import app_settings
from ..downloads import cv_download
from ..exports import write_export
from ..forms.recruit import (
    ApplicantSearchForm,
    BulkActionForm,
    DecisionForm,
    InterviewMoveForm,
    InterviewProposalForm,
    NoteForm,
    PrivacyRequestForm,
    ScorecardForm,
    StageForm,
)
from ..models import AccessEvent, Application, HiringTeamMember, MeritRequest, Opening
from ..services import interviews, merits, pipeline, privacy_requests, scorecards, team
from ..services.access_log import record_access
from ..services.candidate_emails import cancel_waiting_emails
from ..services.decisions import BackdatingUnconfirmed, DecisionError, record_hiring_decision
from ..services.locks import BeingDeleted
from ..services.review import add_note, change_stage
from .body_limits import LimitedBodyMixin


class RecruiterMixin(LimitedBodyMixin, LoginRequiredMixin):
    """Staff only; nothing a recruiter sees may be cached by a browser or a proxy."""

    permission_required: str | None = None

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (
            user.is_staff
            and (self.permission_required is None or user.has_perm(self.permission_required))
        ):
            raise Http404
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class RecruiterHomeView(RecruiterMixin, TemplateView):
    template_name = "ats/recruit/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            home=selectors.pipeline.recruiter_home(user=self.request.user),
            stages=Application.Stage.choices,
            **kwargs,
        )


class BulkActionsMixin:
    """The applicants ticked on a page (the list, the board), moved, rejected or sent an
    email in one POST, through one set-based service. Interviewers do none of it: 404."""

    def act_on_selection(self, opening: Opening | None):
        user = self.request.user
        if not selectors.access.can_decide_on(user, opening):
            raise Http404
        form = BulkActionForm(self.request.POST)
        if not form.is_valid():
            messages.error(self.request, _("Choose the applicants, and what to do with them."))
            return redirect(self.request.get_full_path())
        data = form.cleaned_data
        chosen = selectors.pipeline.chosen(user=user, opening=opening, public_ids=data["selected"])
        Action = BulkActionForm.Action
        if data["action"] == Action.MOVE:
            count = pipeline.move_applications(
                applications=chosen, stage=data["stage"], moved_by=user
            )
            done = ngettext("%(count)d applicant moved.", "%(count)d applicants moved.", count)
            none = _("No applicant was moved: those ticked are at that stage already.")
        elif data["action"] == Action.REJECT:
            count = pipeline.reject_applications(
                applications=chosen,
                reason=data["reason"].label,
                rejected_by=user,
                email=data["email"],
            )
            done = ngettext(
                "%(count)d applicant rejected.", "%(count)d applicants rejected.", count
            )
            none = _("No applicant was rejected: those ticked are rejected already.")
        else:
            count = pipeline.email_applications(
                applications=chosen, template=data["template"], sent_by=user
            )
            done = ngettext(
                "%(count)d email will be sent within a minute.",
                "%(count)d emails will be sent within a minute.",
                count,
            )
            none = _(
                "No email will be sent: those ticked have restricted the processing of their data."
            )
        if count:
            messages.success(self.request, done % {"count": count})
        else:  # nothing was stored: no ticked applicant qualifies
            messages.warning(self.request, none)
        return redirect(self.request.get_full_path())

    def bulk_context(self, opening: Opening | None) -> dict:
        return {
            "bulk_form": BulkActionForm(),
            "can_act": selectors.access.can_decide_on(self.request.user, opening),
        }


class ApplicantListView(BulkActionsMixin, RecruiterMixin, TemplateView):
    """An opening's applicants, or the spontaneous pool. The search term is personal
    data, so it travels by POST and waits in the session, never in a URL."""

    template_name = "ats/recruit/applicants.html"

    @property
    def search_key(self) -> str:
        return f"ats_search_{self.kwargs.get('opening_id', 'spontaneous')}"

    @cached_property
    def opening(self) -> Opening | None:
        """The opening, or None for the spontaneous pool; 404 if the user may not see it."""
        if "opening_id" in self.kwargs:
            return selectors.pipeline.opening_for_recruiter(
                user=self.request.user, opening_id=self.kwargs["opening_id"]
            )
        if not selectors.access.can_see_spontaneous(self.request.user):
            raise Http404
        return None

    def post(self, request, *args, **kwargs):
        self.opening  # noqa: B018 - a 404 before anything is stored
        action = request.POST.get("action")
        if action in BulkActionForm.Action.values:
            return self.act_on_selection(self.opening)
        if action in ("team_set", "team_remove"):
            return self.change_team(action)
        if action in ("criterion_add", "criterion_remove"):
            return self.change_profile(action)
        form = ApplicantSearchForm(request.POST)
        request.session[self.search_key] = form.cleaned_data["q"] if form.is_valid() else ""
        return redirect(request.path)

    def change_team(self, action: str):
        opening = self.opening
        if opening is None or not selectors.access.can_manage_team(self.request.user, opening):
            raise Http404
        post = self.request.POST
        try:
            if action == "team_set":
                team.set_member(
                    opening=opening, username=post.get("username", ""), role=post.get("role", "")
                )
            elif post.get("member", "").isdigit():
                team.remove_member(opening=opening, member_id=int(post["member"]))
        except team.TeamError as error:
            messages.error(self.request, str(error))
        return redirect(self.request.path)

    def change_profile(self, action: str):
        """The requirement profile, edited by those who may edit the team."""
        opening = self.opening
        if opening is None or not selectors.access.can_manage_team(self.request.user, opening):
            raise Http404
        post = self.request.POST
        try:
            if action == "criterion_add":
                scorecards.add_criterion(opening=opening, name=post.get("name", ""))
            elif post.get("criterion", "").isdigit():
                scorecards.remove_criterion(opening=opening, criterion_id=int(post["criterion"]))
        except scorecards.ScorecardError as error:
            messages.error(self.request, str(error))
        return redirect(self.request.path)

    def get_context_data(self, **kwargs):
        opening = self.opening
        search = self.request.session.get(self.search_key, "")
        stage = self.request.GET.get("stage", "")
        if stage not in Application.Stage.values:
            stage = ""
        applicants = selectors.pipeline.applicant_list(
            user=self.request.user,
            opening=opening,
            stage=stage,
            search=search,
            page_number=self.request.GET.get("page", 1),
        )
        members = (
            list(opening.team_members.select_related("user").order_by("role", "user__username"))
            if opening
            else []
        )
        return super().get_context_data(
            opening=opening,
            applicants=applicants,
            stage=stage,
            search_form=ApplicantSearchForm(initial={"q": search}),
            **self.bulk_context(opening),
            team=members,
            can_manage_team=opening is not None
            and selectors.access.can_manage_team(self.request.user, opening, members=members),
            roles=HiringTeamMember.Role.choices,
            criteria=list(opening.criteria.all()) if opening else [],
            search=search,
            **kwargs,
        )


class BoardView(BulkActionsMixin, RecruiterMixin, TemplateView):
    """The pipeline: a column per stage, a card per applicant. A card moves by its own
    form (a bulk move of one), by drag and drop or by the keyboard (board.js)."""

    template_name = "ats/recruit/board.html"

    @cached_property
    def opening(self) -> Opening:
        return selectors.pipeline.opening_for_recruiter(
            user=self.request.user, opening_id=self.kwargs["opening_id"]
        )

    def post(self, request, *args, **kwargs):
        return self.act_on_selection(self.opening)

    def get_context_data(self, **kwargs):
        opening = self.opening
        return super().get_context_data(
            opening=opening,
            columns=selectors.pipeline.board(user=self.request.user, opening=opening),
            move_to=BulkActionForm.base_fields["stage"].choices,
            **self.bulk_context(opening),
            **kwargs,
        )


class ApplicationMixin(RecruiterMixin):
    def get_application(self, *, restricted: bool = False, deciding: bool = False) -> Application:
        """404 for a restricted application unless the page only says that it is; with
        `deciding`, 404 unless the user may move, email and decide on it (an
        interviewer may not)."""
        application = selectors.applications.application_for_review(
            user=self.request.user, public_id=self.kwargs["public_id"], restricted=restricted
        )
        if deciding and not selectors.access.can_decide_on(self.request.user, application.opening):
            raise Http404
        return application


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
        if application.is_restricted:  # nothing of the person is shown, so nothing is read
            return super().get_context_data(application=application, **kwargs)
        record_access(
            user=self.request.user,
            action=AccessEvent.Action.VIEW,
            public_ids=[application.public_id],
        )
        card = selectors.applications.scorecard(application=application, user=self.request.user)
        can_act = selectors.access.can_decide_on(self.request.user, application.opening)
        return super().get_context_data(
            application=application,
            scorecard=card,
            timeline=selectors.applications.timeline(application=application),
            score_form=kwargs.pop("score_form", None)
            or ScorecardForm(criteria=card.criteria, mine=card.mine),
            stage_form=StageForm(initial={"stage": application.stage}),
            can_act=can_act,
            hidden=selectors.access.hidden_fields(deciding=can_act),
            interview_form=InterviewProposalForm(
                team=selectors.access.possible_interviewers(application)
            )
            if can_act
            else None,
            move_form=InterviewMoveForm(),
            note_form=kwargs.pop("note_form", None) or NoteForm(),
            can_download=self.request.user.has_perm("ats.download_cv"),
            decision_period=retention.describe_period(app_settings.RETENTION_AFTER_DECISION),
            **kwargs,
        )


def being_deleted(request, error: BeingDeleted):
    """The application went while its page was open: say so where the user can go on."""
    messages.error(request, str(error))
    return redirect("ats:recruit-home")


class StageChangeView(ApplicationMixin, View):
    def post(self, request, *args, **kwargs):
        application = self.get_application(deciding=True)
        form = StageForm(request.POST)
        if form.is_valid():
            try:
                change_stage(
                    application=application,
                    stage=form.cleaned_data["stage"],
                    changed_by=request.user,
                )
            except BeingDeleted as error:
                return being_deleted(request, error)
            messages.success(request, _("Stage changed."))
        return redirect("ats:recruit-application", public_id=application.public_id)


class NoteCreateView(ApplicationMixin, View):
    def post(self, request, *args, **kwargs):
        application = self.get_application()
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                add_note(
                    application=application, text=form.cleaned_data["text"], author=request.user
                )
            except BeingDeleted as error:
                return being_deleted(request, error)
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
            try:
                scorecards.score_application(
                    application=application, scored_by=request.user, scores=form.given()
                )
            except BeingDeleted as error:
                return being_deleted(request, error)
            messages.success(request, _("Your scores are saved."))
        return redirect("ats:recruit-application", public_id=application.public_id)


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
            try:
                interviews.propose_interview(
                    application=application,
                    times=form.times(),
                    length_minutes=form.cleaned_data["length_minutes"],
                    place=form.cleaned_data["place"],
                    interviewers=form.cleaned_data["interviewers"],
                    proposed_by=request.user,
                )
            except interviews.InterviewError as error:
                messages.error(request, str(error))
            except BeingDeleted as error:
                return being_deleted(request, error)
            else:
                messages.success(request, _("The candidate is invited to choose a time."))
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
        except BeingDeleted as error:
            return being_deleted(request, error)
        return redirect("ats:recruit-application", public_id=application.public_id)


class InterviewListView(RecruiterMixin, TemplateView):
    """/recruit/interviews/: the interviews one holds."""

    template_name = "ats/recruit/interviews.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            interviews=selectors.interviews.interviews_of(user=self.request.user), **kwargs
        )


class MeritsView(RecruiterMixin, TemplateView):
    """/recruit/openings/<id>/merits/: answer the merit requests of an opening's
    applicants (Discrimination Act 2:4) from a draft, reviewed before it is sent."""

    template_name = "ats/recruit/merits.html"

    @cached_property
    def opening(self) -> Opening:
        return get_object_or_404(
            selectors.access.deciding_openings(self.request.user), pk=self.kwargs["opening_id"]
        )

    def get_context_data(self, **kwargs):
        pending, answered = selectors.merits.merit_requests(opening=self.opening)
        return super().get_context_data(
            opening=self.opening, pending=pending, answered=answered, **kwargs
        )

    def post(self, request, *args, **kwargs):
        request_id = request.POST.get("request", "")
        merit_request = get_object_or_404(
            MeritRequest.objects.filter(
                application__opening=self.opening, application__restricted_at__isnull=True
            ),
            pk=int(request_id) if request_id.isdigit() else 0,
        )
        try:
            merits.answer_merit_request(
                request=merit_request,
                answer=request.POST.get("answer", "")[:10_000],
                answered_by=request.user,
            )
        except merits.MeritRequestError as error:
            messages.error(request, str(error))
        except BeingDeleted as error:
            return being_deleted(request, error)
        else:
            messages.success(request, _("The answer is sent to the candidate."))
        return redirect(request.path)


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


class DecisionView(RecruiterMixin, FormView):
    """Before: the form and the deletion date it will set. After: the confirmation."""

    template_name = "ats/recruit/decision.html"
    form_class = DecisionForm

    @cached_property
    def opening(self) -> Opening:
        """404 unless the user may decide on it (an interviewer may not)."""
        return get_object_or_404(
            selectors.access.deciding_openings(self.request.user), pk=self.kwargs["opening_id"]
        )

    def get_form_kwargs(self):
        shortlist = selectors.decisions.shortlist(opening=self.opening)
        return {**super().get_form_kwargs(), "shortlist": shortlist}

    def post(self, request, *args, **kwargs):
        if self.opening.decided_at is not None:
            return redirect(request.path)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            opening=self.opening,
            delete_after_if_today=retention.deadline_after_decision(timezone.now()),
            decision_period=retention.describe_period(app_settings.RETENTION_AFTER_DECISION),
            delete_after=self.opening.decided_at
            and retention.deadline_after_decision(self.opening.decided_at),
            waiting=selectors.decisions.waiting_for_decision(opening=self.opening).count(),
            **kwargs,
        )

    def form_valid(self, form):
        if self.request.POST.get("confirmed") != "yes":  # first say what it will do
            decided_at = form.decided_at()
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    confirming=selectors.decisions.decision_preview(
                        opening=self.opening, hired=set(form.cleaned_data["hired"])
                    ),
                    delete_after_if_confirmed=retention.deadline_after_decision(decided_at),
                )
            )
        try:
            decision = record_hiring_decision(
                opening=self.opening,
                hired=form.cleaned_data["hired"],
                decided_by=self.request.user,
                decided_at=form.decided_at(),
                backdating_confirmed=form.cleaned_data["confirm_backdating"],
            )
        except BackdatingUnconfirmed as unconfirmed:
            return self.render_to_response(self.get_context_data(form=form, backdating=unconfirmed))
        except DecisionError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "Hiring decision recorded. %(count)d application will be deleted on %(date)s.",
                "Hiring decision recorded. %(count)d applications will be deleted on %(date)s.",
                decision.applications,
            )
            % {
                "count": decision.applications,
                "date": timezone.localdate(decision.delete_after).isoformat(),
            },
        )
        return redirect(reverse("ats:recruit-decision", kwargs={"opening_id": self.opening.pk}))


class RetentionDashboardView(RecruiterMixin, TemplateView):
    template_name = "ats/recruit/retention.html"
    permission_required = "ats.view_retention"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            report=selectors.retention.retention_report(),
            statistics=selectors.retention.kept_statistics(),
            stages=Application.Stage.choices,
            **kwargs,
        )


class PrivacyRequestsView(RecruiterMixin, FormView):
    """Find, export or erase every application of one person. The address travels by
    POST only, and the request log keeps a keyed hash of it, not the address."""

    template_name = "ats/recruit/privacy.html"
    permission_required = "ats.handle_privacy_requests"
    form_class = PrivacyRequestForm

    def get_context_data(self, **kwargs):
        requests = selectors.candidates.recent_privacy_requests()
        return super().get_context_data(requests=requests, **kwargs)

    def form_valid(self, form):
        email, received_on = form.cleaned_data["email"], form.cleaned_data["received_on"]
        action = form.cleaned_data["action"]
        if action is PrivacyRequestForm.Action.EXPORT:
            applications = privacy_requests.handle_access_request(
                email=email, received_on=received_on, handled_by=self.request.user
            )
            response = FileResponse(
                write_export(applications),
                as_attachment=True,
                filename=f"privacy-request-{received_on:%Y-%m-%d}.zip",
                content_type="application/zip",
            )
            add_never_cache_headers(response)
            return response
        if action is PrivacyRequestForm.Action.ERASE:
            request, kept = privacy_requests.handle_erasure_request(
                email=email, received_on=received_on, handled_by=self.request.user
            )
            messages.success(
                self.request,
                ngettext(
                    "%(count)d application found; %(kept)d kept on legal hold, the rest erased.",
                    "%(count)d applications found; %(kept)d kept on legal hold, the rest erased.",
                    request.applications,
                )
                % {"count": request.applications, "kept": kept},
            )
            return redirect("ats:recruit-privacy")
        return self.render_to_response(
            self.get_context_data(
                form=form, found=selectors.candidates.applications_of_person(email=email)
            )
        )


class DeletionCertificateView(RecruiterMixin, View):
    """A plain-text certificate of one deletion, for the person or an auditor."""

    permission_required = "ats.handle_privacy_requests"

    def get(self, request, *args, **kwargs):
        try:
            public_id = UUID(request.GET.get("public_id", "").strip())
        except ValueError:
            raise Http404 from None
        certificate = selectors.candidates.deletion_certificate(public_id=public_id)
        response = render(
            request,
            "ats/recruit/certificate.txt",
            {
                "certificate": certificate,
                "ledger_entry": json.dumps(certificate.ledger_entry, indent=2, sort_keys=True),
                "consent_period": retention.describe_period(app_settings.CONSENT_RETENTION),
                "decision_period": retention.describe_period(app_settings.RETENTION_AFTER_DECISION),
            },
            content_type="text/plain; charset=utf-8",
        )
        response["Content-Disposition"] = content_disposition_header(
            True, f"deletion-certificate-{public_id}.txt"
        )
        return response
