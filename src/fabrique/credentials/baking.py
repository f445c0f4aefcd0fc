"""Baking: a badge carried inside its image (PNG ``iTXt`` chunk, SVG element).

Open Badges 2.0 uses the keyword ``openbadges``; 3.0 uses
``openbadgecredential``. The value is the JSON document or a compact JWT.
SVG input is parsed with defusedxml (no entities, no external references).
"""

from __future__ import annotations

import io
from xml.etree.ElementTree import Element, register_namespace, tostring

from defusedxml import ElementTree as SafeET
from PIL import Image, PngImagePlugin

from fabrique.credentials import CredentialsError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD_OB2 = "openbadges"
KEYWORD_OB3 = "openbadgecredential"
SVG_NS = "http://www.w3.org/2000/svg"
SVG_NS_OB2 = "http://openbadges.org"
SVG_NS_OB3 = "https://purl.imsglobal.org/ob/v3p0"


class BakingError(CredentialsError):
    """An image cannot be baked or carries no badge."""


def bake_png(image: bytes, payload: str, *, keyword: str = KEYWORD_OB3) -> bytes:
    """Return ``image`` (any format Pillow reads) as PNG with the badge in iTXt."""
    try:
        img = Image.open(io.BytesIO(image))
        img.load()
    except OSError as exc:
        raise BakingError("the badge image cannot be read") from exc
    info = PngImagePlugin.PngInfo()
    info.add_itxt(keyword, payload, zip=False)
    out = io.BytesIO()
    img.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def unbake_png(data: bytes) -> tuple[str, str]:
    """Return ``(keyword, payload)`` of the badge baked into a PNG."""
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except OSError as exc:
        raise BakingError("the PNG cannot be read") from exc
    text = getattr(img, "text", {}) or {}
    for keyword in (KEYWORD_OB3, KEYWORD_OB2):
        if keyword in text:
            return keyword, str(text[keyword])
    raise BakingError("the PNG carries no badge (no openbadges iTXt chunk)")


def bake_svg(
    svg: bytes, payload: str, *, ob3: bool = True, verify_url: str = ""
) -> bytes:
    """Return ``svg`` with the badge in an ``openbadges:credential``/``assertion``."""
    try:
        root = SafeET.fromstring(svg)
    except SafeET.ParseError as exc:
        raise BakingError("the SVG cannot be parsed") from exc
    ns = SVG_NS_OB3 if ob3 else SVG_NS_OB2
    register_namespace("", SVG_NS)
    register_namespace("openbadges", ns)
    tag = "credential" if ob3 else "assertion"
    element = Element(f"{{{ns}}}{tag}")
    if not ob3 and verify_url:
        element.set("verify", verify_url)
    element.text = payload
    root.insert(0, element)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root)


def unbake_svg(data: bytes) -> tuple[str, str]:
    """Return ``(kind, payload)`` of the badge in an SVG; ``kind`` as in PNGs."""
    try:
        root = SafeET.fromstring(data)
    except SafeET.ParseError as exc:
        raise BakingError("the SVG cannot be parsed") from exc
    for ns, tag, kind in (
        (SVG_NS_OB3, "credential", KEYWORD_OB3),
        (SVG_NS_OB2, "assertion", KEYWORD_OB2),
    ):
        found = root.find(f".//{{{ns}}}{tag}")
        if found is not None:
            text = "".join(found.itertext()).strip()
            if not text and found.get("verify"):
                text = str(found.get("verify"))
            if text:
                return kind, text
    raise BakingError("the SVG carries no badge (no openbadges element)")
