"""How each email is built: data in, an EmailMessage out, in the recipient's language.
The worker sends them (services/outbox.py).

They carry links, dates and categories of data, never a CV or a cover letter. Header
values come from text anyone can type (an opening's title, a name): `one_line` makes
each one clean line where headers are made, so no title can stop the mail.
"""

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import formataddr
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import retention, tokens
from .app_settings import app_settings
from .calendar import as_invitation, organizer
from .models import Application, DeletionReason, ErasureReceipt, Interview, NoticeChangeEmail
from .validators import one_line


def site_url(path: str) -> str:
    """An absolute link for an email: there is no request to ask for the host."""
    return app_settings.SITE_URL.rstrip("/") + path


def self_service_url(
    application: Application, action: str = "", *, until: datetime | None = None
) -> str:
    """The emailed link: signed with the application's current link key, working until
    `until` (None: for as long as the application lives)."""
    token = tokens.make_token(
        public_id=application.public_id, key=application.link_key, until=until
    )
    path = _link_path(action, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return site_url(path.replace(TOKEN, token))


TOKEN = "TOKEN"  # in the path reversed once; a token's characters need no quoting either
# A link to the candidate's own pages, as self_service_url writes it (a signed token's
# characters; an action), wherever the app is mounted; what stands around it stays.
OWN_LINK = re.compile(r"https?://[^\s<>()\"']*/my-application/[\w:-]+/(?:[\w-]+/)?")


def without_own_links(text: str, *, language: str) -> str:
    """A sent email's text as it is kept (the timeline, the export, the admin): each link
    to the candidate's own pages left out, since whoever holds one acts as the candidate."""
    with translation.override(language):
        return OWN_LINK.sub(_("[personal link]"), text)


@cache
def _link_path(action: str, prefix: str, urlconf: str) -> str:
    """reverse() cost more than the rest of an email: once per action and URLconf."""
    if action:
        return reverse(
            "ats:my-application-link-action",
            kwargs={"token": TOKEN, "action": action},
            urlconf=urlconf,
        )
    return reverse("ats:my-application-link", kwargs={"token": TOKEN}, urlconf=urlconf)


def decision_link_end() -> datetime:
    """When the link in an email about a decision stops working: ATS_LINK_MAX_AGE on."""
    return timezone.now() + app_settings.LINK_MAX_AGE


def until_interview(interview: Interview) -> datetime:
    """The life of an invitation's link: until the day after its last proposed time."""
    times = [slot.starts_at for slot in interview.slots.all()]
    last = max([*times, interview.starts_at or timezone.now()])
    return last + timedelta(days=1)


def sender() -> str:
    """DEFAULT_FROM_EMAIL, named: its own display name, else the employer's (the same
    as the invitations' ORGANIZER)."""
    name, address = organizer()
    return formataddr((one_line(name), address))


def message(
    *, to: str, subject: str, body: str, reply_to: Sequence[str] = (), calendar: str = ""
) -> EmailMessage:
    """One email as every email goes: from the employer, marked as sent by a machine
    (RFC 3834, so that auto-replies stay away), with its calendar as an invitation."""
    built = EmailMessage(
        subject=one_line(subject),
        body=body,
        from_email=sender(),
        to=[to],
        reply_to=[address for address in reply_to if address],
        headers={"Auto-Submitted": "auto-generated"},
    )
    return as_invitation(built, ics=calendar) if calendar else built


def render(*, template: str, language: str, context: dict) -> tuple[str, str]:
    """The subject and text of one of the app's own emails (templates/ats/email/)."""
    with translation.override(language):
        context = {
            **context,
            **retention.periods(),
            "employer": app_settings.employer_name,  # who signs the email
        }
        subject = render_to_string(f"ats/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"ats/email/{template}_body.txt", context)
    return subject, body


def contact_of(application: Application) -> list[str]:
    """Where a candidate's reply goes: the opening's contact, when it has one that is an
    address. The forms check it; a row written past them (an import, say) must neither
    stop the email nor put a header of its own in it: one control character refuses it."""
    address = application.opening.contact_email if application.opening else ""
    try:
        validate_email(address)
    except ValidationError:
        return []
    return [address]


def own_email(template: str, application: Application, *, action: str = "") -> tuple[str, str]:
    """One of the app's own emails to a candidate (the consent `renewal`, a `message`),
    greeting them by name, with their link (to `action`): for as long as the application
    lives."""
    return render(
        template=template,
        language=application.language,
        context={
            "application": application,
            "first_name": first_name(application.name),
            "link": self_service_url(application, action),
        },
    )


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else ""


def links(*, email: str, applications: list[Application]) -> EmailMessage:
    """One email with a fresh link for each application held under the address."""
    subject, body = render(
        template="links",
        language=applications[0].language,
        context={"links": [(a, self_service_url(a)) for a in applications]},
    )
    return message(to=email, subject=subject, body=body)


def erasure_receipt(receipt: ErasureReceipt) -> EmailMessage:
    """Tell a candidate that what they asked for is done: the date and the kinds of
    data deleted, never the data itself."""
    subject, body = render(
        template="erased",
        language=receipt.language,
        context={
            "deleted_at": receipt.deleted_at,
            "withdrawn": receipt.reason == DeletionReason.CONSENT_WITHDRAWN,
            "opening_title": receipt.opening_title,
        },
    )
    return message(to=receipt.email, subject=subject, body=body)


def notice_change(row: NoticeChangeEmail) -> EmailMessage:
    """A new version of the privacy notice: what changed, and where to read it."""
    notice = row.notice
    subject, body = render(
        template="notice_changed",
        language=row.language,
        context={
            "notice": notice,
            "summary": notice.change_summary_sv
            if row.language == "sv"
            else notice.change_summary_en,
            "link": site_url(reverse("ats:privacy")),
        },
    )
    return message(to=row.email, subject=subject, body=body)
