"""The meeting's check-in link as a QR code, for the projector (segno: pure Python, no image library)."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str) -> bytes:
    """`url` as an SVG QR code (medium error correction, a quiet zone of two modules, no XML declaration)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=10, border=2, xmldecl=False)
    return buffer.getvalue()
