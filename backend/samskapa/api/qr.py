"""QR codes of links as SVG (segno): the personal link to another device, and the
board's access links in the facilitators' Share panel."""

import io

import segno
from fastapi import Response


class SvgResponse(Response):
    media_type = "image/svg+xml"


def qr_response(link: str) -> SvgResponse:
    """A standalone SVG (with its namespace, so browsers draw it as an <img>),
    never cached: the link inside is a capability."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False)
    return SvgResponse(
        out.getvalue(),
        media_type="image/svg+xml",
        headers={"Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'"},
    )
