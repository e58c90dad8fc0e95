"""The record of processing (GDPR art. 30) for what this module does, built from the
settings in force, so that the employer's record stays true when they change."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from . import retention
from .app_settings import app_settings
from .models import ApiKey, WebhookSubscription
from .storage import files


def processing_record() -> dict:
    location = files().describe()
    database = settings.DATABASES["default"]
    return {
        "controller": {
            "name": app_settings.CONTROLLER_NAME or "(ATS_CONTROLLER_NAME is not set)",
            "contact": app_settings.CONTROLLER_EMAIL or "(ATS_CONTROLLER_EMAIL is not set)",
        },
        "processing": "Recruitment: receiving, assessing and keeping job applications",
        "purposes": [
            "assess applicants for an advertised opening and make the hiring decision",
            "keep spontaneous applications, with consent, for future openings",
            "answer the candidates' requests about their data",
            "show, if a hiring decision is challenged, how it was made",
        ],
        "legal_bases": {
            "applications for an opening": "steps before a contract, at the candidate's "
            "request (art. 6(1)(b)), and legitimate interest in defending the decision "
            "(art. 6(1)(f))",
            "spontaneous applications kept": "consent (art. 6(1)(a)), withdrawable at any time",
        },
        "data_subjects": ["job applicants", "spontaneous applicants"],
        "data_categories": [
            "name",
            "email address",
            "phone number",
            "cover letter",
            "CV (file)",
            "the CV's text, read once for search",
            "screening answers",
            "recruiters' notes and stage history",
            "scores and interviews",
            "tags",
            "messages between the hiring team and the candidate",
            "consent record (time, notice version)",
        ],
        "recipients": [
            {"role": "hiring team of an opening", "sees": "that opening's applications"},
            {"role": "ats.view_all_applications", "sees": "every opening's applications"},
            {"role": "ats.view_spontaneous_applications", "sees": "spontaneous applications"},
            {"role": "ats.download_cv", "sees": "the CVs of what the holder may see"},
            {
                "role": "ats.handle_privacy_requests",
                "sees": "one person's applications, on request",
            },
            {"role": "ats.view_retention", "sees": "counts and ids only"},
            *(
                {
                    "role": f"API key {key.name}",
                    "sees": f"what its user sees, to do: {', '.join(key.scopes)}",
                }
                for key in ApiKey.objects.filter(expires_at__gt=timezone.now()).order_by("name")
            ),
            *(
                {
                    "role": f"webhook {hook.name} ({urlsplit(hook.url).hostname})",
                    "sees": "ids of what its user sees, and of each deletion: "
                    + ", ".join(hook.events),
                }
                for hook in WebhookSubscription.objects.order_by("name")
            ),
        ],
        "storage": {
            "cv_files": location,
            "database": database["ENGINE"].rsplit(".", 1)[-1],
            "erasure_ledger": f"{location['kind']} {location['name']}, prefix ledger/",
        },
        "transfers_outside_eu_eea": "none intended; `manage.py check` warns (ats.W001) "
        "when the CV bucket's region is outside the EU/EEA",
        "erasure_time_limits": {
            "spontaneous application without consent": "at once (never stored)",
            "spontaneous application with consent": retention.describe_period(
                app_settings.CONSENT_RETENTION
            )
            + " after consent",
            "application for an opening": retention.describe_period(
                app_settings.RETENTION_AFTER_DECISION
            )
            + " after the hiring decision",
            "withdrawal of consent or erasure request": "at once",
            "access log": retention.describe_period(app_settings.ACCESS_LOG_RETENTION),
            "self-service links": "a receipt's as long as the application; an interview"
            " invitation's until the day after the interview; a decision's "
            + retention.describe_period(app_settings.LINK_MAX_AGE),
            "marks of erasure receipts sent (a keyed hash of address and time, beside the"
            " erasure ledger)": retention.describe_period(app_settings.ERASURE_RECEIPT_MAX_AGE)
            + " and a day",
            "purge runs every": f"{app_settings.PURGE_INTERVAL_MINUTES} minutes",
        },
        "kept_after_deletion": (
            "counts only, identifying nobody (the reports): per opening, month applied (day,"
            " for arrivals) and source, how many got how far, how each ended (and the"
            " employer's rejection reason), the days to the first answer, in each stage and"
            " to the decision in coarse buckets, and the deletions by reason; a count under"
            f" {app_settings.REPORT_THRESHOLD} is shown as fewer than"
            f" {app_settings.REPORT_THRESHOLD}"
        ),
        "security_measures": [
            "need-to-know access per opening and permission; every read logged",
            "CVs in private storage, served only through access-checked views",
            "deletion proven by tombstones and an erasure ledger outside the database",
            "uploads checked by content; optional virus scan (ATS_CV_SCANNER)",
        ],
    }


def as_markdown(record: dict) -> str:
    parts = ["# Record of processing: recruitment (GDPR art. 30)", ""]
    for key, value in record.items():
        parts += [f"## {key.replace('_', ' ').capitalize()}", *_markdown(value), ""]
    return "\n".join(parts)


def _markdown(value, depth: int = 0):
    indent = "  " * depth
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list):
                yield f"{indent}- **{key}**:"
                yield from _markdown(item, depth + 1)
            else:
                yield f"{indent}- **{key}**: {item}"
    elif isinstance(value, list):
        for item in value:
            shown = (
                ", ".join(f"{k}: {v}" for k, v in item.items()) if isinstance(item, dict) else item
            )
            yield f"{indent}- {shown}"
    else:
        yield str(value)
