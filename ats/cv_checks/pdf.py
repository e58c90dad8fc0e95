"""PDFs: parsed with pypdf, every reference followed and streams decoded within a
budget, and refused with script (XFA forms' too), actions that launch, submit or open
other files, rich media, attached web pages, or HTML anywhere in the file (a browser
could take it for HTML: a polyglot)."""

import contextlib
import io
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files import File
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from .common import (
    FILE_LINK,
    HTML_MARKS,
    HTML_SNIFF_BYTES,
    PDF,
    active_content,
    archive_bomb,
    damaged,
    not_accepted,
)

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


def check_pdf(upload: File) -> None:
    # A complete PDF ends with an end-of-file marker (possibly followed by whitespace
    # or an incremental update's trailer); a truncated upload does not.
    upload.seek(max(upload.size - 2048, 0))
    if b"%%EOF" not in upload.read():
        raise damaged(PDF)
    upload.seek(0)
    content = upload.read()  # at most ATS_CV_MAX_BYTES
    if HTML_MARKS.search(content, 0, HTML_SNIFF_BYTES):  # what a browser sniffs
        raise active_content()
    try:
        with _pdf_decoding_limits():
            reader = PdfReader(io.BytesIO(content))
            if reader.is_encrypted and not reader.decrypt(""):
                raise not_accepted()  # protected: nothing can be checked, or read by us
            decoded = _PdfDecoder()
            _decode_object_streams(reader, decoded)
            if _pdf_hasactive_content(reader, decoded) or _pdf_holds_html(content, reader, decoded):
                raise active_content()
    except LimitReachedError:
        raise archive_bomb() from None
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
        raise damaged(PDF) from None


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
            raise archive_bomb()
        return data


def _decode_object_streams(reader: PdfReader, decoded: _PdfDecoder) -> None:
    """Objects packed in object streams are read by pypdf, which decodes and keeps each
    such stream: decode them here first, so that they count against the budget."""
    for number in {place[0] for place in reader.xref_objStm.values()}:  # (stream, index)
        stream = reader.get_object(number)
        if isinstance(stream, StreamObject):
            decoded(stream)


def _pdf_hasactive_content(reader: PdfReader, decoded: _PdfDecoder) -> bool:
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
