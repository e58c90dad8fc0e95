"""Office documents (DOCX, ODT) are ZIP archives: checked for archive bombs, unsafe or
repeated entry names, every XML part parsed with defusedxml (no document type, so no
entities, in whatever encoding it declares), and refused with macros, scripts, DDE,
embedded OLE objects, fields or relationships that fetch something from elsewhere (a
remote template runs code; a file:// link or one to a share leaks the reader's
credentials)."""

import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

from .common import (
    DOCX,
    FILE_LINK,
    ODT,
    SCRIPT_LINK,
    URI_SCHEME,
    CvType,
    active_content,
    archive_bomb,
    damaged,
    not_accepted,
)

ZIP_MAX_ENTRIES = 1_000  # a CV written by Word or Writer has a few dozen
ZIP_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # ten times the largest accepted upload
ZIP_READ_CHUNK = 64 * 1024
XML_PART_MAX_BYTES = 20 * 1024 * 1024  # parsed in memory; Word's document.xml is KBs

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


def check_office_document(upload: File) -> CvType:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            _check_archive_bounds(entries)
            cv_type = _office_type(archive)
            if cv_type is None:
                raise not_accepted()
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
        raise not_accepted() from None


def _check_archive_bounds(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > ZIP_MAX_ENTRIES or (
        sum(entry.file_size for entry in entries) > ZIP_MAX_UNCOMPRESSED_BYTES
    ):
        raise archive_bomb()
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
            raise active_content()  # a .docm, however it is named or hidden
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
            raise active_content()
        content = bytearray()
        try:
            with archive.open(entry) as member:
                while chunk := member.read(ZIP_READ_CHUNK):
                    budget -= len(chunk)
                    if budget < 0:
                        raise archive_bomb()
                    if len(content) <= XML_PART_MAX_BYTES:
                        content += chunk
        except zipfile.BadZipFile:
            raise damaged(cv_type) from None
        if _looks_like_xml(name, content):
            if len(content) > XML_PART_MAX_BYTES:
                raise archive_bomb()
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
        raise damaged(cv_type) from None


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
            raise active_content()
    if any(_field_is_active(instruction) for instruction in _field_instructions(root)):
        raise active_content()


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
            raise active_content()


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
