"""CV checks: the type is decided by the content, and the name's extension must agree.

Accepted: PDF, DOCX and ODT, without active content (ASVS 5.2, 5.4.3): `office.py`
inspects the office documents, `pdf.py` the PDFs. Recruiters' downloads are attachments
anyway.
"""

import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from ..app_settings import app_settings
from .common import ACCEPTED_TYPES as ACCEPTED_TYPES
from .common import DOCX as DOCX
from .common import ODT as ODT
from .common import PDF as PDF
from .common import CvType as CvType
from .common import not_accepted, not_really
from .office import check_office_document
from .pdf import check_pdf

ACCEPT_ATTRIBUTE = ",".join(t.extension for t in ACCEPTED_TYPES)
DISPLAY_NAME_MAX = 120


def content_type_of(key: str) -> str:
    """The content type of a stored CV, from the extension its key was given on upload."""
    extension = PurePosixPath(key).suffix.lower()
    return next(
        (t.content_type for t in ACCEPTED_TYPES if t.extension == extension),
        "application/octet-stream",
    )


@dataclass(frozen=True)
class ValidatedCv:
    """An upload that passed every check; only validate_cv makes one."""

    file: File
    type: CvType
    display_name: str


def clean_display_name(raw: str) -> str:
    """The candidate's file name, safe to show: no path, no control or direction marks."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    # Category C covers NUL, control characters and format marks such as U+202E
    # (right-to-left override, which makes "cv‮fdp.exe" read as "cvexe.pdf").
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split())
    if len(name) > DISPLAY_NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        keep = extension[:10] if dot else ""
        name = stem[: DISPLAY_NAME_MAX - len(keep) - 1] + (f".{keep}" if keep else "")
    return name


def validate_cv(upload: File) -> ValidatedCv:
    """Check an uploaded CV; raise ValidationError with a message the candidate can act on."""
    display_name = clean_display_name(upload.name or "")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > app_settings.CV_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(app_settings.CV_MAX_BYTES),
            },
            code="too_large",
        )
    extension = PurePosixPath(display_name).suffix.lower()
    try:
        cv_type = _detect_type(upload, named=display_name, extension=extension)
    finally:
        upload.seek(0)
    if extension != cv_type.extension:
        raise ValidationError(
            _("The file is a %(type)s document, so its name must end in %(extension)s.")
            % {"type": cv_type.label, "extension": cv_type.extension},
            code="extension_mismatch",
        )
    _scan(upload)
    return ValidatedCv(file=upload, type=cv_type, display_name=display_name)


def _scan(upload: File) -> None:
    """ATS_CV_SCANNER, if set, names a callable that gets the upload and raises
    ValidationError to refuse it (a virus scanner, say). It runs before anything is
    stored, so a refused file never reaches the storage."""
    if not app_settings.CV_SCANNER:
        return
    scanner = import_string(app_settings.CV_SCANNER)
    try:
        scanner(upload)
    finally:
        upload.seek(0)


def _detect_type(upload: File, *, named: str, extension: str) -> CvType:
    upload.seek(0)
    head = upload.read(8)
    if head.startswith(b"%PDF-"):
        check_pdf(upload)
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return check_office_document(upload)
    claimed = next((t for t in ACCEPTED_TYPES if t.extension == extension), None)
    raise not_really(claimed, named) if claimed else not_accepted()
