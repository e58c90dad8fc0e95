"""CV checks: the type is decided by the content, and the name's extension must agree.

Accepted: PDF, DOCX and ODT, without active content (ASVS 5.2, 5.4.3). Office documents
are ZIP archives: checked for archive bombs, unsafe or repeated entry names, every XML
part parsed with defusedxml (no document type, so no entities, in whatever encoding it
declares), and refused with macros, scripts, DDE, embedded OLE objects, fields or
relationships that fetch something from elsewhere (a remote template runs code; a
file:// link or one to a share leaks the reader's credentials). PDFs are parsed with
pypdf, every reference followed and streams decoded within a budget, and refused with
script (XFA forms' too), actions that launch, submit or open other files, rich media,
attached web pages, or HTML anywhere in the file (a browser could take it for HTML: a
polyglot). Recruiters' downloads are attachments anyway.
"""

import contextlib
import io
import re
import unicodedata
import zipfile
from bisect import bisect_right
from collections.abc import Iterator
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
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

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
# A link to a file on the reader's computer or on a share, whose server the reader's
# computer sends its Windows credentials to: file:, smb:, \\host\share, //host/share.
FILE_LINK = re.compile(r"^\s*(file:|smb:|[\\/]{2})", re.I)
SCRIPT_LINK = re.compile(r"^\s*(vnd\.sun\.star\.script:|macro:|javascript:)", re.I)
URI_SCHEME = re.compile(r"^\s*[a-z][a-z0-9+.-]*:", re.I)  # drive letters (C:) too

PDF_MAX_OBJECTS = 100_000  # a CV has hundreds
PDF_STREAM_MAX_BYTES = 20 * 1024 * 1024  # one stream decoded in memory; a CV's are KBs
PDF_DECODED_MAX_BYTES = 100 * 1024 * 1024  # all the streams decoded, as for archives
# pypdf's own caps on what one stream decodes to (75 MB each by default), set to ours.
PDF_DECODING_LIMITS = dict.fromkeys(
    (
        "zlib_maximum_output_length",
        "lzw_maximum_output_length",
        "run_length_maximum_output_length",
        "brotli_maximum_output_length",
        "jbig2_maximum_output_length",
        "array_based_stream_maximum_output_length",
        "stream_decoding_work_maximum_length",
    ),
    PDF_STREAM_MAX_BYTES,
)
# PDF actions that run something or open another file: script, another program, a form
# sent elsewhere, a file attached to the PDF (GoToE) or another document (GoToR).
PDF_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/RichMediaExecute",
    "/GoToE",
    "/GoToR",
}
PDF_SCRIPT_KEYS = {"/JS", "/JavaScript"}
# Annotations that play Flash, video or 3D models in players (and scripts) of their own.
PDF_PLAYER_ANNOTATIONS = {"/RichMedia", "/3D"}
XFA_SCRIPT = re.compile(rb"<([\w.-]+:)?script\b", re.I)
# An attached file a viewer would hand to a browser, by its name or its media type.
HTML_FILE_NAME = re.compile(r"\.(x?html?|xht|shtml|mht(ml)?|svgz?|hta)\s*$", re.I)
HTML_MEDIA_TYPE = re.compile(r"html|svg", re.I)
# Where a stream's data starts in the file: the keyword `stream` and an end of line.
PDF_STREAM_START = re.compile(rb"stream(\r\n|\n|\r)")
# Images and font programs: bytes that mean pixels and glyphs, never text.
PDF_BINARY_SUBTYPES = {"/Image", "/Type1C", "/CIDFontType0C", "/OpenType"}

# Office Open XML
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
MACRO_CONTENT = re.compile(r"macroEnabled|vbaProject|vbaData|activeX|ms-office\.addin", re.I)
MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/)", re.I)
OLE_PARTS = re.compile(r"(^|/)embeddings/[^/]*\.bin$", re.I)  # OLE compound files
# Relationships to another program's object, activated by a double click (OLE objects;
# the Packager's wrap any file, programs included), or to HTML or MHT Word imports as
# it opens (altChunk).
EMBEDDING_RELATIONSHIPS = {"oleObject", "package", "aFChunk"}
CHART_PARTS = "word/charts/"  # a chart's data is a workbook of its own (a "package")
WORDML = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # Word's "Strict" format
}
# Fields that run a program (DDE), or fetch a file from a server or a share when the
# document's fields update.
ACTIVE_FIELDS = {"DDE", "DDEAUTO", "INCLUDEPICTURE", "INCLUDETEXT", "IMPORT", "LINK"}
# OpenDocument
ODT_SCRIPT_FOLDERS = ("basic/", "scripts/")
SCRIPT_EVENT = "{urn:oasis:names:tc:opendocument:xmlns:script:1.0}event-listener"
OFFICE_SCRIPT = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}script"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
# What Writer loads from its xlink:href as the document opens: only the document's own
# parts (Pictures/…, ./Object 1), never a file or URL elsewhere.
ODT_LOADED_ELEMENTS = {
    f"{DRAW}image",
    f"{DRAW}object",
    f"{DRAW}object-ole",
    f"{DRAW}floating-frame",
    f"{DRAW}fill-image",
    f"{DRAW}plugin",
    "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}background-image",
    f"{TEXT}section-source",
}
# DDE: a link that asks another program (any command line) for its data.
ODT_DDE_ELEMENTS = {
    f"{TEXT}dde-connection-decl",
    f"{TEXT}dde-connection",
    "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}dde-source",
    "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}dde-link",
}
# Another program's object, or an HTML/MHT chunk Word imports, in either format.
EMBEDDING_ELEMENTS = {
    "{urn:schemas-microsoft-com:office:office}OLEObject",
    f"{DRAW}object-ole",
    *(f"{{{namespace}}}altChunk" for namespace in WORDML),
}

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
    content = upload.read()  # at most ATS_CV_MAX_BYTES
    if HTML_MARKS.search(content, 0, HTML_SNIFF_BYTES):  # what a browser sniffs
        raise _active_content()
    try:
        with _pdf_decoding_limits():
            reader = PdfReader(io.BytesIO(content))
            if reader.is_encrypted and not reader.decrypt(""):
                raise _not_accepted()  # protected: nothing can be checked, or read by us
            decoded = _PdfDecoder()
            _decode_object_streams(reader, decoded)
            if _pdf_has_active_content(reader, decoded) or _pdf_holds_html(
                content, reader, decoded
            ):
                raise _active_content()
    except LimitReachedError:
        raise _archive_bomb() from None
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        NotImplementedError,
    ):
        raise _damaged(PDF) from None


def _pdf_decoding_limits() -> contextlib.AbstractContextManager:
    """PDF_DECODING_LIMITS for pypdf to apply as it decodes."""
    return apply_configuration(**PDF_DECODING_LIMITS)


class _PdfDecoder:
    """Streams' data decoded: each within PDF_STREAM_MAX_BYTES, all of them within
    PDF_DECODED_MAX_BYTES. Call it with a stream."""

    def __init__(self) -> None:
        self.left = PDF_DECODED_MAX_BYTES

    def __call__(self, stream: StreamObject) -> bytes:
        data = stream.get_data()
        self.left -= len(data)
        if len(data) > PDF_STREAM_MAX_BYTES or self.left < 0:
            raise _archive_bomb()
        return data


def _decode_object_streams(reader: PdfReader, decoded: _PdfDecoder) -> None:
    """Objects packed in object streams are read by pypdf, which decodes and keeps each
    such stream: decode them here first, so that they count against the budget."""
    for number in {place[0] for place in reader.xref_objStm.values()}:  # (stream, index)
        stream = reader.get_object(number)
        if isinstance(stream, StreamObject):
            decoded(stream)


def _pdf_has_active_content(reader: PdfReader, decoded: _PdfDecoder) -> bool:
    """Whether any object a viewer can reach runs something, opens another file, plays
    content of its own, or hands a browser a web page."""
    return any(
        _pdf_runs_something(item)
        or _pdf_links_to_a_file(item)
        or _pdf_plays_media(item)
        or _pdf_xfa_has_script(item, decoded)
        or _pdf_attaches_a_web_page(item, decoded)
        for item in _pdf_dictionaries(reader)
    )


def _pdf_dictionaries(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every dictionary (streams' included) reachable from the trailer, each once,
    however it is referred to."""
    seen, pending, visited = set(), [reader.trailer], 0
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) not in seen:
                seen.add((item.idnum, item.generation))
                pending.append(item.get_object())  # itself a reference, maybe
            continue
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise ValueError("too many objects to check")
        if isinstance(item, DictionaryObject):
            yield item
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)


def _pdf_resolved(value):
    """`value`, a reference (`5 0 R`) followed to what it refers to."""
    for _hop in range(10):  # a reference to a reference to …
        if not isinstance(value, IndirectObject):
            break
        value = value.get_object()
    return value


def _pdf_name(dictionary: DictionaryObject, key: str) -> str:
    """A name (/Launch) or text entry, however it is referred to; "" if it is neither."""
    value = _pdf_resolved(dictionary.get(key))
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value if isinstance(value, str) else ""


def _pdf_runs_something(item: DictionaryObject) -> bool:
    """Script anywhere (an action's or a form field's), or an action that runs a program,
    sends a form, or opens an attached file or another document."""
    return bool(PDF_SCRIPT_KEYS & set(item.keys())) or _pdf_name(item, "/S") in PDF_ACTIVE_ACTIONS


def _pdf_links_to_a_file(item: DictionaryObject) -> bool:
    """A link (or the base that links are read against) to a local file or a share."""
    return any(FILE_LINK.match(_pdf_name(item, key)) for key in ("/URI", "/Base"))


def _pdf_plays_media(item: DictionaryObject) -> bool:
    return _pdf_name(item, "/Subtype") in PDF_PLAYER_ANNOTATIONS


def _pdf_xfa_has_script(item: DictionaryObject, decoded: _PdfDecoder) -> bool:
    """An XFA form (XML that Acrobat shows instead of the pages) with a script in any of
    its packets; each packet is a stream, compressed like any other."""
    xfa = _pdf_resolved(item.get("/XFA"))
    packets = xfa if isinstance(xfa, ArrayObject) else [xfa]  # name, stream, name, …
    return any(
        isinstance(packet := _pdf_resolved(value), StreamObject)
        and XFA_SCRIPT.search(decoded(packet))
        for value in packets
    )


def _pdf_attaches_a_web_page(item: DictionaryObject, decoded: _PdfDecoder) -> bool:
    """A file specification whose attached file is a web page, by its name, its media type
    or its first bytes: a viewer hands it to a browser, where nothing of ours applies."""
    files = _pdf_resolved(item.get("/EF"))
    if not isinstance(files, DictionaryObject):
        return False
    names = (_pdf_name(item, key) for key in ("/F", "/UF", "/DOS", "/Mac", "/Unix"))
    if any(HTML_FILE_NAME.search(name) for name in names):
        return True
    for value in files.values():
        file = _pdf_resolved(value)
        if isinstance(file, StreamObject) and (
            HTML_MEDIA_TYPE.search(_pdf_name(file, "/Subtype"))
            or HTML_MARKS.search(decoded(file), 0, HTML_SNIFF_BYTES)
        ):
            return True
    return False


def _pdf_holds_html(content: bytes, reader: PdfReader, decoded: _PdfDecoder) -> bool:
    """HTML anywhere in the file, not only where a browser sniffs. A compressed stream's
    bytes are noise that spells "<img " now and then, so there what counts is what they
    decode to; images and font programs, binary by nature, do not count."""
    bodies, suspects, position = None, [], 0
    while mark := HTML_MARKS.search(content, position):
        if bodies is None:  # worked out only for a file with marks
            bodies = _pdf_stream_bodies(content, reader)
        body = bodies.holding(mark.start())
        if body is None:
            return True  # in the file's own text: a comment, a string, after the end
        stream, position = body  # the rest of this stream's data goes with it
        suspects.append(stream)
    return any(
        not _pdf_is_binary(stream) and HTML_MARKS.search(decoded(stream)) for stream in suspects
    )


@dataclass
class _StreamBodies:
    """Where streams' data lie in the file, as stored: in order, never overlapping."""

    starts: list[int]
    ends: list[int]
    streams: list[StreamObject]

    def holding(self, position: int) -> tuple[StreamObject, int] | None:
        """The stream whose data holds `position`, and where its data ends."""
        index = bisect_right(self.starts, position) - 1
        if index >= 0 and position < self.ends[index]:
            return self.streams[index], self.ends[index]
        return None


def _pdf_stream_bodies(content: bytes, reader: PdfReader) -> _StreamBodies:
    """Each stream's data: from the `stream` keyword after its object's start up to
    `endstream`, before the next object (so that each byte is searched once, whatever
    offsets the file claims)."""
    objects = sorted(
        (offset, number, generation)
        for generation, offsets in reader.xref.items()
        for number, offset in offsets.items()
    )
    if len(objects) > PDF_MAX_OBJECTS:
        raise ValueError("too many objects to check")
    bodies = _StreamBodies([], [], [])
    next_offsets = [offset for offset, _number, _generation in objects[1:]] + [len(content)]
    for (offset, number, generation), next_offset in zip(objects, next_offsets, strict=True):
        stream = reader.get_object(IndirectObject(number, generation, reader))
        if not isinstance(stream, StreamObject):
            continue
        keyword = PDF_STREAM_START.search(content, offset, next_offset)
        end = content.find(b"endstream", keyword.end(), next_offset) if keyword else -1
        if end >= 0:
            bodies.starts.append(keyword.end())
            bodies.ends.append(end)
            bodies.streams.append(stream)
    return bodies


def _pdf_is_binary(stream: StreamObject) -> bool:
    return _pdf_name(stream, "/Subtype") in PDF_BINARY_SUBTYPES or "/Length1" in stream


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
    names = set()
    for entry in entries:
        name = entry.filename.replace("\\", "/")
        path = PurePosixPath(name)
        # An entry named twice (in any case: OPC part names ignore it) is read as one or
        # the other depending on the reader: a second [Content_Types].xml can hide a .docm.
        repeated = name.lower() in names
        names.add(name.lower())
        if repeated or path.is_absolute() or ".." in path.parts or "\x00" in entry.filename:
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
        if (
            MACRO_PARTS.search(name)
            or OLE_PARTS.search(name)
            or name.lower().startswith(ODT_SCRIPT_FOLDERS)
        ):
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
        _check_relationships(name, root)
        return
    for element in root.iter():
        if (
            _runs_script(element)
            or _links_to_a_file(element)
            or _loads_from_elsewhere(element)
            or _is_dde(element)
            or _embeds_an_object(element)
        ):
            raise _active_content()
    if any(_field_is_active(instruction) for instruction in _field_instructions(root)):
        raise _active_content()


def _check_relationships(name: str, root) -> None:
    for relationship in root.iter(f"{RELATIONSHIPS_NS}Relationship"):
        external = relationship.get("TargetMode", "").lower() == "external"
        target = relationship.get("Target", "")
        kind = relationship.get("Type", "")
        if (
            SCRIPT_LINK.match(target)
            or FILE_LINK.match(target)  # hyperlinks included
            or (external and kind != HYPERLINK)  # a remote template or image, fetched on open
            or _relationship_embeds(name, kind)
        ):
            raise _active_content()


def _relationship_embeds(name: str, kind: str) -> bool:
    """To an OLE object or package, or an altChunk (EMBEDDING_RELATIONSHIPS)."""
    kind = kind.rsplit("/", 1)[-1]
    if kind == "package" and name.lower().startswith(CHART_PARTS):
        return False  # a chart's data, opened only to edit the chart
    return kind in EMBEDDING_RELATIONSHIPS


def _runs_script(element) -> bool:
    """Writer's macros: run on an event, or from a link."""
    return element.tag in (SCRIPT_EVENT, OFFICE_SCRIPT) or bool(
        SCRIPT_LINK.match(element.get(XLINK_HREF, ""))
    )


def _links_to_a_file(element) -> bool:
    return bool(FILE_LINK.match(element.get(XLINK_HREF, "")))


def _loads_from_elsewhere(element) -> bool:
    """A picture, object or section Writer loads as it opens (ODT_LOADED_ELEMENTS) from
    anywhere but the document itself: a remote fetch, or credentials sent to a share."""
    if element.tag not in ODT_LOADED_ELEMENTS:
        return False
    href = element.get(XLINK_HREF, "").strip()
    return bool(
        URI_SCHEME.match(href) or href.startswith(("/", "\\")) or ".." in re.split(r"[\\/]", href)
    )


def _is_dde(element) -> bool:
    return element.tag in ODT_DDE_ELEMENTS


def _embeds_an_object(element) -> bool:
    return element.tag in EMBEDDING_ELEMENTS


def _field_instructions(root) -> Iterator[str]:
    """Each Word field's instruction: in w:fldSimple's attribute, or in the w:instrText
    runs between w:fldChar begin and separate (or end), which Word may split anywhere
    (DDE|AUTO); a field nested in another has its own."""
    open_fields: list[list[str] | None] = []  # instructions being read, innermost last
    for element in root.iter():
        namespace, _brace, tag = element.tag.rpartition("}")
        if namespace.lstrip("{") not in WORDML:
            continue
        if tag == "fldSimple":
            yield element.get(f"{namespace}}}instr", "")
        elif tag == "instrText" and open_fields and open_fields[-1] is not None:
            open_fields[-1].append(element.text or "")
        elif tag == "fldChar":
            kind = element.get(f"{namespace}}}fldCharType")
            if kind == "begin":
                open_fields.append([])
            elif kind == "separate" and open_fields and open_fields[-1] is not None:
                yield "".join(open_fields[-1])
                open_fields[-1] = None  # what follows is the field's shown result
            elif kind == "end" and open_fields:
                instruction = open_fields.pop()
                if instruction is not None:
                    yield "".join(instruction)


def _field_is_active(instruction: str) -> bool:
    """ACTIVE_FIELDS, or a HYPERLINK field to a file, a share or a script."""
    words = instruction.split(None, 1)
    keyword = words[0].upper() if words else ""
    target = words[1].strip().strip('"') if len(words) > 1 else ""
    return keyword in ACTIVE_FIELDS or (
        keyword == "HYPERLINK" and bool(FILE_LINK.match(target) or SCRIPT_LINK.match(target))
    )
