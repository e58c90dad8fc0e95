"""Emails to candidates, in the language they applied in.

They carry links, dates and categories of data, never a CV or a cover letter.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import retention, tokens
from .app_settings import app_settings
from .models import Application, DeletionReason, ErasureReceipt, NoticeChangeEmail


def site_url(path: str) -> str:
    """An absolute link for an email: there is no request to ask for the host."""
    return app_settings.SITE_URL.rstrip("/") + path


def self_service_url(application: Application, action: str = "") -> str:
    """The emailed link: signed with the application's current link key."""
    token = tokens.make_token(public_id=application.public_id, key=application.link_key)
    if action:
        path = reverse("ats:my-application-link-action", kwargs={"token": token, "action": action})
    else:
        path = reverse("ats:my-application-link", kwargs={"token": token})
    return site_url(path)


def send(*, to: str, language: str, template: str, context: dict) -> None:
    with translation.override(language):
        context = {
            **context,
            "decision_period": retention.describe_period(app_settings.RETENTION_AFTER_DECISION),
            "link_period": retention.describe_period(app_settings.LINK_MAX_AGE),
            "employer": app_settings.employer_name,  # who signs the email
        }
        subject = render_to_string(f"ats/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"ats/email/{template}_body.txt", context)
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()


def send_to_staff(*, to: str, template: str, context: dict, attachments: tuple = ()) -> None:
    """An email to a team member: links and openings, never a candidate's data."""
    context = {**context, "employer": app_settings.employer_name}
    EmailMessage(
        subject=render_to_string(f"ats/email/{template}_subject.txt", context).strip(),
        body=render_to_string(f"ats/email/{template}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        attachments=list(attachments),
    ).send()


def send_receipt(application: Application) -> None:
    send(
        to=application.email,
        language=application.language,
        template="receipt",
        context={"application": application, "link": self_service_url(application)},
    )


def send_links(*, email: str, applications: list[Application]) -> None:
    """One email with a fresh link for each application held under the address."""
    send(
        to=email,
        language=applications[0].language,
        template="links",
        context={"links": [(a, self_service_url(a)) for a in applications]},
    )


def send_renewal_request(application: Application) -> None:
    send(
        to=application.email,
        language=application.language,
        template="renewal",
        context={"application": application, "link": self_service_url(application, "renew")},
    )


def send_erasure_receipt(receipt: ErasureReceipt) -> None:
    """Tell a candidate that what they asked for is done: the date and the kinds of
    data deleted, never the data itself."""
    send(
        to=receipt.email,
        language=receipt.language,
        template="erased",
        context={
            "deleted_at": receipt.deleted_at,
            "withdrawn": receipt.reason == DeletionReason.CONSENT_WITHDRAWN,
            "opening_title": receipt.opening_title,
        },
    )


def send_notice_change(message: NoticeChangeEmail) -> None:
    """A new version of the privacy notice: what changed, and where to read it."""
    notice = message.notice
    summary = notice.change_summary_sv if message.language == "sv" else notice.change_summary_en
    send(
        to=message.email,
        language=message.language,
        template="notice_changed",
        context={
            "notice": notice,
            "summary": summary,
            "link": site_url(reverse("ats:privacy")),
        },
    )
