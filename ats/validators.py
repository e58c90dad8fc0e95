"""CV checks: the type is decided by the content, and the name's extension must agree.

Accepted: PDF, DOCX and ODT, without active content (ASVS 5.2, 5.4.3). Office documents
are ZIP archives: checked for archive bombs and unsafe entry names, every XML part
parsed with defusedxml (no document type, so no entities, in whatever encoding it
declares), and refused with macros, scripts or external relationships (a remote
template runs code; a file:// link leaks the reader's credentials). PDFs are parsed
with pypdf and refused with JavaScript or launch actions; a PDF that a browser could
take for HTML (a polyglot) is refused. Recruiters' downloads are attachments anyway.
"""

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from .app_settings import app_settings

ZIP_MAX_ENTRIES = 1_000  # a CV written by Word or Writer has a few dozen
ZIP_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # ten times the largest accepted upload
ZIP_READ_CHUNK = 64 * 1024
XML_PART_MAX_BYTES = 20 * 1024 * 1024  # parsed in memory; Word's document.xml is KBs
DISPLAY_NAME_MAX = 120
# What a browser sniffing the start of a file would take for HTML.
HTML_MARKS = re.compile(
    rb"<(!doctype\s+html|html|head|body|script|iframe|svg|object|embed|style|title|img|meta)\b",
    re.IGNORECASE,
)
HTML_SNIFF_BYTES = 4096
PDF_MAX_OBJECTS = 100_000  # a CV has hundreds
# PDF actions that run something: script, another program, a form sent elsewhere.
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}
PDF_SCRIPT_KEYS = {"/JS", "/JavaScript"}

# Office Open XML
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
MACRO_CONTENT = re.compile(r"macroEnabled|vbaProject|vbaData|activeX|ms-office\.addin", re.I)
MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/)", re.I)
# OpenDocument
ODT_SCRIPT_FOLDERS = ("basic/", "scripts/")
SCRIPT_EVENT = "{urn:oasis:names:tc:opendocument:xmlns:script:1.0}event-listener"
OFFICE_SCRIPT = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}script"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
SCRIPT_LINK = re.compile(r"^\s*(vnd\.sun\.star\.script:|macro:|javascript:|file:)", re.I)

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


def one_line(value: str) -> str:
    """`value` as one line fit for an email header: line breaks, tabs and every other
    control character (and Unicode's line and paragraph separators) become spaces."""
    return " ".join("".join(" " if _breaks_a_line(ch) else ch for ch in value).split())


def validate_one_line(value: str) -> None:
    """For text that ends up in email headers (an opening's title, say)."""
    if any(_breaks_a_line(ch) for ch in value):
        raise ValidationError(
            _("Write this on one line, without tabs or other control characters."),
            code="control_characters",
        )


def _breaks_a_line(character: str) -> bool:
    return unicodedata.category(character) in ("Cc", "Zl", "Zp")


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
    upload.seek(0)
    if HTML_MARKS.search(upload.read(HTML_SNIFF_BYTES)):
        raise _active_content()
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _not_accepted()  # protected: nothing can be checked, or read by us
        if _pdf_runs_something(reader):
            raise _active_content()
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError, NotImplementedError):
        raise _damaged(PDF) from None


def _pdf_runs_something(reader: PdfReader) -> bool:
    """Whether any object a viewer can reach holds script or a launch action."""
    seen, pending, visited = set(), [reader.trailer], 0
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise ValueError("too many objects to check")
        if isinstance(item, DictionaryObject):
            if PDF_SCRIPT_KEYS & set(item.keys()):
                return True
            action = item.get("/S")
            if isinstance(action, NameObject) and action in PDF_ACTIVE_ACTIONS:
                return True
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return False


def _active_content() -> ValidationError:
    return ValidationError(
        _(
            "This document contains active content (macros, scripts or links to other files) "
            "and cannot be accepted. Please save it again as a plain PDF, DOCX or ODT."
        ),
        code="active_content",
    )


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
            types = _parse_xml(member.read(XML_PART_MAX_BYTES + 1), DOCX)
        declared = {
            element.get("PartName", "").lower(): element.get("ContentType", "")
            for element in types.iter(f"{CONTENT_TYPES_NS}Override")
        }
        every_type = [e.get("ContentType", "") for e in types.iter()]
        if any(MACRO_CONTENT.search(content_type) for content_type in every_type):
            raise _active_content()  # a .docm, however it is named or hidden
        if declared.get("/word/document.xml") == DOCX_MAIN_PART.decode():
            return DOCX
    return None


def _read_within_budget(
    archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], cv_type: CvType
) -> None:
    """Decompress every entry within the budget; parse every XML part (refusing a
    document type: Word and Writer never write one, and it is how external entities
    and entity-expansion bombs reach whoever parses the file later); refuse macros,
    scripts and links to elsewhere."""
    budget = ZIP_MAX_UNCOMPRESSED_BYTES
    for entry in entries:
        name = entry.filename.replace("\\", "/")
        if MACRO_PARTS.search(name) or name.lower().startswith(ODT_SCRIPT_FOLDERS):
            raise _active_content()
        content = bytearray()
        try:
            with archive.open(entry) as member:
                while chunk := member.read(ZIP_READ_CHUNK):
                    budget -= len(chunk)
                    if budget < 0:
                        raise _archive_bomb()
                    if len(content) <= XML_PART_MAX_BYTES:
                        content += chunk
        except zipfile.BadZipFile:
            raise _damaged(cv_type) from None
        if _looks_like_xml(name, content):
            if len(content) > XML_PART_MAX_BYTES:
                raise _archive_bomb()
            _check_xml_part(name, _parse_xml(bytes(content), cv_type))


def _looks_like_xml(name: str, content: bytes) -> bool:
    """By name, whatever its case, or by content, whatever the name."""
    if name.lower().endswith((".xml", ".rels")):
        return True
    start = content[:8].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    return start.startswith(b"<")


def _parse_xml(content: bytes, cv_type: CvType):
    """The part parsed by expat, which reads the declared encoding (UTF-16 too), with
    defusedxml refusing any document type, entity or external reference."""
    try:
        return defusedxml.ElementTree.fromstring(content, forbid_dtd=True)
    except DefusedXmlException:
        raise ValidationError(
            _("This document declares XML entities and cannot be accepted."),
            code="xml_entities",
        ) from None
    except (ParseError, ValueError):
        raise _damaged(cv_type) from None


def _check_xml_part(name: str, root) -> None:
    if name.lower().endswith(".rels"):
        for relationship in root.iter(f"{RELATIONSHIPS_NS}Relationship"):
            external = relationship.get("TargetMode", "").lower() == "external"
            target = relationship.get("Target", "")
            if SCRIPT_LINK.match(target) or (
                external and relationship.get("Type") != HYPERLINK
            ):  # a remote template or image, fetched when the document opens
                raise _active_content()
        return
    for element in root.iter():
        if element.tag in (SCRIPT_EVENT, OFFICE_SCRIPT) or SCRIPT_LINK.match(
            element.get(XLINK_HREF, "")
        ):
            raise _active_content()
