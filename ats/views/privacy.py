"""The privacy pages of the recruiter's side: the retention dashboard, requests by a
person's email address (find, export, erase), and certificates of deletion."""

import json
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from .. import retention, selectors
from ..exports import write_export
from ..forms.recruit import PrivacyRequestForm
from ..models import Application
from ..services import privacy_requests
from .mixins import RecruiterMixin


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
                **retention.periods(),
            },
            content_type="text/plain; charset=utf-8",
        )
        response["Content-Disposition"] = content_disposition_header(
            True, f"deletion-certificate-{public_id}.txt"
        )
        return response
