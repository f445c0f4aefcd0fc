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

#: What a source holds, from its name (``fabrique geocoder index`` names them).
SOURCE_LABELS = (
    ("demo-adresses", _("addresses of the demo towns")),
    ("ban", _("addresses (Base Adresse Nationale)")),
    ("bano", _("addresses (BANO)")),
    ("catalogue", _("places of the catalogue's actors")),
    ("transport", _("stops of the transport datasets")),
    ("gtfs", _("stops of GTFS feeds")),
    ("places", _("places")),
)


def source_label(name: str) -> str:
    for prefix, label in SOURCE_LABELS:
        if name == prefix or name.startswith(f"{prefix}-"):
            return str(label)
    return name


def loaded_sources() -> list[dict[str, Any]]:
    """The index's sources, with what each holds ([] when there is no index)."""
    try:
        segments = get_index().segments
    except (IndexUnavailable, GeocoderError):
        return []
    return [
        {
            "name": segment.source,
            "label": source_label(segment.source),
            "documents": int(segment.manifest.get("documents", 0)),
            "housenumbers": int(segment.manifest.get("housenumbers", 0)),
        }
        for segment in segments
    ]


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
    if not getattr(request, "htmx", False):
        sources = loaded_sources()
        context["sources"] = sources
        context["has_addresses"] = any(s["housenumbers"] for s in sources)
        context["demo_addresses"] = any(s["name"] == "demo-adresses" for s in sources)
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
