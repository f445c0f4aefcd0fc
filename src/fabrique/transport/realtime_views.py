"""The real-time page of a GTFS-RT resource: fetches over time, as charts.

Charts are inline SVG drawn on the server (no script, no CDN), each with
its table; the figures come from :func:`fabrique.transport.realtime.series`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fabrique.core.permissions import can_moderate
from fabrique.transport import realtime
from fabrique.transport.models import Resource, ResourceFormat

WIDTH, HEIGHT = 640, 120
TABLE_ROWS = 20


def _chart(
    slug: str, title: str, points: list[dict[str, Any]], key: str
) -> dict[str, Any]:
    # A header ahead of the fetch gives a negative age: drawn at 0.
    values = [max(p[key] or 0, 0) for p in points]
    top = max(values, default=0) or 1
    step = WIDTH / max(len(values) - 1, 1)
    line = " ".join(
        f"{i * step:.1f},{HEIGHT - v / top * (HEIGHT - 10):.1f}"
        for i, v in enumerate(values)
    )
    rows = [(p["at"][:19].replace("T", " "), p[key]) for p in points][-TABLE_ROWS:]
    return {
        "slug": slug,
        "title": title,
        "line": line,
        "top": top,
        "width": WIDTH,
        "height": HEIGHT,
        "rows": list(reversed(rows)),
        "last": values[-1] if values else None,
    }


@require_GET
def realtime_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Errors, freshness and entity counts of a GTFS-RT feed over time."""
    resource = get_object_or_404(
        Resource.objects.select_related("dataset__commons"), pk=pk
    )
    if resource.format != ResourceFormat.GTFS_RT:
        raise Http404
    if resource.dataset.commons.hidden and not can_moderate(request.user):
        raise Http404
    data = realtime.series(resource, hours=24)
    points = data["points"]
    charts = [
        _chart("errors", _("Errors per fetch"), points, "errors"),
        _chart(
            "age", _("Age of the feed when fetched (seconds)"), points, "ageSeconds"
        ),
        _chart("entities", _("Entities per fetch"), points, "entities"),
    ]
    return render(
        request,
        "transport/realtime.html",
        {
            "resource": resource,
            "dataset": resource.dataset,
            "charts": charts,
            "rules": list(data["rules"].items()),
            "fetches": len(points),
            "last": points[-1] if points else None,
            "delays": realtime.delays_of(resource),
        },
    )
