"""Checks on uploaded images: type by content, size in bytes, dimensions;
then a new file decoded from the pixels, which is what gets stored.

The declared content type and the file name are not trusted: Pillow reads the
header to find the real format, the pixel count is checked before any
decoding (no decompression bomb), then the whole file is verified.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

#: Pillow format name → (content type, file extension).
ALLOWED_FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}


class ImageRejected(ValidationError):
    """An uploaded file is not an acceptable image; the message says why."""


@dataclass(frozen=True)
class CheckedImage:
    """What the checks found out about an accepted image."""

    format: str
    content_type: str
    extension: str
    width: int
    height: int


def check_image(
    file: IO[bytes] | Any,
    *,
    name: str = "",
    max_bytes: int | None = None,
    max_pixels: int | None = None,
) -> CheckedImage:
    """Check ``file`` is a PNG, JPEG, GIF or WebP image within the limits.

    Limits default to ``FABRIQUE_MAX_IMAGE_BYTES`` and
    ``FABRIQUE_MAX_IMAGE_PIXELS``. Raises :class:`ImageRejected`.
    """
    max_bytes = max_bytes or settings.FABRIQUE_MAX_IMAGE_BYTES
    max_pixels = max_pixels or settings.FABRIQUE_MAX_IMAGE_PIXELS
    label = name or getattr(file, "name", "") or _("the file")
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size == 0:
        raise ImageRejected(_("%(name)s is empty.") % {"name": label}, code="empty")
    if size > max_bytes:
        raise ImageRejected(
            _("%(name)s weighs %(size)s bytes; the limit is %(limit)s bytes.")
            % {"name": label, "size": size, "limit": max_bytes},
            code="too_large",
        )
    file.seek(0)
    try:
        with Image.open(file) as image:
            fmt = image.format or ""
            width, height = image.size
            if fmt not in ALLOWED_FORMATS:
                raise ImageRejected(
                    _("%(name)s is a %(format)s image; accepted: %(allowed)s.")
                    % {
                        "name": label,
                        "format": fmt or "?",
                        "allowed": ", ".join(ALLOWED_FORMATS),
                    },
                    code="format",
                )
            if width * height > max_pixels:
                raise ImageRejected(
                    _(
                        "%(name)s is %(width)s×%(height)s pixels; the limit is "
                        "%(limit)s pixels in all."
                    )
                    % {
                        "name": label,
                        "width": width,
                        "height": height,
                        "limit": max_pixels,
                    },
                    code="too_many_pixels",
                )
            image.verify()
    except UnidentifiedImageError as exc:
        raise ImageRejected(
            _("%(name)s is not an image Fabrique can read (PNG, JPEG, GIF, WebP).")
            % {"name": label},
            code="not_image",
        ) from exc
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _damaged(label) from exc
    finally:
        file.seek(0)
    content_type, extension = ALLOWED_FORMATS[fmt]
    return CheckedImage(fmt, content_type, extension, width, height)


def _damaged(label: str) -> ImageRejected:
    return ImageRejected(
        _("%(name)s is a damaged or truncated image.") % {"name": label},
        code="damaged",
    )


#: What a stored image is saved as: its format, or PNG for the others (GIF).
STORED_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WEBP", "GIF": "PNG"}


def reencode_image(
    file: IO[bytes] | Any, *, name: str = ""
) -> tuple[bytes, CheckedImage]:
    """Check ``file`` (see :func:`check_image`) and decode it into a new file.

    Only the pixels survive: bytes appended after the image (an HTML page, a
    script, an archive), metadata (EXIF with its GPS position, text chunks,
    ICC profiles aside) and extra frames are dropped. PNG, JPEG and WebP
    keep their format; a GIF becomes a PNG of its first frame. The
    orientation EXIF asked for is applied to the pixels before EXIF goes.
    Raises :class:`ImageRejected`.
    """
    checked = check_image(file, name=name)
    label = name or getattr(file, "name", "") or _("the file")
    target = STORED_FORMATS[checked.format]
    out = io.BytesIO()
    file.seek(0)
    try:
        with Image.open(file) as source:
            # check_image compared the pixels with FABRIQUE_MAX_IMAGE_PIXELS
            # already; formats allowed here decode to exactly that size.
            source.load()
            image = ImageOps.exif_transpose(source) or source
            icc = source.info.get("icc_profile")
            if target == "JPEG":
                if image.mode not in {"RGB", "L", "CMYK"}:
                    image = image.convert("RGB")
                image.save(out, "JPEG", quality=90, icc_profile=icc)
            elif target == "WEBP":
                if image.mode not in {"RGB", "RGBA"}:
                    image = image.convert("RGBA")
                lossless = bool(source.info.get("lossless"))
                image.save(out, "WEBP", quality=90, lossless=lossless, icc_profile=icc)
            else:
                if image.mode not in {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}:
                    image = image.convert("RGBA")
                image.save(out, "PNG", icc_profile=icc)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _damaged(label) from exc
    finally:
        file.seek(0)
    content_type, extension = ALLOWED_FORMATS[target]
    width, height = image.size
    stored = CheckedImage(target, content_type, extension, width, height)
    return out.getvalue(), stored
