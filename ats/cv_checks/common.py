"""What the CV checks share: the accepted types, the patterns of active content both
PDF and office documents are searched for, and the refusals a candidate reads."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


def not_accepted() -> ValidationError:
    return ValidationError(
        _("Please upload your CV as a PDF, Word (DOCX) or OpenDocument (ODT) document."),
        code="type",
    )


def not_really(cv_type: CvType, name: str) -> ValidationError:
    """A name that promises an accepted type on content that is none of them: a file
    renamed, or damaged past recognition. Said so, rather than "upload a PDF"."""
    return ValidationError(
        _(
            "%(name)s is not a real %(type)s document: we could not read it as one. It may "
            "be damaged, or another kind of file renamed. Please save your CV again as a "
            "PDF, Word (DOCX) or OpenDocument (ODT) document and choose it again."
        )
        % {"name": name, "type": cv_type.label},
        code="not_really",
    )


def damaged(cv_type: CvType) -> ValidationError:
    return ValidationError(
        _("This %(type)s document is damaged or incomplete; please save it again and retry.")
        % {"type": cv_type.label},
        code="damaged",
    )


def active_content() -> ValidationError:
    return ValidationError(
        _(
            "This document contains active content (macros, scripts or links to other files) "
            "and cannot be accepted. Please save it again as a plain PDF, DOCX or ODT."
        ),
        code="active_content",
    )


def archive_bomb() -> ValidationError:
    return ValidationError(
        _("This document unpacks to far more data than a CV holds and cannot be accepted."),
        code="archive_bomb",
    )
