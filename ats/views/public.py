"""Pages for candidates: openings, the two application forms, the privacy notice."""

import unicodedata
from datetime import datetime
from uuid import uuid4

from django.core import signing
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from .. import page_cache, retention, selectors
from ..app_settings import app_settings
from ..forms.apply import ApplicationForm, sign_notice_shown
from ..job_posting import as_script_text, job_posting
from ..models import Opening, PrivacyNotice
from ..ratelimit import allow, client_ip
from ..rich_text import plain_text
from ..services.applications import (
    AlreadyReceived,
    ApplicationError,
    OutcomeUnknown,
    Submission,
    submit_application,
)
from ..storage import StorageUnavailable
from .body_limits import LimitedBodyMixin
from .rate_limits import too_many_requests


def canonical_url(request: HttpRequest) -> str:
    """The page's one address for search engines: without ?source=, utm_* or filters."""
    return request.build_absolute_uri(request.path)


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(character) == "Cc" for character in value)


def employer_context() -> dict:
    """What every candidate page shows of the employer (its name, logo and colours)."""
    return {"brand": selectors.careers.brand()}


class PrivacyNoticeView(TemplateView):
    template_name = "ats/public/privacy.html"

    def get_context_data(self, **kwargs):
        asked = self.request.GET.get("version", "")
        notice = (
            selectors.public.privacy_notice(version=int(asked)) if asked.isdecimal() else None
        ) or selectors.public.current_privacy_notice()
        return super().get_context_data(
            notice=notice, versions=selectors.public.privacy_notices(), **kwargs
        )


@method_decorator(never_cache, name="dispatch")  # a form sent back shows what was typed
class ApplyView(LimitedBodyMixin, FormView):
    """One form behind both doors: an opening's page, and /apply/ (opening None)."""

    form_class = ApplicationForm
    opening: Opening | None = None
    takes_cv = True

    def before_reading_body(self, request):
        # Every attempt counts, valid or not, before the CV is received or unpacked.
        limit = app_settings.APPLY_RATE_LIMIT
        if not limit:
            return None
        verdict = allow(
            scope="apply-ip", value=client_ip(request), limit=limit, window_seconds=3600
        )
        return None if verdict else too_many_requests(request, refusal=verdict)

    @cached_property
    def notice(self) -> PrivacyNotice | None:
        return selectors.public.current_privacy_notice()

    def get_initial(self):
        # The form sends back which notice it showed: the consent is given on that one.
        # A callable, so that a valid POST does not look the notice up.
        query = self.request.GET
        return {
            "notice": lambda: sign_notice_shown(self.notice) if self.notice else "",
            "source": (query.get("source") or query.get("utm_source") or "")[:20],
            "once": uuid4().hex,
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "opening": self.opening}

    def get_context_data(self, **kwargs):
        if "brand" not in kwargs:  # an ad's page has it already
            kwargs["brand"] = selectors.careers.brand()
        return super().get_context_data(
            opening=self.opening,
            notice=self.notice,
            **retention.periods(),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        if self.opening is None and not data["consent"] and not data["no_consent"]:
            # Asked plainly, rather than deleted by surprise (the page's script asks
            # before sending; this is the answer without it): what was typed comes back.
            return self.render_to_response(self.get_context_data(form=form, ask_consent=True))
        try:
            submission = submit_application(
                opening=self.opening,
                **form.details(),
                consent=data["consent"],
                notice_id=data["notice"],
                language=get_language(),
                answers=form.answers(),
                source=data["source"],
                form_token=data["once"],
            )
        except AlreadyReceived:
            return render(self.request, "ats/public/already_sent.html")
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
            if selectors.public.opening_gone(slug=slug):
                return render(request, "ats/public/gone.html", employer_context(), status=410)
            raise Http404("No published opening here.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        # The form is the visitor's own (its token, its one-time field); the ad is the
        # same for everyone, and costs the Markdown and the JobPosting to render.
        url = self.request.build_absolute_uri(self.opening.get_absolute_url())
        brand = selectors.careers.brand()
        # Open Graph and JSON-LD want an absolute URL; the logo's may be a path here.
        logo = brand.logo_url and self.request.build_absolute_uri(brand.logo_url)
        return super().get_context_data(
            ad=page_cache.get_or_render(
                "ad", str(self.opening.pk), url, render=lambda: self.ad(url, brand, logo)
            ),
            ad_url=url,
            og_image=logo,
            brand=brand,
            **kwargs,
        )

    def ad(self, url: str, brand, logo: str) -> dict:
        posting = job_posting(self.opening, url=url, employer=brand.name, logo=logo)
        return {
            "html": render_to_string(
                "ats/public/_ad.html", {"opening": self.opening, "ad_employer": brand.name}
            ),
            "job_posting": posting and as_script_text(posting),
            "summary": plain_text(self.opening.description)[:200],
        }


class SpontaneousApplyView(ApplyView):
    template_name = "ats/public/apply.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(canonical_url=canonical_url(self.request), **kwargs)


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
                **retention.periods(),
            )
        )
