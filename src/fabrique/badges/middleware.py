"""A clear 503 when the JSON-LD contexts that badges are signed with are absent.

Signing and verifying read the contexts from npm packages installed beside
``package.json`` (``npm ci``); an instance installed with pip alone has none.
Pages that sign or verify then say so, instead of failing with a 500, and
nothing is written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from fabrique.credentials.contexts import MissingContextPackage

logger = logging.getLogger(__name__)


def message() -> str:
    return _(
        "Badges cannot be signed or verified on this instance yet: the JSON-LD "
        "contexts they need are not installed. The administrators can install "
        "them with `npm ci` beside package.json (or set FABRIQUE_ASSETS_DIR)."
    )


class MissingContextsMiddleware:
    """Answer 503, naming the missing install step, instead of a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exc: Exception
    ) -> HttpResponse | None:
        if not isinstance(exc, MissingContextPackage):
            return None
        logger.error("Badges unavailable on %s: %s", request.path, exc)
        if not _wants_html(request):
            return JsonResponse(
                {
                    "error": {
                        "code": "badges_unavailable",
                        "message": message(),
                        "details": str(exc),
                    }
                },
                status=503,
            )
        html = render_to_string(
            "badges/unavailable.html", {"message": message()}, request=request
        )
        return HttpResponse(html, status=503)


def _wants_html(request: HttpRequest) -> bool:
    """Browsers ask for HTML; verifiers and scripts fetching a credential get JSON."""
    return "text/html" in request.headers.get("Accept", "")
