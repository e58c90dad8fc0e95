"""The text of a CV, extracted once when it arrives (applying, or a candidate's
correction) for search: PDF with pypdf, DOCX with mammoth, ODT by a walk of its
content.xml. The file passed cv_checks first, so it is a clean PDF, DOCX or ODT.

Never a reason to refuse an application: whatever fails gives an empty text, logged
without a word of the file."""

import io
import logging
import zipfile

import mammoth
from defusedxml import ElementTree
from django.core.files import File
from pypdf import PdfReader

from .cv_checks import DOCX, ODT, PDF, CvType

logger = logging.getLogger(__name__)

MAX_CHARS = 100_000  # a CV of forty pages; more is not a CV, and search needs no more
MAX_PDF_PAGES = 50

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_BLOCKS = {f"{{{_TEXT}}}p", f"{{{_TEXT}}}h"}
_SPACE, _TAB, _BREAK = f"{{{_TEXT}}}s", f"{{{_TEXT}}}tab", f"{{{_TEXT}}}line-break"


def extract_text(file: File, cv_type: CvType) -> str:
    """The CV's text, whitespace made tidy, at most MAX_CHARS; "" when none can be read."""
    try:
        file.seek(0)
        content = file.read()
        if cv_type == PDF:
            text = _pdf_text(content)
        elif cv_type == DOCX:
            text = mammoth.extract_raw_text(io.BytesIO(content)).value
        elif cv_type == ODT:
            text = _odt_text(content)
        else:
            return ""
    except Exception as error:
        logger.warning("No text extracted from a %s CV: %s", cv_type.label, type(error).__name__)
        return ""
    finally:
        file.seek(0)
    return tidy(text)[:MAX_CHARS]


def tidy(text: str) -> str:
    """Lines without trailing spaces, at most one empty line in a row, no NUL."""
    lines = [" ".join(line.split()) for line in text.replace("\x00", "").splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    pages = []
    length = 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        text = page.extract_text() or ""
        pages.append(text)
        length += len(text)
        if length > MAX_CHARS:
            break
    return "\n".join(pages)


def _odt_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    paragraphs = []
    for element in root.iter():
        if element.tag in _BLOCKS:
            paragraphs.append(_inline_text(element))
    return "\n".join(paragraphs)


def _inline_text(element) -> str:
    """A paragraph's text with its spans, spaces, tabs and line breaks."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _SPACE:
            parts.append(" " * int(child.get(f"{{{_TEXT}}}c", "1") or 1))
        elif child.tag == _TAB:
            parts.append("\t")
        elif child.tag == _BREAK:
            parts.append("\n")
        elif child.tag not in _BLOCKS:  # a nested paragraph is met by root.iter()
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
