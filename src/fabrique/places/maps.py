"""A small locator map of results, drawn as SVG on the server.

No tiles and no script: the answers are numbered points placed at their
true relative positions, with a scale bar; each result links to
OpenStreetMap for the surroundings. SVG attributes carry the geometry, so
the page needs no inline style (the CSP forbids it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fabrique.geocoder.documents import Result

WIDTH, HEIGHT, PAD = 480, 280, 28
_M_PER_DEG = 111_195.0


@dataclass(frozen=True)
class Marker:
    number: int
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class LocatorMap:
    width: int
    height: int
    markers: list[Marker]
    scale_px: float
    scale_label: str


def _nice(metres: float) -> float:
    """Round a distance down to 1, 2 or 5 times a power of ten."""
    if metres <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def locator_map(results: list[Result]) -> LocatorMap | None:
    """Place the results in a WIDTH × HEIGHT box; ``None`` when there are none."""
    if not results:
        return None
    lat0 = sum(r.lat for r in results) / len(results)
    cos = max(math.cos(math.radians(lat0)), 0.01)
    xs = [r.lon * cos * _M_PER_DEG for r in results]
    ys = [r.lat * _M_PER_DEG for r in results]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 200.0)  # at least 200 m
    scale = min(WIDTH - 2 * PAD, HEIGHT - 2 * PAD) / span  # px per metre
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    markers = [
        Marker(
            number=i,
            x=round(WIDTH / 2 + (x - cx) * scale, 1),
            y=round(HEIGHT / 2 - (y - cy) * scale, 1),
            label=r.label,
        )
        for i, (x, y, r) in enumerate(zip(xs, ys, results, strict=True), start=1)
    ]
    metres = _nice(span / 3)
    label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    return LocatorMap(WIDTH, HEIGHT, markers, round(metres * scale, 1), label)
