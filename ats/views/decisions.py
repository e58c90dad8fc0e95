"""An opening's hiring decision, and afterwards the answers to its applicants' merit
requests (Discrimination Act 2:4). Both for those who decide on the opening only."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from .. import retention, selectors
from ..forms.recruit import DecisionForm
from ..models import MeritRequest
from ..services import merits
from ..services.decisions import BackdatingUnconfirmed, DecisionError, record_hiring_decision
from .mixins import DecidingOpeningMixin, said


class DecisionView(DecidingOpeningMixin, FormView):
    """Before: the form and the deletion date it will set. After: the confirmation."""

    template_name = "ats/recruit/decision.html"
    form_class = DecisionForm

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
            **retention.periods(),
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
                "date": date_format(timezone.localdate(decision.delete_after), "DATE_FORMAT"),
            },
        )
        return redirect(reverse("ats:recruit-decision", kwargs={"opening_id": self.opening.pk}))


class MeritsView(DecidingOpeningMixin, TemplateView):
    """/recruit/openings/<id>/merits/: answer the merit requests of an opening's
    applicants (Discrimination Act 2:4) from a draft, reviewed before it is sent."""

    template_name = "ats/recruit/merits.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            opening=self.opening,
            requests=selectors.merits.merit_requests(opening=self.opening),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        request_id = request.POST.get("request", "")
        merit_request = get_object_or_404(
            MeritRequest.objects.filter(
                application__opening=self.opening, application__restricted_at__isnull=True
            ),
            pk=int(request_id) if request_id.isdigit() else 0,
        )
        done = _("The answer is sent to the candidate.")
        with said(request, done=done, refused=merits.MeritRequestError):
            merits.answer_merit_request(
                request=merit_request,
                answer=request.POST.get("answer", "")[:10_000],
                answered_by=request.user,
            )
        return redirect(request.path)
