"""Pages for candidates: openings, the two application forms, the privacy notice."""

from datetime import datetime

from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView

from .. import retention, selectors
from ..app_settings import app_settings
from ..forms import ApplicationForm, sign_notice_shown
from ..models import Opening, PrivacyNotice
from ..ratelimit import allow, client_ip
from ..services.applications import (
    ApplicationError,
    OutcomeUnknown,
    Submission,
    submit_application,
)
from ..storage import StorageUnavailable
from .body_limits import LimitedBodyMixin


class OpeningListView(ListView):
    template_name = "ats/public/opening_list.html"
    context_object_name = "openings"

    def get_queryset(self):
        return selectors.public.published_openings()


class PrivacyNoticeView(TemplateView):
    template_name = "ats/public/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(notice=selectors.public.current_privacy_notice(), **kwargs)


@method_decorator(never_cache, name="dispatch")  # a form sent back shows what was typed
class ApplyView(LimitedBodyMixin, FormView):
    """One form behind both doors: an opening's page, and /apply/ (opening None)."""

    form_class = ApplicationForm
    opening: Opening | None = None
    takes_cv = True

    def before_reading_body(self, request):
        # Every attempt counts, valid or not, before the CV is received or unpacked.
        limit = app_settings.APPLY_RATE_LIMIT
        if limit and not allow(
            scope="apply-ip", value=client_ip(request), limit=limit, window_seconds=3600
        ):
            return render(request, "ats/too_many_requests.html", status=429)
        return None

    @cached_property
    def notice(self) -> PrivacyNotice | None:
        return selectors.public.current_privacy_notice()

    def get_initial(self):
        # The form sends back which notice it showed: the consent is given on that one.
        # A callable, so that a valid POST does not look the notice up.
        return {"notice": lambda: sign_notice_shown(self.notice) if self.notice else ""}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "opening": self.opening}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            opening=self.opening,
            notice=self.notice,
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
                notice_id=data["notice"],
                language=get_language(),
            )
        except ApplicationError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        except StorageUnavailable:
            form.add_error(
                None,
                _(
                    "We could not store your CV just now, so nothing was saved. Please try again "
                    "in a few minutes."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 503
            return response
        except OutcomeUnknown:
            # A page that needs nothing of the database, which has just failed.
            return render(self.request, "ats/public/not_confirmed.html", status=503)
        return redirect("ats:application-received", token=receipt_token(submission))


class OpeningDetailView(ApplyView):
    template_name = "ats/public/opening_detail.html"

    def dispatch(self, request, *args, slug, **kwargs):
        self.opening = selectors.public.published_opening(slug=slug)
        if self.opening is None:
            raise Http404("No published opening here.")
        return super().dispatch(request, *args, **kwargs)


class SpontaneousApplyView(ApplyView):
    template_name = "ats/public/apply.html"


RECEIPT_SALT = "ats.application-receipt"
RECEIPT_MAX_AGE = 3600  # the confirmation page is for right after applying


def receipt_token(submission: Submission) -> str:
    """What the confirmation page needs, signed into its URL: dates and the opening's
    title, nothing personal. No session is written for a candidate."""
    return signing.dumps(
        {
            "kept": submission.kept,
            "delete_after": submission.delete_after and submission.delete_after.isoformat(),
            "opening_title": submission.opening and submission.opening.title,
            "submitted_at": submission.submitted_at.isoformat(),
        },
        salt=RECEIPT_SALT,
        compress=True,
    )


@method_decorator(never_cache, name="dispatch")
class ApplicationReceivedView(TemplateView):
    template_name = "ats/public/received.html"

    def get(self, request, *args, token, **kwargs):
        try:
            receipt = signing.loads(token, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
        except signing.BadSignature:
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
