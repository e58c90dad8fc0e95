"""The privacy pages of the recruiter's side: the retention dashboard, requests by a
person's email address (find, then export or erase the set found, erasure after a
confirmation), legal holds placed and lifted, certificates of deletion, and the access
log."""

import json
import secrets
from datetime import date, datetime
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import (
    content_disposition_header,
    url_has_allowed_host_and_scheme,
    urlencode,
)
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from .. import retention, selectors
from ..exports import write_export
from ..forms.privacy import AccessLogFilterForm, LegalHoldForm, PrivacyRequestForm
from ..models import Application
from ..services import holds, privacy_requests
from .mixins import RecruiterMixin, said


class RetentionDashboardView(RecruiterMixin, TemplateView):
    template_name = "ats/recruit/retention.html"
    permission_required = "ats.view_retention"

    def get_context_data(self, **kwargs):
        report = selectors.retention.retention_report()
        listed = [row.opening.pk for row in report.waiting_openings + report.undated_after_decision]
        return super().get_context_data(
            report=report,
            # Linked to their applicants where the user may see them, else named only.
            reachable_openings=set(
                selectors.access.visible_openings(self.request.user)
                .filter(pk__in=listed)
                .values_list("pk", flat=True)
            ),
            can_hold=selectors.access.can_hold(self.request.user),
            reports_url=reverse("ats:recruit-reports"),
            **kwargs,
        )


# The sets found, in the session (never in a URL): key -> what found_set said. The few
# last are kept, so that two searches in two tabs do not undo each other.
FOUND_SESSION_KEY = "ats_privacy_found"
FOUND_KEPT = 5


def remember_found(request, found: selectors.candidates.FoundSet) -> str:
    key = secrets.token_urlsafe(9)
    kept = dict(list(request.session.get(FOUND_SESSION_KEY, {}).items())[-(FOUND_KEPT - 1) :])
    kept[key] = {
        "public_ids": [public_id.hex for public_id in found.public_ids],
        "email_hash": found.email_hash,
        "received_on": found.received_on.isoformat(),
        "case_reference": found.case_reference,
        "found_at": found.found_at.isoformat(),
    }
    request.session[FOUND_SESSION_KEY] = kept
    return key


def recalled_found(request, key: str) -> selectors.candidates.FoundSet:
    """The set found under `key` in this session; 404 for any other key."""
    stored = request.session.get(FOUND_SESSION_KEY, {}).get(key)
    if stored is None:
        raise Http404
    return selectors.candidates.FoundSet(
        public_ids=tuple(UUID(hex) for hex in stored["public_ids"]),
        email_hash=stored["email_hash"],
        received_on=date.fromisoformat(stored["received_on"]),
        case_reference=stored["case_reference"],
        found_at=datetime.fromisoformat(stored["found_at"]),
    )


def forget_found(request, key: str) -> None:
    kept = request.session.get(FOUND_SESSION_KEY, {})
    kept.pop(key, None)
    request.session[FOUND_SESSION_KEY] = kept


class PrivacyRequestsView(RecruiterMixin, FormView):
    """Find every application of one person; then export or erase that set, and only it
    (FoundView). The address travels by POST only; the session keeps the set found by
    public_id and the address's keyed hash, and the request log the same hash."""

    template_name = "ats/recruit/privacy.html"
    permission_required = "ats.handle_privacy_requests"
    form_class = PrivacyRequestForm

    def get_context_data(self, **kwargs):
        kwargs.setdefault("can_hold", selectors.access.can_hold(self.request.user))
        return super().get_context_data(
            requests=selectors.candidates.recent_privacy_requests(), **kwargs
        )

    def form_valid(self, form):
        found = selectors.candidates.found_set(**form.cleaned_data)
        key = remember_found(self.request, found)
        return redirect("ats:recruit-privacy-found", key=key)


class FoundMixin(RecruiterMixin):
    permission_required = "ats.handle_privacy_requests"

    @cached_property
    def found(self) -> selectors.candidates.FoundSet:
        return recalled_found(self.request, self.kwargs["key"])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("can_hold", selectors.access.can_hold(self.request.user))
        return super().get_context_data(
            found_key=self.kwargs["key"],
            found_set=self.found,
            found=selectors.candidates.applications_for_request(found=self.found),
            **kwargs,
        )


class FoundView(FoundMixin, PrivacyRequestsView):
    """The privacy page with the set found: what export and erasure act on."""

    def get_initial(self):
        return {"received_on": self.found.received_on, "case_reference": self.found.case_reference}


class FoundExportView(FoundMixin, View):
    """One ZIP of the found applications that still live; no confirmation: it destroys
    nothing, and what it holds is the set on the page."""

    def post(self, request, *args, **kwargs):
        applications = privacy_requests.handle_access_request(
            found=self.found, handled_by=request.user
        )
        response = FileResponse(
            write_export(applications),
            as_attachment=True,
            filename=f"privacy-request-{self.found.received_on:%Y-%m-%d}.zip",
            content_type="application/zip",
        )
        add_never_cache_headers(response)
        return response


class FoundEraseView(FoundMixin, TemplateView):
    """GET: exactly what goes and what a legal hold keeps; POST: erase that set, and only
    it, whatever has arrived under the address since the search."""

    template_name = "ats/recruit/privacy_erase.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stays = sum(application.is_held for application in context["found"])
        return {**context, "goes": len(context["found"]) - stays, "stays": stays}

    def post(self, request, *args, **kwargs):
        erasure = privacy_requests.handle_erasure_request(found=self.found, handled_by=request.user)
        forget_found(request, self.kwargs["key"])
        certificates = selectors.candidates.deletion_certificates(public_ids=erasure.erased)
        done = ngettext(
            "%(count)d application erased.",
            "%(count)d applications erased.",
            len(erasure.erased),
        ) % {"count": len(erasure.erased)}
        if erasure.kept:
            done += " " + ngettext(
                "%(count)d kept on legal hold until the hold ends.",
                "%(count)d kept on legal hold until the holds end.",
                len(erasure.kept),
            ) % {"count": len(erasure.kept)}
        links = format_html_join(
            ", ",
            '<a href="{}?public_id={}">{}</a>',
            (
                (
                    reverse("ats:recruit-certificate"),
                    record.public_id,
                    record.opening.title if record.opening else _("Spontaneous"),
                )
                for record in certificates
            ),
        )
        if certificates:
            done = format_html("{} {} {}", done, _("Deletion certificates:"), links)
        messages.success(request, done)
        return redirect("ats:recruit-privacy")


class LegalHoldView(RecruiterMixin, View):
    """Place or lift one application's legal hold (services/holds.py, as the admin does),
    from its page, the privacy page's results or the retention dashboard."""

    permission_required = "ats.set_legal_hold"

    def post(self, request, *args, **kwargs):
        application = get_object_or_404(
            selectors.access.holdable_applications(request.user),
            public_id=self.kwargs["public_id"],
        )
        applications = Application.objects.filter(pk=application.pk)
        if request.POST.get("action") == "lift":
            holds.lift_legal_hold(applications=applications, lifted_by=request.user)
            messages.success(request, _("Legal hold lifted."))
        else:
            form = LegalHoldForm(request.POST)
            if not form.is_valid():
                messages.error(
                    request,
                    _("No legal hold was placed: %(errors)s")
                    % {"errors": " ".join(e for errors in form.errors.values() for e in errors)},
                )
            else:
                with said(request, done=_("Placed on legal hold."), refused=holds.HoldError):
                    holds.place_legal_hold(
                        applications=applications,
                        reason=form.cleaned_data["reason"],
                        until=form.held_until(),
                        placed_by=request.user,
                    )
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(back)
        return redirect("ats:recruit-application", public_id=application.public_id)


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


class AccessLogView(RecruiterMixin, TemplateView):
    """Who read or changed which application, newest first, for the privacy officer."""

    template_name = "ats/recruit/access_log.html"
    permission_required = "ats.view_accessevent"

    def get_context_data(self, **kwargs):
        form = AccessLogFilterForm(self.request.GET)
        filters = form.filters()
        page = selectors.access_log.access_log_page(
            reader=self.request.user, filters=filters, cursor=self.request.GET.get("after")
        )
        older = urlencode({**filters.query(), "after": page.older}) if page.older else ""
        return super().get_context_data(form=form, page=page, older_query=older, **kwargs)
