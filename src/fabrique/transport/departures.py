"""Departures from a stop, one page at a time, with the platform of each.

The engine answers the departures of a day from a time on (``after``, in
seconds after midnight), in a fixed order (time, then trip, then stop). A
page's position is that time plus how many departures at that very time were
already shown (``skip``), so two departures at 07:10 are never lost between
two pages. The previous page is found by reading a window of the day before
the position.

Pages and API share :func:`page`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fabrique.gtfs import query

# How far back the previous page looks first (then from midnight).
BACK_WINDOW = 3 * 3600


@dataclass
class Page:
    rows: list[dict[str, Any]]
    after: int
    skip: int
    next: tuple[int, int] | None = None
    previous: tuple[int, int] | None = None
    platforms: dict[str, str] = field(default_factory=dict)


def effective_seconds(row: dict[str, Any], day: dt.date) -> int:
    """Seconds after the day's midnight at which ``row`` leaves (its sort key).

    A trip of the previous service day at ``25:10`` leaves at ``01:10``.
    """
    hours, minutes, seconds = (int(p) for p in row["gtfs_departure_time"].split(":"))
    gtfs = hours * 3600 + minutes * 60 + seconds
    service_day = dt.date.fromisoformat(row["service_date"])
    return gtfs - (day - service_day).days * query.DAY


def cursor_text(seconds: int) -> str:
    return query.format_time(seconds)


def _cursor_after(
    rows: list[dict[str, Any]], day: dt.date, after: int, skip: int
) -> tuple[int, int]:
    """The position just after ``rows`` (read from ``after``, ``skip``)."""
    last = effective_seconds(rows[-1], day)
    same = sum(1 for row in rows if effective_seconds(row, day) == last)
    return last, same + (skip if last == after else 0)


def _previous(
    directory: Path, stop_id: str, day: dt.date, after: int, skip: int, limit: int
) -> tuple[int, int] | None:
    """Where the page before the position (``after``, ``skip``) starts."""
    if after == 0 and skip == 0:
        return None
    start = max(after - BACK_WINDOW, 0)
    while True:
        rows = query.departures(
            directory, stop_id, day, after=start, limit=query.MAX_LIMIT
        )
        times = [effective_seconds(row, day) for row in rows]
        before = [i for i, t in enumerate(times) if t < after]
        before += [i for i, t in enumerate(times) if t == after][:skip]
        truncated = len(rows) == query.MAX_LIMIT and (not times or times[-1] < after)
        if truncated and after - start > 60:
            start = after - (after - start) // 4
            continue
        if len(before) < limit and start > 0:
            start = 0
            continue
        break
    if not before:
        return None
    first = before[-limit:][0]
    when = times[first]
    return when, sum(1 for t in times[:first] if t == when)


def platforms(directory: Path, stop_id: str) -> dict[str, str]:
    """Stop id → what a traveller reads on the platform (code, else its name)."""
    try:
        stop = query.stop(directory, stop_id)
    except query.NotFound:
        return {}
    names: dict[str, str] = {}
    for item in [stop, *stop.get("children", [])]:
        label = item.get("platform_code") or ""
        name = item.get("stop_name") or ""
        parent = stop.get("stop_name") or ""
        if not label and item is not stop and name and name != parent:
            # "Gare de Belvallon — quai A" under "Gare de Belvallon": "quai A".
            rest = name.removeprefix(parent) if parent else name
            label = rest.strip(" -–—,:/") or name
        names[str(item["stop_id"])] = str(label)
    return names


def page(
    directory: Path,
    stop_id: str,
    day: dt.date,
    *,
    after: int = 0,
    skip: int = 0,
    limit: int = 30,
    include_terminus: bool = False,
    with_previous: bool = False,
) -> Page:
    """One page of departures from ``stop_id`` on ``day`` from (``after``, ``skip``)."""
    if skip < 0:
        raise query.QueryError("skip must be 0 or more")
    wanted = min(limit + skip + 1, query.MAX_LIMIT)
    rows = query.departures(
        directory,
        stop_id,
        day,
        after=after,
        limit=wanted,
        include_terminus=include_terminus,
    )[skip:]
    more = len(rows) > limit
    rows = rows[:limit]
    result = Page(rows=rows, after=after, skip=skip)
    if more and rows:
        result.next = _cursor_after(rows, day, after, skip)
    if with_previous:
        result.previous = _previous(directory, stop_id, day, after, skip, limit)
        result.platforms = platforms(directory, stop_id)
    return result
