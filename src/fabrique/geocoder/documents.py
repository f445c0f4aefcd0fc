"""What the index holds: document types, results, and the grid used by reverse."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

# Document types; a house number is not a document of its own but a point of
# its street (or locality), as in Addok.
DOCUMENT_TYPES: tuple[str, ...] = (
    "street",
    "locality",
    "municipality",
    "stop",
    "place",
)
RESULT_TYPES: tuple[str, ...] = ("housenumber", *DOCUMENT_TYPES)
TYPE_CODES: dict[str, int] = {name: code for code, name in enumerate(DOCUMENT_TYPES)}

# Coordinates are stored as integers in micro-degrees (BAN gives six decimals).
SCALE = 1_000_000
# Reverse-geocoding grid: cells of 0.002 degree (about 220 m by 150 m in France).
CELL = 2_000
_CELL_OFFSET = 1 << 17


def cell_of(lat_micro: int, lon_micro: int) -> tuple[int, int]:
    return lat_micro // CELL, lon_micro // CELL


def cell_key(lat_cell: int, lon_cell: int) -> int:
    return ((lat_cell + _CELL_OFFSET) << 18) | (lon_cell + _CELL_OFFSET)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(a)))


@dataclass(slots=True)
class Result:
    """One answer, with the properties Addok puts in its GeoCodeJSON features."""

    id: str
    type: str
    label: str
    name: str
    lat: float
    lon: float
    score: float
    importance: float
    postcode: str = ""
    citycode: str = ""
    city: str = ""
    district: str = ""
    context: str = ""
    street: str = ""
    housenumber: str = ""
    distance: int | None = None
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def properties(self) -> dict[str, Any]:
        """Return the GeoCodeJSON ``properties`` (empty fields left out)."""
        props: dict[str, Any] = {
            "label": self.label,
            "score": self.score,
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "importance": self.importance,
        }
        for key in ("housenumber", "street", "postcode", "citycode", "city"):
            value = getattr(self, key)
            if value:
                props[key] = value
        if self.district:
            props["district"] = self.district
        if self.context:
            props["context"] = self.context
        if self.distance is not None:
            props["distance"] = self.distance
        if self.type != "housenumber":
            # As Addok: the document's type also names it ("street": "Rue …").
            props.setdefault(self.type, self.name)
        return props

    def feature(self) -> dict[str, Any]:
        """Return a GeoJSON feature for this result."""
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": self.properties(),
        }
