"""Pictures for the careers site (a logo, a cover, a section's photo), made safe to
serve: whatever was uploaded is decoded by Pillow and written again as a new PNG or
JPEG, at most MAX_SIDE pixels a side. What the camera wrote beside the picture (the
place it was taken, the device, the time: EXIF, XMP) is not copied, and a file that
is something else as well (a polyglot) does not survive the re-encoding."""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# A phone's photo; two of them and the site's texts stay within the proxy's limit on a
# body (deploy/nginx.conf: 11m).
MAX_UPLOAD_MEGABYTES = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MEGABYTES * 1024 * 1024
MAX_PIXELS = 40_000_000  # what is decoded at all: more is a decompression bomb
MAX_SIDE = 2000  # what a cover needs on a wide screen
ACCEPTED = ("PNG", "JPEG", "WEBP", "GIF")


@dataclass(frozen=True)
class PreparedImage:
    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def key(self) -> str:
        """The name it is served by: its content's digest, so a new picture is a new URL."""
        return hashlib.sha256(self.data).hexdigest()[:32]


def too_large() -> ValidationError:
    return ValidationError(
        _("A picture is larger than %(megabytes)s MB. Choose a smaller one."),
        params={"megabytes": MAX_UPLOAD_MEGABYTES},
        code="too_large",
    )


def prepare_image(upload) -> PreparedImage:
    """The upload as a clean PNG (when it has transparency) or JPEG; ValidationError
    when it is too large or not a picture."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise too_large()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(upload, formats=ACCEPTED)
            if picture.width * picture.height > MAX_PIXELS:
                raise UnidentifiedImageError
            picture.draft("RGB", (MAX_SIDE, MAX_SIDE))  # a JPEG decoded at a fraction
            picture.load()
    # What Pillow raises on a file it cannot read (UnidentifiedImageError is an OSError).
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, ValueError):
        raise ValidationError(
            _("This is not a picture we can show. Upload a PNG, JPEG, WebP or GIF file."),
            code="not_a_picture",
        ) from None
    picture.thumbnail((MAX_SIDE, MAX_SIDE))  # smaller first: the copies below are too
    picture = ImageOps.exif_transpose(picture)  # upright, as the camera meant it
    transparent = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    clean = picture.convert("RGBA" if transparent else "RGB")
    clean.info.clear()  # no comment, profile or metadata is written again
    out = io.BytesIO()
    if transparent:
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return PreparedImage(
        data=out.getvalue(),
        content_type="image/png" if transparent else "image/jpeg",
        width=clean.width,
        height=clean.height,
    )
