"""Choices that more than one model module, and the layers above, use. It imports no
other model module, so that any of them can import it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Where an application is in its recruitment (Application.Stage)."""

    NEW = "new", _("New")
    REVIEWING = "reviewing", _("Reviewing")
    INTERVIEW = "interview", _("Interview")
    OFFER = "offer", _("Offer")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Rejected")


class DeletionReason(models.TextChoices):
    CONSENT_ABSENT = "consent_absent", _("Spontaneous, no consent to keep it")
    CONSENT_EXPIRED = "consent_expired", _("Consent period ended")
    RETENTION_EXPIRED = "retention_expired", _("Retention after the hiring decision ended")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    ERASURE_REQUESTED = "erasure_requested", _("Erasure requested")


class ApiScope(models.TextChoices):
    """What an API key may do, on top of what its user may see. The values are public:
    keys store them and integrators ask for them by name, so they never change."""

    OPENINGS_READ = "openings:read", _("Read openings")
    OPENINGS_WRITE = "openings:write", _("Create, change, publish and close openings")
    APPLICATIONS_READ = "applications:read", _("Read applications")
    APPLICATIONS_WRITE = "applications:write", _("Move applications, add notes")
    CV_READ = "cv:read", _("Download CVs")
    DECISIONS_WRITE = "decisions:write", _("Record hiring decisions")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Manage webhook subscriptions")
    REPORTS_READ = "reports:read", _("Read the reports (counts, no personal data)")


class WebhookEvent(models.TextChoices):
    """What a subscription can be told of. The values are public: each delivery's "type"
    and each subscription's list of events, so they never change."""

    APPLICATION_RECEIVED = "application.received", _("An application arrived")
    APPLICATION_STAGE_CHANGED = "application.stage_changed", _("An application changed stage")
    APPLICATION_HIRED = "application.hired", _("An applicant was hired")
    OPENING_PUBLISHED = "opening.published", _("An ad went on the careers page")
    OPENING_DECIDED = "opening.decided", _("An opening's hiring decision was recorded")
    APPLICATION_DELETED = "application.deleted", _("An application was deleted: delete every copy")
