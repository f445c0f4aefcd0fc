"""Uploaded files served by the site itself, in production too.

Only files under ``MEDIA_ROOT`` are served (Django's ``static.serve`` joins
the path safely and lists no folder); GET and HEAD only. Images that the
upload code re-encoded are shown inline; anything else is sent as a download
(``Content-Disposition: attachment``) as opaque bytes. Every answer carries
``X-Content-Type-Options: nosniff`` and a sandboxing Content-Security-Policy,
so a file can never run as a page of the site, and may be cached for a day.

A reverse proxy may serve ``/media/`` instead (see the README); set
``FABRIQUE_SERVE_MEDIA=0`` then.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from django.views.static import serve

#: Content types shown in the page; every other file is a download.
INLINE_TYPES = {"image/png", "image/jpeg", "image/webp", "image/gif"}
MEDIA_CACHE_SECONDS = 24 * 3600


@require_safe
def media(request: HttpRequest, path: str) -> HttpResponse:
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:  # a path leading out of MEDIA_ROOT
        raise Http404(path) from None
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    if content_type not in INLINE_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    response.headers.pop("Content-Encoding", None)
    if response.status_code == 200 or response.status_code == 304:
        response["Cache-Control"] = f"public, max-age={MEDIA_CACHE_SECONDS}"
    return response
