"""Pages for candidates: openings, the two application forms, the privacy notice."""

from datetime import datetime

from django.http import Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView

from .. import retention, selectors
from ..app_settings import app_settings
from ..forms import ApplicationForm
from ..models import Opening
from ..services.applications import ApplicationError, Submission, submit_application

RECEIPT_SESSION_KEY = "ats_submission"


class OpeningListView(ListView):
    template_name = "ats/public/opening_list.html"
    context_object_name = "openings"

    def get_queryset(self):
        return selectors.published_openings()


class PrivacyNoticeView(TemplateView):
    template_name = "ats/public/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(notice=selectors.current_privacy_notice(), **kwargs)


class ApplyView(FormView):
    """One form behind both doors: an opening's page, and /apply/ (opening None)."""

    form_class = ApplicationForm
    opening: Opening | None = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "opening": self.opening}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            opening=self.opening,
            notice=selectors.current_privacy_notice(),
            decision_period=retention.describe_period(app_settings.RETENTION_AFTER_DECISION),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            submission = submit_application(
                opening=self.opening,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                cover_letter=data["cover_letter"],
                cv=data["cv"],
                consent=data["consent"],
                language=self.request.LANGUAGE_CODE,
            )
        except ApplicationError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        self.request.session[RECEIPT_SESSION_KEY] = receipt_for_session(submission)
        return redirect("ats:application-received")


class OpeningDetailView(ApplyView):
    template_name = "ats/public/opening_detail.html"

    def dispatch(self, request, *args, slug, **kwargs):
        self.opening = selectors.published_opening(slug=slug)
        if self.opening is None:
            raise Http404("No published opening here.")
        return super().dispatch(request, *args, **kwargs)


class SpontaneousApplyView(ApplyView):
    template_name = "ats/public/apply.html"


def receipt_for_session(submission: Submission) -> dict:
    """What the confirmation page needs, and nothing personal."""
    return {
        "kept": submission.kept,
        "delete_after": submission.delete_after and submission.delete_after.isoformat(),
        "opening_title": submission.opening and submission.opening.title,
        "submitted_at": submission.submitted_at.isoformat(),
    }


@method_decorator(never_cache, name="dispatch")
class ApplicationReceivedView(TemplateView):
    template_name = "ats/public/received.html"

    def get(self, request, *args, **kwargs):
        receipt = request.session.pop(RECEIPT_SESSION_KEY, None)
        if receipt is None:
            return redirect("ats:opening-list")
        delete_after = receipt["delete_after"] and datetime.fromisoformat(receipt["delete_after"])
        return self.render_to_response(
            self.get_context_data(
                kept=receipt["kept"],
                delete_after=delete_after,
                opening_title=receipt["opening_title"],
                submitted_at=datetime.fromisoformat(receipt["submitted_at"]),
                decision_period=retention.describe_period(app_settings.RETENTION_AFTER_DECISION),
                consent_period=retention.describe_period(app_settings.CONSENT_RETENTION),
            )
        )
