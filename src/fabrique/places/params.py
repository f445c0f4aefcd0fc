"""Read Addok's query parameters, failing as Addok fails (title + description).

``params`` maps each name to its last value (as ``request.GET.get``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fabrique.geocoder.documents import RESULT_TYPES

Params = Mapping[str, str]
FILTERS = ("type", "postcode", "citycode")
TRUE = {"1", "true", "yes", "on", "t", "y"}
FALSE = {"0", "false", "no", "off", "f", "n"}


class ParamError(Exception):
    """A parameter is missing or invalid; ``title`` and ``description`` as Addok."""

    def __init__(self, title: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.title = title
        self.description = description
        self.status = status


def missing(name: str) -> ParamError:
    return ParamError("Missing parameter", f'The "{name}" parameter is required.')


def invalid(name: str, why: str) -> ParamError:
    return ParamError("Invalid parameter", f'The "{name}" parameter is invalid. {why}')


def get_int(params: Params, name: str, default: int, high: int = 100) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(name, "The value must be an integer.") from None
    if value == 0:
        return default  # as Addok: ``limit=0`` is the default limit
    if not 1 <= value <= high:
        raise invalid(name, f"out of range (1..{high})")
    return value


def get_bool(params: Params, name: str, default: bool) -> bool:
    raw = params.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise invalid(name, "The value must be a boolean.")


def get_float(params: Params, *names: str) -> float | None:
    for name in names:
        raw = params.get(name)
        if raw is not None and raw.strip():
            try:
                value = float(raw)
            except ValueError:
                raise invalid(name, "invalid value") from None
            bound = 90 if name in ("lat", "latitude") else 180
            if not -bound <= value <= bound:  # also NaN, where Addok fails (500)
                raise invalid(name, "out of range")
            return value
    return None


def get_point(params: Params) -> tuple[float | None, float | None]:
    lat = get_float(params, "lat", "latitude")
    lon = get_float(params, "lon", "lng", "long", "longitude")
    return lat, lon


def get_filters(params: Params) -> dict[str, str]:
    filters = {}
    for name in FILTERS:
        value = params.get(name, "").strip()
        if not value:
            continue
        if name == "type" and value not in RESULT_TYPES:
            raise invalid(name, f"one of {', '.join(RESULT_TYPES)} expected")
        if name != "type" and not (value.isalnum() and len(value) <= 10):
            raise invalid(name, "a code of letters and digits expected")
        filters[name] = value
    return filters


def search_options(params: Params) -> dict[str, Any]:
    """Return the engine's keyword arguments for a /search/ request."""
    query = params.get("q", "").strip()
    if not query:
        raise missing("q")
    lat, lon = get_point(params)
    if (lat is None) != (lon is None):
        raise missing("lon" if lon is None else "lat")
    return {
        "text": query,
        "limit": get_int(params, "limit", 5),
        "autocomplete": get_bool(params, "autocomplete", True),
        "lat": lat,
        "lon": lon,
        **get_filters(params),
    }


def reverse_options(params: Params) -> dict[str, Any]:
    """Return the engine's keyword arguments for a /reverse/ request."""
    lat, lon = get_point(params)
    if lon is None:
        raise missing("lon")
    if lat is None:
        raise missing("lat")
    filters = get_filters(params)
    return {
        "lat": lat,
        "lon": lon,
        "limit": get_int(params, "limit", 1),
        "type": filters.get("type"),
    }
