"""French-profile rules on whole objects, and the summary they feed.

:func:`check_kept` is called by the streaming pass when one of the ``KEPT``
objects closes, with its subtree still in memory. It records what the
summary needs (for every file) and, for files of the French profile, checks
the rules the XSD does not express: mandatory elements, cardinalities and
code lists of the profile's parts (common elements, stops, networks,
timetables). The codes and their documentation are in
:mod:`fabrique.netex.rules`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from lxml import etree

from fabrique.notices import Severity

if TYPE_CHECKING:
    from fabrique.netex.stream import Scan

NS = "{http://www.netex.org.uk/netex}"
ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

KEPT = frozenset(
    {
        "Operator",
        "Authority",
        "Network",
        "Line",
        "FlexibleLine",
        "Route",
        "StopPlace",
        "Quay",
        "PassengerStopAssignment",
        "ServiceJourneyPattern",
        "JourneyPattern",
        "ServiceJourney",
        "DayType",
        "DayTypeAssignment",
        "OperatingPeriod",
        "ValidBetween",
        "PreassignedFareProduct",
    }
)
# PreassignedFareProductEnum values the profile lists (tarifs).
FARE_PRODUCT_TYPES = frozenset(
    {
        "singleTrip",
        "shortTrip",
        "timeLimitedSingleTrip",
        "dayReturnTrip",
        "periodReturnTrip",
        "multistepTrip",
        "dayPass",
        "periodPass",
        "supplement",
        "other",
    }
)
# Types of frame of the profile (éléments communs, "Types de trames").
FRAME_TYPES = frozenset(
    {
        "NETEX_FRANCE",
        "NETEX_COMMUN",
        "NETEX_ARRET",
        "NETEX_LIGNE",
        "NETEX_N_LIGNE",
        "NETEX_N_LIGNES",
        "NETEX_RESEAU",
        "NETEX_HORAIRE",
        "NETEX_CALENDRIER",
        "NETEX_TARIF",
        "NETEX_ACCESSIBILITE",
        "NETEX_PARKING",
        "NETEX_RESEAU_PARKING",
    }
)
# TransportModeEnum / VehicleModeEnum values the profile lists.
TRANSPORT_MODES = frozenset(
    {
        "air",
        "bus",
        "coach",
        "ferry",
        "metro",
        "rail",
        "trolleyBus",
        "tram",
        "water",
        "cableway",
        "funicular",
        "lift",
        "snowAndIce",
        "taxi",
        "selfDrive",
        "other",
        "unknown",
    }
)
STOP_PLACE_TYPES = frozenset(
    {
        "onstreetBus",
        "onstreetTram",
        "airport",
        "railStation",
        "metroStation",
        "busStation",
        "coachStation",
        "tramStation",
        "harbourPort",
        "ferryPort",
        "ferryStop",
        "liftStation",
        "vehicleRailInterchange",
        "other",
    }
)
# [CODESPACE]:[type]:[local id]:[LOC or register], trailing part may be
# empty; stops: [country]:[INSEE]:[ZE|LMO|PM|LMU|AC]:[code]:[LOC or register].
_ID = re.compile(r"[^:\s]+:[^:\s]+:[^\s]+:[^:\s]*")


def id_follows_profile(ident: str) -> bool:
    """True when ``ident`` has the profile's colon-separated shape."""
    return bool(_ID.fullmatch(ident))


def frame_type_known(ref: str) -> bool:
    """True when a ``TypeOfFrameRef`` names one of the profile's frame types."""
    parts = [p for p in ref.split(":") if p]
    return any(p in FRAME_TYPES for p in parts)


def _find(element: etree._Element, path: str) -> etree._Element | None:
    return element.find(NS + path.replace("/", "/" + NS))


def _get(element: etree._Element, path: str) -> str:
    found = _find(element, path)
    if found is None or found.text is None:
        return ""
    return str(found.text).strip()


def _count(element: etree._Element, name: str) -> int:
    return sum(1 for _ in element.iter(NS + name))


def _seconds(value: str, offset: str) -> int | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?", value)
    if not match:
        return None
    hours, minutes, seconds = (int(g) for g in match.groups())
    days = int(offset) if offset.lstrip("-").isdigit() else 0
    return days * 86400 + hours * 3600 + minutes * 60 + seconds


def _coordinates(element: etree._Element) -> tuple[float, float] | None:
    location = _find(element, "Centroid/Location")
    if location is None:
        return None
    try:
        return float(_get(location, "Longitude")), float(_get(location, "Latitude"))
    except ValueError:
        return None


def check_kept(
    name: str,
    element: etree._Element,
    filename: str,
    state: Scan,
    *,
    french: bool,
) -> None:
    """Summarise and (for French files) check one closed object."""
    where: dict[str, Any] = {
        "filename": filename,
        "line": element.sourceline or 0,
        "id": element.get("id", ""),
    }
    handler = _HANDLERS.get(name)
    if handler is not None:
        handler(element, where, state, french)
    if french and name in ("Operator", "Authority") and not _get(element, "Name"):
        state.notices.add("fr_operator_without_name", ERROR, element=name, **where)


def _operator(
    element: etree._Element, where: dict[str, Any], state: Scan, french: bool
) -> None:
    if element.tag == NS + "Operator" and len(state.summary.operators) < MAX_LISTED:
        state.summary.operators.append(
            {"id": where["id"], "name": _get(element, "Name")}
        )


def _network(
    element: etree._Element, where: dict[str, Any], state: Scan, french: bool
) -> None:
    name = _get(element, "Name")
    if len(state.summary.networks) < MAX_LISTED:
        state.summary.networks.append({"id": where["id"], "name": name})
    if french and not name:
        state.notices.add("fr_network_without_name", ERROR, **where)


def _line(
    element: etree._Element, where: dict[str, Any], state: Scan, french: bool
) -> None:
    name = _get(element, "Name")
    mode = _get(element, "TransportMode")
    code = _get(element, "PublicCode")
    summary = state.summary
    summary.lines_by_mode[mode or "unknown"] += 1
    if len(summary.lines) < MAX_LISTED:
        summary.lines.append(
            {"id": where["id"], "name": name, "publicCode": code, "mode": mode}
        )
    if not french:
        return
    notices = state.notices
    if not name:
        notices.add("fr_line_without_name", ERROR, **where)
    if not mode:
        if element.tag == NS + "Line":
            notices.add("fr_line_without_mode", WARNING, **where)
    elif mode not in TRANSPORT_MODES:
        notices.add("fr_transport_mode_unknown", ERROR, value=mode, **where)
    if not code:
        notices.add("fr_line_without_public_code", INFO, **where)


def _stop(
    element: etree._Element, where: dict[str, Any], state: Scan, french: bool
) -> None:
    kind = "StopPlace" if element.tag == NS + "StopPlace" else "Quay"
    summary = state.summary
    name = _get(element, "Name")
    if kind == "StopPlace":
        summary.stop_places += 1
    else:
        summary.quays += 1
    point = _coordinates(element)
    if point is not None:
        summary.located += 1
        if len(summary.features) < MAX_FEATURES:
            summary.features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": list(point)},
                    "properties": {"kind": kind, "id": where["id"], "name": name},
                }
            )
    if not french:
        return
    notices = state.notices
    if not name:
        notices.add("fr_stop_without_name", ERROR, element=kind, **where)
    if point is None:
        notices.add("fr_stop_without_location", WARNING, element=kind, **where)
    else:
        longitude, latitude = point
        if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
            notices.add(
                "fr_coordinates_out_of_range",
                ERROR,
                longitude=longitude,
                latitude=latitude,
                **where,
            )
        elif longitude == 0 and latitude == 0:
            notices.add("fr_coordinates_zero", WARNING, **where)
    mode = _get(element, "TransportMode")
    if mode and mode not in TRANSPORT_MODES:
        notices.add("fr_transport_mode_unknown", ERROR, value=mode, **where)
    if kind == "StopPlace":
        place_type = _get(element, "StopPlaceType")
        if place_type and place_type not in STOP_PLACE_TYPES:
            notices.add("fr_stop_place_type_unknown", ERROR, value=place_type, **where)
        monomodal = _get(element, "ParentSiteRef") or place_type not in ("", "other")
        if monomodal and _find(element, "quays") is None:
            notices.add("fr_stop_place_without_quay", WARNING, **where)


def _route(
    element: etree._Element, where: dict[str, Any], state: Scan, french: bool
) -> None:
    if french and _find(element, "LineRef") is None:
        state.notices.add("fr_route_without_line", ERROR, **where)


def _assignment(
    element: etree._Element, where: dict[str, Any], state: Scan, french: bool
) -> None:
    point = _find(element, "ScheduledStopPointRef")
    if point is not None and point.get("ref"):
        state.assigned_points.add(point.get("ref", ""))
    stop = _find(element, "QuayRef")
    if stop is None:
        stop = _find(element, "StopPlaceRef")
    if french and (point is None or stop is None):
        state.notices.add("fr_stop_assignment_incomplete", ERROR, **where)


def _pattern(
    element: etree._Element, where: dict[str, Any], state: Scan, french: bool
) -> None:
    if french and _count(element, "StopPointInJourneyPattern") < 2:
        state.notices.add(
            "fr_journey_pattern_too_short",
            ERROR,
            element=_local(element.tag),
            **where,
        )


def _journey(
    element: etree._Element, where: dict[str, Any], state: Scan, french: bool
) -> None:
    state.summary.service_journeys += 1
    if not french:
        return
    notices = state.notices
    if _find(element, "ServiceJourneyPatternRef") is None and (
        _find(element, "JourneyPatternRef") is None
    ):
        notices.add("fr_journey_without_pattern", ERROR, **where)
    if _find(element, "dayTypes/DayTypeRef") is None:
        notices.add("fr_journey_without_day_type", ERROR, **where)
    times = list(element.iter(NS + "TimetabledPassingTime"))
    if len(times) < 2:
        notices.add(
            "fr_journey_too_few_passing_times", ERROR, count=len(times), **where
        )
    previous: int | None = None
    for passing in times:
        arrival = _seconds(
            _get(passing, "ArrivalTime"), _get(passing, "ArrivalDayOffset")
        )
        departure = _seconds(
            _get(passing, "DepartureTime"), _get(passing, "DepartureDayOffset")
        )
        if arrival is None and departure is None:
            notices.add(
                "fr_passing_time_without_time",
                ERROR,
                filename=where["filename"],
                line=passing.sourceline or 0,
                id=where["id"],
            )
            continue
        for value in (arrival, departure):
            if value is None:
                continue
            if previous is not None and value < previous:
                notices.add(
                    "fr_passing_times_decrease",
                    ERROR,
                    filename=where["filename"],
                    line=passing.sourceline or 0,
                    id=where["id"],
                )
                return
            previous = value


def _day_type(
    element: etree._Element, where: dict[str, Any], state: Scan, french: bool
) -> None:
    state.summary.day_types += 1


def _day_type_assignment(
    element: etree._Element, where: dict[str, Any], state: Scan, french: bool
) -> None:
    state.summary.day_type_assignments += 1
    date = _get(element, "Date")
    if date:
        state.summary.extend_calendar(date[:10], date[:10])
    if not french:
        return
    has_day = _find(element, "DayTypeRef") is not None
    has_when = (
        bool(date)
        or _find(element, "OperatingDayRef") is not None
        or _find(element, "OperatingPeriodRef") is not None
    )
    if not (has_day and has_when):
        state.notices.add("fr_day_type_assignment_incomplete", ERROR, **where)


def _period(
    element: etree._Element, where: dict[str, Any], state: Scan, french: bool
) -> None:
    start = _get(element, "FromDate")[:10]
    end = _get(element, "ToDate")[:10]
    if element.tag == NS + "OperatingPeriod":
        state.summary.operating_periods += 1
        state.summary.extend_calendar(start, end)
    else:
        state.summary.extend_validity(start, end)
    if french and start and end and end < start:
        state.notices.add(
            "fr_operating_period_inverted", ERROR, start=start, end=end, **where
        )


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _fare_product(
    element: etree._Element, where: dict[str, Any], state: Scan, french: bool
) -> None:
    if not french:
        return
    kind = _get(element, "ProductType")
    if not kind:
        state.notices.add("fr_fare_product_without_type", ERROR, **where)
    elif kind not in FARE_PRODUCT_TYPES:
        state.notices.add("fr_fare_product_type_unknown", ERROR, value=kind, **where)


def check_price(element: etree._Element, filename: str, state: Scan) -> None:
    """Check a closed ``…Price`` element of a French-profile file."""
    amount = _get(element, "Amount")
    if not amount:
        return
    where = {
        "filename": filename,
        "line": element.sourceline or 0,
        "id": element.get("id", ""),
    }
    try:
        negative = float(amount) < 0
    except ValueError:
        negative = True
    if negative:
        state.notices.add("fr_fare_price_invalid", ERROR, value=amount, **where)
    if not _get(element, "Currency"):
        state.notices.add("fr_fare_price_without_currency", WARNING, **where)


MAX_LISTED = 2_000
MAX_FEATURES = 20_000

_HANDLERS = {
    "Operator": _operator,
    "Authority": _operator,
    "Network": _network,
    "Line": _line,
    "FlexibleLine": _line,
    "Route": _route,
    "StopPlace": _stop,
    "Quay": _stop,
    "PassengerStopAssignment": _assignment,
    "ServiceJourneyPattern": _pattern,
    "JourneyPattern": _pattern,
    "ServiceJourney": _journey,
    "DayType": _day_type,
    "DayTypeAssignment": _day_type_assignment,
    "OperatingPeriod": _period,
    "ValidBetween": _period,
    "PreassignedFareProduct": _fare_product,
}
