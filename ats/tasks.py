"""django-q2 entry points. Each calls one service; the result text holds only counts."""

from . import emails
from .models import Application
from .services.privacy import ask_for_consent_renewals
from .services.purge import purge_due
from .services.sweep import sweep_storage


def purge_due_applications() -> str:
    return purge_due().as_text()


def sweep_orphan_cv_files() -> str:
    return sweep_storage().as_text()


def ask_for_consent_renewals_due() -> str:
    return f"Candidates asked to renew their consent: {ask_for_consent_renewals()}"


def send_receipt(application_id: int) -> None:
    """The receipt with the self-service link; nothing to send if it is gone already."""
    application = (
        Application.objects.live().select_related("opening").filter(pk=application_id).first()
    )
    if application is not None:
        emails.send_receipt(application)
