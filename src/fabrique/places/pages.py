"""The portal's address and stop search page, with autocomplete (htmx)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from fabrique.geocoder.errors import GeocoderError

from .engine import IndexUnavailable, get_index
from .maps import locator_map

TYPE_LABELS = {
    "housenumber": _("address"),
    "street": _("street"),
    "locality": _("locality"),
    "municipality": _("municipality"),
    "stop": _("stop"),
    "place": _("place"),
}
LIMIT = 8
RELATIVE_FLOOR = 0.7


@require_GET
def geocoder_page(request: HttpRequest) -> HttpResponse:
    """Search addresses, streets, towns and stops; the results update as one types."""
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("type", "")
    context: dict[str, Any] = {
        "q": q,
        "type": kind if kind in TYPE_LABELS else "",
        "types": list(TYPE_LABELS.items()),
        "results": [],
        "error": "",
    }
    if q:
        try:
            results = get_index().search(q, limit=LIMIT, type=context["type"] or None)
        except GeocoderError as exc:
            context["error"] = str(exc)
        except IndexUnavailable:
            context["error"] = _(
                "The geocoder has no index yet: an administrator builds it with "
                "“fabrique geocoder index”."
            )
        else:
            # A list for people: drop the weak tail (words left unmatched).
            if results:
                results = [
                    r for r in results if r.score >= RELATIVE_FLOOR * results[0].score
                ]
            context["results"] = [
                {
                    "result": r,
                    "type_label": TYPE_LABELS.get(r.type, r.type),
                    "score_percent": round(r.score * 100),
                }
                for r in results
            ]
            context["map"] = locator_map(results)
    template = (
        "places/_results.html"
        if getattr(request, "htmx", False)
        else "places/geocoder.html"
    )
    return render(request, template, context)
