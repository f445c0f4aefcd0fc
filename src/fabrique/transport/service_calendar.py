"""A version's service days laid out month by month, for the calendar partial.

Reads the ``{"YYYY-MM-DD": trips}`` of ``calendar.json``; days inside the
validity period without a trip are kept as *no service* days so that gaps
show.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import math
from dataclasses import dataclass, field
from datetime import date

LEVELS = 4
MAX_MONTHS = 24


@dataclass(frozen=True)
class Day:
    day: date
    trips: int
    level: int  # 0: no service, 1..LEVELS: share of the busiest day
    in_validity: bool


@dataclass
class Month:
    first: date
    weeks: list[list[Day | None]] = field(default_factory=list)
    service_days: int = 0
    trips: int = 0


@dataclass
class ServiceCalendar:
    months: list[Month]
    start: date | None
    end: date | None
    busiest: int
    service_days: int
    days_without_service: int
    truncated_months: int = 0

    @property
    def empty(self) -> bool:
        return not self.months


def _parse(days: dict[str, int]) -> dict[date, int]:
    parsed = {}
    for key, trips in days.items():
        try:
            parsed[date.fromisoformat(key)] = max(0, int(trips))
        except (TypeError, ValueError):
            continue
    return parsed


def level(trips: int, busiest: int) -> int:
    """The shade of a day: 0 without trips, else 1..LEVELS of the busiest."""
    if trips <= 0 or busiest <= 0:
        return 0
    return max(1, min(LEVELS, math.ceil(LEVELS * trips / busiest)))


def _months_between(start: date, end: date) -> list[date]:
    months = []
    current = start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (
            current.replace(year=current.year + 1, month=1)
            if current.month == 12
            else current.replace(month=current.month + 1)
        )
    return months


def service_months(
    days: dict[str, int],
    *,
    valid_from: date | None = None,
    valid_until: date | None = None,
    max_months: int = MAX_MONTHS,
) -> ServiceCalendar:
    """Lay the service days out by month (Monday first), at most ``max_months``.

    >>> cal = service_months({"2026-03-02": 10}, valid_from=date(2026, 3, 1))
    >>> cal.months[0].first, cal.service_days
    (datetime.date(2026, 3, 1), 1)
    """
    trips_by_day = _parse(days)
    known = sorted(trips_by_day)
    bounds_start = [d for d in (valid_from, known[0] if known else None) if d]
    bounds_end = [d for d in (valid_until, known[-1] if known else None) if d]
    start = min(bounds_start) if bounds_start else None
    end = max(bounds_end) if bounds_end else None
    if start is None or end is None or end < start:
        return ServiceCalendar([], None, None, 0, 0, 0)
    validity_start = valid_from or start
    validity_end = valid_until or end
    busiest = max(trips_by_day.values(), default=0)
    all_months = _months_between(start, end)
    shown = all_months[:max_months]
    months = []
    without = 0
    for first in shown:
        month = Month(first)
        grid = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(
            first.year, first.month
        )
        for week in grid:
            row: list[Day | None] = []
            for day in week:
                if day.month != first.month:
                    row.append(None)
                    continue
                trips = trips_by_day.get(day, 0)
                inside = validity_start <= day <= validity_end
                row.append(Day(day, trips, level(trips, busiest), inside))
                if trips:
                    month.service_days += 1
                    month.trips += trips
                elif inside:
                    without += 1
            month.weeks.append(row)
        months.append(month)
    return ServiceCalendar(
        months=months,
        start=validity_start,
        end=validity_end,
        busiest=busiest,
        service_days=sum(1 for t in trips_by_day.values() if t > 0),
        days_without_service=without,
        truncated_months=len(all_months) - len(shown),
    )
