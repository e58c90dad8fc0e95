"""A CV shown inside the recruiter's page as the candidate made it: a PDF's pages as PNG
images with each page's text beside them, a DOCX's or ODT's text with its headings,
lists and tables as sanitised HTML.

Rendered on each request and never kept: nothing is written to a disk, a cache or the
CV storage, so nothing rendered outlives the application.

A PDF is rendered by PDFium (pypdfium2), C++ that parses what a stranger sent, in a
child process of its own that runs this file alone (`python -I cv_render.py`: nothing
of the app or of Django loaded, and an empty environment, so no secret to leak). Before
it reads a byte, the child limits itself with setrlimit: address space
(`CHILD_MEMORY_BYTES`), CPU time (`CHILD_CPU_SECONDS`), no file written, no core dump;
the parent kills it after `CHILD_WALL_SECONDS`. A hostile PDF
(a page that takes minutes to draw, an allocation of gigabytes, a crash) so ends one
child, never a web worker. Page and pixel caps keep an honest but huge file bounded
too. Where setrlimit is missing (not Linux or BSD), the wall-clock limit still holds.

DOCX (mammoth) and ODT (a short walk of content.xml with defusedxml) are converted in
the worker: pure Python over files the upload checks (`cv_checks.office`) already
bounded, with a cap here on the XML converted.
"""

import contextlib
import functools
import html
import io
import json
import logging
import math
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath

# Only the standard library at the top: the child process that renders a PDF runs this
# file alone. The converters (pypdfium2, mammoth, defusedxml, nh3) are imported where used.

logger = logging.getLogger(__name__)

# A screen's width: sharp in the recruiter's 72rem column, readable when a phone scales
# it down.
PAGE_WIDTH = 1200
# Pixels of one page at most: an A4 or Letter page at PAGE_WIDTH fits twice over; a
# page hundreds of inches long is drawn smaller rather than in gigabytes.
PAGE_MAX_PIXELS = 4_000_000
# A CV is a few pages; past these, the page says how many more there are.
MAX_PAGES = 20
# The text beside each page image, for screen readers and copying: a page of text
# holds a few thousand characters.
PAGE_MAX_TEXT = 20_000
# The child: Python with PDFium and a 4-megapixel bitmap needs about 150 MiB.
CHILD_MEMORY_BYTES = 512 * 1024 * 1024
CHILD_CPU_SECONDS = 10
CHILD_WALL_SECONDS = 15
# The XML part a DOCX or ODT is converted from: a CV's is tens of kilobytes.
OFFICE_XML_MAX_BYTES = 5 * 1024 * 1024


class Kind(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    ODT = "odt"


class CannotRender(Exception):
    """The CV could not be shown: damaged, too large or too slow to draw, or the storage
    did not answer. Its message names nothing of the file's content."""


@dataclass(frozen=True)
class Page:
    number: int
    width: int
    height: int
    text: str


@dataclass(frozen=True)
class Rendering:
    """What the page shows: the first MAX_PAGES `pages` of a PDF of `page_count`
    pages, or the `html` of a DOCX or ODT (sanitised: safe to show as it is)."""

    kind: Kind
    page_count: int = 0
    pages: tuple[Page, ...] = ()
    html: str = ""


def kind_of(key: str) -> Kind | None:
    """The CV's format, from the extension its storage key was given on upload."""
    try:
        return Kind(PurePosixPath(key).suffix.lower().removeprefix("."))
    except ValueError:
        return None


def render(key: str) -> Rendering:
    """The CV stored under `key`, as its page shows it; CannotRender if it cannot be."""
    kind = kind_of(key)
    if kind is None:
        raise CannotRender("not a PDF, DOCX or ODT")
    data = _read(key)
    if kind is Kind.PDF:
        outline = json.loads(_in_child("outline", data))
        return Rendering(
            kind=kind,
            page_count=outline["count"],
            pages=tuple(Page(number=n, **page) for n, page in enumerate(outline["pages"], 1)),
        )
    return Rendering(kind=kind, html=office_html(data, kind=kind))


def pdf_page_png(key: str, number: int) -> bytes:
    """Page `number` (from 1, at most MAX_PAGES) of the PDF under `key`, as a PNG."""
    if kind_of(key) is not Kind.PDF or not 1 <= number <= MAX_PAGES:
        raise CannotRender("no such page")
    return _in_child("page", _read(key), number=number)


def _read(key: str) -> bytes:
    # Here rather than at the top: the child process runs this file without the app.
    from . import storage

    try:
        return storage.read(key)
    except storage.STORAGE_ERRORS as error:
        logger.warning("The CV storage did not give a CV to show: %s", type(error).__name__)
        raise CannotRender("the storage did not answer") from error


# PDF: in a child process


def _in_child(task: str, data: bytes, **arguments) -> bytes:
    """Run `task` on the PDF `data` in a child process, within the limits."""
    limits = {
        "memory": CHILD_MEMORY_BYTES,
        "cpu": CHILD_CPU_SECONDS,
        "width": PAGE_WIDTH,
        "max_pixels": PAGE_MAX_PIXELS,
        "max_pages": MAX_PAGES,
        "max_text": PAGE_MAX_TEXT,
    }
    order = json.dumps({"task": task, **limits, **arguments})
    try:
        done = subprocess.run(
            [sys.executable, "-I", str(Path(__file__).resolve()), order],
            input=data,
            capture_output=True,
            env={},  # none of the worker's settings or secrets
            timeout=CHILD_WALL_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:  # run() has killed the child
        logger.warning("A PDF took longer than %ss to render", CHILD_WALL_SECONDS)
        raise CannotRender("too slow to draw") from error
    except OSError as error:
        logger.warning("The PDF renderer did not start: %s", type(error).__name__)
        raise CannotRender("the renderer did not start") from error
    if done.returncode != 0:  # the child's error output may quote the file: not logged
        logger.warning("A PDF could not be rendered (the renderer's exit code %s)", done.returncode)
        raise CannotRender("damaged, or too large to draw")
    return done.stdout


def _child(order: dict) -> None:
    """The child process: the PDF on standard input, the answer on standard output."""
    _limit_this_process(memory=order["memory"], cpu=order["cpu"])
    import pypdfium2

    pdf = pypdfium2.PdfDocument(sys.stdin.buffer.read())
    shown = min(len(pdf), order["max_pages"])
    scale = functools.partial(_scale, pixels_across=order["width"], max_pixels=order["max_pixels"])
    if order["task"] == "outline":
        pages = []
        for page in (pdf[n] for n in range(shown)):
            width, height = page.get_size()
            text = page.get_textpage().get_text_range().replace("\r\n", "\n")
            pages.append(
                {
                    "width": math.ceil(width * scale(width, height)),  # as PDFium sizes it
                    "height": math.ceil(height * scale(width, height)),
                    "text": text[: order["max_text"]],
                }
            )
        out = json.dumps({"count": len(pdf), "pages": pages}).encode()
    else:
        if not 1 <= order["number"] <= shown:
            raise SystemExit(2)
        page = pdf[order["number"] - 1]
        bitmap = page.render(scale=scale(*page.get_size()), rev_byteorder=True)
        out = png(
            width=bitmap.width,
            height=bitmap.height,
            channels=bitmap.n_channels,
            stride=bitmap.stride,
            pixels=bytes(bitmap.buffer),
        )
    sys.stdout.buffer.write(out)


def _limit_this_process(*, memory: int, cpu: int) -> None:
    try:
        import resource
    except ImportError:  # not a Unix: the parent's wall-clock limit still holds
        return
    for limit, value in (
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_CPU, cpu),
        (resource.RLIMIT_FSIZE, 0),
        (resource.RLIMIT_CORE, 0),
    ):
        with contextlib.suppress(ValueError, OSError):  # e.g. macOS refuses RLIMIT_AS
            resource.setrlimit(limit, (value, value))


def _scale(width: float, height: float, *, pixels_across: int, max_pixels: int) -> float:
    """How much a page of `width` by `height` points is enlarged: `pixels_across` pixels
    wide, unless that makes more than `max_pixels`."""
    return min(pixels_across / width, math.sqrt(max_pixels / (width * height)))


def png(*, width: int, height: int, channels: int, stride: int, pixels: bytes) -> bytes:
    """8-bit grey, RGB or RGBA rows (`stride` bytes apart) as a PNG file."""
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    row = width * channels
    raw = b"".join(b"\0" + pixels[y * stride : y * stride + row] for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"IDAT", zlib.compress(raw, 6)),
            chunk(b"IEND", b""),
        )
    )


# DOCX and ODT: their text, as sanitised HTML

# What the text of a CV needs; no attributes, so no link, style or handler.
ALLOWED_TAGS = {
    *(f"h{level}" for level in range(1, 7)),
    *("p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "u", "sub", "sup"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
HEADING = re.compile(r"<(/?)h([1-6])>")

ODF_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
ODF_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ODF_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
# Containers whose paragraphs are the document's own.
ODF_CONTAINERS = {f"{ODF_TEXT}section", f"{ODF_TEXT}soft-page-break", f"{ODF_TEXT}index-body"}
ODF_ROW_GROUPS = {
    f"{ODF_TABLE}{group}" for group in ("table-header-rows", "table-rows", "table-row-group")
}
ODF_HEADING_STYLE = re.compile(r"^Heading_20_([1-6])$")


def office_html(data: bytes, *, kind: Kind) -> str:
    """A DOCX's or ODT's text as HTML: headings (one level below the page's own
    heading), paragraphs, lists and tables; no picture, link or attribute."""
    import nh3

    main_part = "word/document.xml" if kind is Kind.DOCX else "content.xml"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if archive.getinfo(main_part).file_size > OFFICE_XML_MAX_BYTES:
                raise CannotRender("too large to show")
            converted = _docx_html(data) if kind is Kind.DOCX else _odt_html(archive)
    except CannotRender:
        raise
    except Exception as error:  # a damaged archive or XML, whatever the parser raises
        logger.warning("A %s could not be converted: %s", kind.name, type(error).__name__)
        raise CannotRender("damaged") from error
    clean = nh3.clean(converted, tags=ALLOWED_TAGS, attributes={}, url_schemes=set())
    return HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 1, 6)}>", clean)


def _docx_html(data: bytes) -> str:
    import mammoth

    # Pictures are left out (an <img> without a source, which the sanitiser drops), and
    # a picture linked from outside the file is never fetched.
    no_pictures = mammoth.images.img_element(lambda image: {})
    result = mammoth.convert_to_html(
        io.BytesIO(data), convert_image=no_pictures, external_file_access=False
    )
    return result.value


def _odt_html(archive: zipfile.ZipFile) -> str:
    import defusedxml.ElementTree

    root = defusedxml.ElementTree.fromstring(archive.read("content.xml"), forbid_dtd=True)
    body = root.find(f"{ODF_OFFICE}body/{ODF_OFFICE}text")
    if body is None:
        raise CannotRender("no text")
    out: list[str] = []
    _odt_blocks(body, out, headings=_odt_heading_styles(root))
    return "".join(out)


def _odt_heading_styles(root) -> dict[str, int]:
    """Writer's automatic paragraph styles that are a heading (or the title) by their
    parent: a title written as a plain paragraph is still the CV's first heading."""
    levels = {}
    for style in root.iter(f"{ODF_STYLE}style"):
        name = style.get(f"{ODF_STYLE}name")
        parent = style.get(f"{ODF_STYLE}parent-style-name") or ""
        found = ODF_HEADING_STYLE.match(parent)
        if found or parent == "Title":
            levels[name] = int(found[1]) if found else 1
    return levels


def _odt_blocks(element, out: list[str], *, headings: dict[str, int]) -> None:
    for child in element:
        tag = child.tag
        if tag == f"{ODF_TEXT}h":
            level = child.get(f"{ODF_TEXT}outline-level") or "1"
            level = min(max(int(level) if level.isdigit() else 1, 1), 6)
            out.append(f"<h{level}>{_odt_inline(child)}</h{level}>")
        elif tag == f"{ODF_TEXT}p":
            text = _odt_inline(child)
            level = headings.get(child.get(f"{ODF_TEXT}style-name"))
            if text.strip():
                out.append(f"<h{level}>{text}</h{level}>" if level else f"<p>{text}</p>")
        elif tag == f"{ODF_TEXT}list":
            out.append("<ul>")
            for item in child:
                if item.tag in (f"{ODF_TEXT}list-item", f"{ODF_TEXT}list-header"):
                    out.append("<li>")
                    _odt_blocks(item, out, headings=headings)
                    out.append("</li>")
            out.append("</ul>")
        elif tag == f"{ODF_TABLE}table":
            out.append("<table>")
            for row in _odt_rows(child):
                out.append("<tr>")
                for cell in row.findall(f"{ODF_TABLE}table-cell"):
                    out.append("<td>")
                    _odt_blocks(cell, out, headings=headings)
                    out.append("</td>")
                out.append("</tr>")
            out.append("</table>")
        elif tag in ODF_CONTAINERS:
            _odt_blocks(child, out, headings=headings)


def _odt_rows(element):
    """A table's own rows, in its row groups too, not those of a table in a cell."""
    for child in element:
        if child.tag == f"{ODF_TABLE}table-row":
            yield child
        elif child.tag in ODF_ROW_GROUPS:
            yield from _odt_rows(child)


def _odt_inline(element) -> str:
    """A paragraph's text: spans and links as their text, spaces, tabs and line breaks
    as the reader sees them; notes and frames left out."""
    parts = [html.escape(element.text or "")]
    for child in element:
        tag = child.tag
        if tag == f"{ODF_TEXT}s":
            count = child.get(f"{ODF_TEXT}c") or "1"
            parts.append(" " * min(int(count) if count.isdigit() else 1, 100))
        elif tag == f"{ODF_TEXT}tab":
            parts.append(" ")
        elif tag == f"{ODF_TEXT}line-break":
            parts.append("<br>")
        elif tag in (f"{ODF_TEXT}span", f"{ODF_TEXT}a"):
            parts.append(_odt_inline(child))
        parts.append(html.escape(child.tail or ""))
    return "".join(parts)


if __name__ == "__main__":
    _child(json.loads(sys.argv[1]))
