"""Build Addok's GeoCodeJSON answers, shared by both URL sets."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from fabrique.geocoder.documents import Result


def collection(
    results: list[Result],
    *,
    query: str | None = None,
    filters: dict[str, list[str]] | None = None,
    center: tuple[float, float] | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Return the FeatureCollection Addok renders for these results."""
    answer: dict[str, Any] = {
        "type": "FeatureCollection",
        "version": "draft",
        "features": [result.feature() for result in results],
        "attribution": settings.GEOCODER_ATTRIBUTION,
        "licence": settings.GEOCODER_LICENCE,
    }
    if query:
        answer["query"] = query
    if filters:
        answer["filters"] = filters
    if center:
        answer["center"] = [center[1], center[0]]
    if limit:
        answer["limit"] = limit
    return answer
