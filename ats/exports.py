"""The candidate's copy of their data (GDPR art. 15 and 20): a ZIP holding
`application.json`, described by docs/export-schema.json, the same in words in
`summary.html` (in the candidate's language), and the original CV."""

import json
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import storage
from .models import AccessEvent, Application, ApplicationText, DeletionReason, ScreeningAnswer
from .retention import periods
from .staff import full_name

SCHEMA_ID = "https://github.com/ats/ats/docs/export-schema.json"
# 2: screening answers, the source, the emails sent; 3: scores, interviews, merit
# requests; 4: the connected systems it was announced to (webhooks); 5: the receipt among
# the emails, emails that could not be delivered, the interviewers; 6: the tags, the
# CV's text; 7: the messages between the hiring team and the candidate; 8: each
# screening answer as the candidate chose it, in their language
SCHEMA_VERSION = 8


def _time(moment: datetime | None) -> str | None:
    return moment and moment.isoformat()


def _answers(application: Application) -> list[tuple[ScreeningAnswer, str]]:
    """Each answer, with its words as the candidate chose them: "Ja" for a yes in Swedish."""
    with translation.override(application.language):
        return [(answer, answer.answer_label) for answer in application.answers.all()]


def export_document(application: Application, *, now: datetime) -> dict:
    """Everything held about one application, as plain JSON types."""
    on_expiry = application.deletion_reason or (
        DeletionReason.CONSENT_EXPIRED
        if application.is_spontaneous
        else DeletionReason.RETENTION_EXPIRED
    )
    return {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "exported_at": now.isoformat(),
        "application": {
            "public_id": str(application.public_id),
            "kind": "spontaneous" if application.is_spontaneous else "opening",
            "opening": application.opening
            and {
                "title": application.opening.title,
                "status": application.opening.status,
            },
            "name": application.name,
            "email": application.email,
            "phone": application.phone,
            "cover_letter": application.cover_letter,
            "cv": {
                "file_name": application.cv_filename,
                "file_in_archive": cv_path(application),
                "text": ApplicationText.objects.filter(application=application)
                .values_list("cv_text", flat=True)
                .first()
                or "",
            },
            "submitted_at": _time(application.submitted_at),
            "language": application.language,
            "stage": application.stage,
            "status": "closed" if application.decided_at else "in_progress",
            "privacy_notice_version": application.privacy_notice.version,
            "consent": {"given_at": _time(application.consent_given_at)},
            "decided_at": _time(application.decided_at),
            "delete_after": _time(application.delete_after),
            "deletion_reasons": {
                "on_expiry": on_expiry,
                "on_withdrawal": DeletionReason.CONSENT_WITHDRAWN
                if application.is_spontaneous and application.consent_given_at
                else None,
                "on_erasure": DeletionReason.ERASURE_REQUESTED,
            },
            "restricted_at": _time(application.restricted_at),
            "legal_hold": {
                "reason": application.hold_reason or None,
                "until": _time(application.hold_until),
            },
            "stage_history": [
                {
                    "from": change.from_stage,
                    "to": change.to_stage,
                    # The hiring team's name for the stage, where they gave it one.
                    "to_name": change.to_pipeline_stage.name or None
                    if change.to_pipeline_stage
                    else None,
                    "at": _time(change.changed_at),
                }
                for change in application.stage_changes.all()
            ],
            "notes": [
                {"text": note.text, "at": _time(note.created_at)}
                for note in application.notes.all()
            ],
            "messages": [
                {
                    "from": message.sender,
                    "text": message.text,
                    "sent_at": _time(message.sent_at),
                    "read_at": _time(message.read_at),
                }
                for message in application.messages.all()
            ],
            "screening_answers": [
                {
                    "question": answer.question_text,
                    "answer": answer.answer,
                    "answer_text": answer_text,
                    "misses_requirement": answer.misses_requirement,
                }
                for answer, answer_text in _answers(application)
            ],
            "source": application.source or None,
            "emails": [
                {
                    "template": email.template,
                    "subject": email.subject,
                    "text": email.body,
                    "sent_at": _time(email.sent_at),
                    "send_after": _time(email.send_after),
                    "undeliverable_at": _time(email.undeliverable_at),
                    "failure": email.failure,
                }
                for email in application.emails.all()
            ],
            "scores": [
                {
                    "criterion": score.criterion_name,
                    "stage": score.stage,
                    "score": score.value,
                    "comment": score.comment,
                    "at": _time(score.scored_at),
                }
                for score in application.scores.all()
            ],
            "interviews": [
                {
                    "status": interview.status,
                    "place": interview.place,
                    "length_minutes": interview.length_minutes,
                    "times_offered": [_time(slot.starts_at) for slot in interview.slots.all()],
                    "starts_at": _time(interview.starts_at),
                    "candidate_message": interview.candidate_message,
                    "proposed_at": _time(interview.created_at),
                    # By name only: an account without one is left out, never named by
                    # its user name (with single sign-on, an address at the employer's).
                    "interviewers": [
                        name for user in interview.interviewers.all() if (name := full_name(user))
                    ],
                }
                for interview in application.interviews.all()
            ],
            "merit_requests": [
                {
                    "requested_at": _time(request.requested_at),
                    "answer": request.answer if request.answered_at else "",
                    "answered_at": _time(request.answered_at),
                }
                for request in application.merit_requests.all()
            ],
            "tags": [
                {"tag": link.tag.name, "at": _time(link.tagged_at)}
                for link in application.tag_links.select_related("tag")
            ],
            "shared_with": [
                {
                    "system": delivery.subscription.name,
                    "event": delivery.event,
                    "occurred_at": _time(delivery.occurred_at),
                    "delivered_at": _time(delivery.delivered_at),
                }
                for delivery in application.webhook_deliveries.all()
            ],
            "access_log": [
                {"action": event.action, "by": event.actor, "at": _time(event.at)}
                for event in AccessEvent.objects.filter(public_id=application.public_id).order_by(
                    "at"
                )
            ],
        },
    }


def cv_path(application: Application) -> str:
    return f"cv/{application.cv_filename or 'cv'}"


def summary(application: Application, document: dict, *, now: datetime) -> str:
    """The document in words, as a page of its own in the candidate's language."""
    held = document["application"]
    with translation.override(application.language):
        return render_to_string(
            "ats/exports/summary.html",
            {
                "application": application,
                "now": now,
                "cv_path": quote(cv_path(application)),  # a link: "#" or "?" in a name
                "cv_text": held["cv"]["text"],
                "tags": [tag["tag"] for tag in held["tags"]],
                "access_log": [  # as the document has it: read once
                    {
                        "at": datetime.fromisoformat(event["at"]),
                        "by": AccessEvent.Actor(event["by"]).label,
                        "action": AccessEvent.Action(event["action"]).label,
                    }
                    for event in held["access_log"]
                ],
                **periods(),
            },
        )


def write_export(applications: Sequence[Application], *, now: datetime | None = None):
    """A ZIP in a temporary file: one application at its root, several in a folder each."""
    now = now or timezone.now()
    # Returned open: the response streams it and closes it.
    archive_file = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
        for application in applications:
            folder = "" if len(applications) == 1 else f"{application.public_id}/"
            document = export_document(application, now=now)
            archive.writestr(
                f"{folder}application.json", json.dumps(document, ensure_ascii=False, indent=2)
            )
            archive.writestr(f"{folder}summary.html", summary(application, document, now=now))
            with (
                storage.cv_storage.open(application.cv.name, "rb") as cv,
                archive.open(f"{folder}{cv_path(application)}", "w") as entry,
            ):
                while chunk := cv.read(64 * 1024):
                    entry.write(chunk)
    archive_file.seek(0)
    return archive_file
