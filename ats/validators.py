"""CV checks: the type is decided by the content, and the name's extension must agree.

Accepted: PDF, DOCX and ODT. Office documents are ZIP archives, so they are also
checked for archive bombs and unsafe entry names before anyone opens them in Word.
"""

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .app_settings import app_settings

ZIP_MAX_ENTRIES = 1_000  # a CV written by Word or Writer has a few dozen
ZIP_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # ten times the largest accepted upload
ZIP_READ_CHUNK = 64 * 1024
DTD_MARKS = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
DISPLAY_NAME_MAX = 120

DOCX_MAIN_PART = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# Writer saves .odt as "text", or as "text-web" when the document began as HTML.
ODT_MIMETYPES = (
    b"application/vnd.oasis.opendocument.text",
    b"application/vnd.oasis.opendocument.text-web",
)


@dataclass(frozen=True)
class CvType:
    label: str
    extension: str
    content_type: str


PDF = CvType("PDF", ".pdf", "application/pdf")
DOCX = CvType(
    "Word (DOCX)",
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
ODT = CvType("OpenDocument (ODT)", ".odt", "application/vnd.oasis.opendocument.text")
ACCEPTED_TYPES = (PDF, DOCX, ODT)
ACCEPT_ATTRIBUTE = ",".join(t.extension for t in ACCEPTED_TYPES)


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
    try:
        cv_type = _detect_type(upload)
    finally:
        upload.seek(0)
    extension = PurePosixPath(display_name).suffix.lower()
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


def _not_accepted() -> ValidationError:
    return ValidationError(
        _("Please upload your CV as a PDF, Word (DOCX) or OpenDocument (ODT) document."),
        code="type",
    )


def _damaged(cv_type: CvType) -> ValidationError:
    return ValidationError(
        _("This %(type)s document is damaged or incomplete; please save it again and retry.")
        % {"type": cv_type.label},
        code="damaged",
    )


def _detect_type(upload: File) -> CvType:
    upload.seek(0)
    head = upload.read(8)
    if head.startswith(b"%PDF-"):
        _check_pdf(upload)
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _check_office_document(upload)
    raise _not_accepted()


def _check_pdf(upload: File) -> None:
    # A complete PDF ends with an end-of-file marker (possibly followed by whitespace
    # or an incremental update's trailer); a truncated upload does not.
    upload.seek(max(upload.size - 2048, 0))
    if b"%%EOF" not in upload.read():
        raise _damaged(PDF)


def _check_office_document(upload: File) -> CvType:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            _check_archive_bounds(entries)
            cv_type = _office_type(archive)
            if cv_type is None:
                raise _not_accepted()
            # Decompress everything once, within the budget: declared sizes can lie, and
            # this also verifies every entry's checksum.
            _read_within_budget(archive, entries, cv_type)
            return cv_type
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ):  # RuntimeError: an encrypted entry
        raise _not_accepted() from None


def _check_archive_bounds(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > ZIP_MAX_ENTRIES or (
        sum(entry.file_size for entry in entries) > ZIP_MAX_UNCOMPRESSED_BYTES
    ):
        raise _archive_bomb()
    for entry in entries:
        path = PurePosixPath(entry.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or "\x00" in entry.filename:
            raise ValidationError(
                _("This document contains unsafe file paths and cannot be accepted."),
                code="unsafe_archive",
            )


def _archive_bomb() -> ValidationError:
    return ValidationError(
        _("This document unpacks to far more data than a CV holds and cannot be accepted."),
        code="archive_bomb",
    )


def _office_type(archive: zipfile.ZipFile) -> CvType | None:
    names = set(archive.namelist())
    if "mimetype" in names and "content.xml" in names:
        with archive.open("mimetype") as member:
            if member.read(100).strip() in ODT_MIMETYPES:
                return ODT
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        with archive.open("[Content_Types].xml") as member:
            # A macro-enabled document (.docm) names a different main part.
            if DOCX_MAIN_PART in member.read(256 * 1024):
                return DOCX
    return None


def _read_within_budget(
    archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], cv_type: CvType
) -> None:
    """Decompress every entry within the budget, and refuse XML that declares a document
    type: Word and Writer never write one, and it is how external entities (XXE) and
    entity-expansion bombs reach whoever parses the file later."""
    budget = ZIP_MAX_UNCOMPRESSED_BYTES
    for entry in entries:
        tail = b""  # so that a declaration split across two chunks is still seen
        try:
            with archive.open(entry) as member:
                while chunk := member.read(ZIP_READ_CHUNK):
                    budget -= len(chunk)
                    if budget < 0:
                        raise _archive_bomb()
                    if entry.filename.endswith((".xml", ".rels")) and DTD_MARKS.search(
                        tail + chunk
                    ):
                        raise ValidationError(
                            _("This document declares XML entities and cannot be accepted."),
                            code="xml_entities",
                        )
                    tail = chunk[-16:]
        except zipfile.BadZipFile:
            raise _damaged(cv_type) from None
