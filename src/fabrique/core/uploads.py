"""Checks on uploaded images: type by content, size in bytes, dimensions.

The declared content type and the file name are not trusted: Pillow reads the
header to find the real format, the pixel count is checked before any
decoding (no decompression bomb), then the whole file is verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

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
        raise ImageRejected(
            _("%(name)s is a damaged or truncated image.") % {"name": label},
            code="damaged",
        ) from exc
    finally:
        file.seek(0)
    content_type, extension = ALLOWED_FORMATS[fmt]
    return CheckedImage(fmt, content_type, extension, width, height)
