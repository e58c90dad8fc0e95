"""An ad's QR code, for a poster or a flyer: an SVG (sharp at any size in print) drawn by
segno, of the ad's address tagged `?source=qr`, so that the reports count what print
brought in. Error correction Q (a quarter of the code may be lost to a fold or a stain)
and the quiet zone of four modules that readers need."""

import io

import segno


def qr_code_svg(url: str, *, title: str) -> bytes:
    code = segno.make_qr(url, error="q", boost_error=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=10, border=4, title=title, xmldecl=False, nl=False)
    return out.getvalue()
