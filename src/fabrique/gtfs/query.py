"""Queries on a stored feed version: stops, routes, trips and departures.

:func:`prepare` writes, next to a store (see :mod:`fabrique.gtfs.store`), a
DuckDB database ``query.duckdb`` shaped for the questions a passenger asks:

``departures``
    every stop time with its trip's service, route and headsign, sorted by
    stop and time, so DuckDB's min/max zone maps skip all but a stop's rows;
``service_days``
    ``(day, service_id)`` for every active day (calendar and calendar_dates
    applied), sorted by day;
``stations``
    ``(station_id, stop_id)``: each stop maps to itself, each parent station
    also to its platforms;
``trips``
    each trip with its first and last time and its number of stops, sorted
    by route.

and, in ``query/``, the departures as memory-mapped NumPy arrays (time,
service, trip, stop… as integers, each stop's rows contiguous): a departure
board is then a slice, two masks and a sort, with no SQL per request, and
the pages are shared by every worker process. The day's active services come
from day arrays of ``service_days`` (a binary search per request).

A DuckDB file rather than more Parquet for the rest: its blocks stay in the
process's buffer cache between queries, where Parquet re-reads its footer
each time. Stores never prepared are queried from their Parquet files
directly (same answers, slower). :func:`store` keeps opened stores in a
bounded LRU cache.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
import threading
import zoneinfo
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt

from fabrique.gtfs.errors import GTFSError
from fabrique.gtfs.reader import literal
from fabrique.gtfs.store import open_store
from fabrique.gtfs.summary import service_dates_sql

DATABASE = "query.duckdb"
ARRAYS = "query"
PREPARED_FORMAT = 3
DAY = 86_400
EPOCH = dt.date(1970, 1, 1)
# Stores kept open per process (each a DuckDB instance with its own cache).
MAX_OPEN = 8
MAX_LIMIT = 1000

# The query views, and how to build each from the base views when the store
# was never prepared (slower, same answers).
DEPARTURES_SQL = (
    "SELECT st.stop_id, st.departure_time, st.arrival_time, st.stop_sequence, "
    "st.trip_id, st.stop_headsign, st.pickup_type, st.drop_off_type, "
    "t.service_id, t.route_id, t.trip_headsign, t.direction_id, "
    "st.stop_sequence = tt.last_sequence AS terminus "
    "FROM stop_times st JOIN trips t USING (trip_id) "
    "JOIN (SELECT trip_id, max(stop_sequence) AS last_sequence FROM stop_times "
    "GROUP BY trip_id) tt USING (trip_id) "
    "WHERE st.stop_id IS NOT NULL"
)
# Preparing, the departures table finds each trip's last stop with a window
# over stop_times: the join of DEPARTURES_SQL to a per-trip aggregate ran out
# of DuckDB's memory limit on 12.8M stop times, where the window spills to
# disk. Unprepared queries keep the join, which the stop filter narrows first.
DEPARTURES_PREPARE_SQL = (
    "SELECT st.stop_id, st.departure_time, st.arrival_time, st.stop_sequence, "
    "st.trip_id, st.stop_headsign, st.pickup_type, st.drop_off_type, "
    "t.service_id, t.route_id, t.trip_headsign, t.direction_id, "
    "st.stop_sequence = st.last_sequence AS terminus "
    "FROM (SELECT *, max(stop_sequence) OVER (PARTITION BY trip_id) "
    "AS last_sequence FROM stop_times) st JOIN trips t USING (trip_id) "
    "WHERE st.stop_id IS NOT NULL"
)
TRIPS_SQL = (
    "SELECT t.route_id, t.trip_id, t.service_id, t.trip_headsign, "
    "t.trip_short_name, t.direction_id, t.shape_id, t.block_id, "
    "a.first_departure, a.last_arrival, a.stops "
    "FROM trips t LEFT JOIN (SELECT trip_id, "
    "arg_min(COALESCE(departure_time, arrival_time), stop_sequence) "
    "AS first_departure, "
    "arg_max(COALESCE(arrival_time, departure_time), stop_sequence) AS last_arrival, "
    "count(*) AS stops FROM stop_times GROUP BY trip_id) a USING (trip_id)"
)
STATIONS_SQL = (
    "SELECT stop_id AS station_id, stop_id FROM stops WHERE stop_id IS NOT NULL "
    "UNION ALL SELECT parent_station, stop_id FROM stops "
    "WHERE parent_station IS NOT NULL AND parent_station <> ''"
)
# view: (table in query.duckdb, SQL on the base views, sort order)
VIEWS = {
    "q_departures": ("departures", DEPARTURES_SQL, "stop_id, departure_time, trip_id"),
    "q_trips": ("trips", TRIPS_SQL, "route_id, first_departure, trip_id"),
    "q_service_days": (
        "service_days",
        f"SELECT day, service_id FROM ({service_dates_sql()})",
        "day, service_id",
    ),
    "q_stations": ("stations", STATIONS_SQL, "station_id, stop_id"),
}


# Tables whose prepared copy is built by other SQL than their view.
PREPARE_SQL = {"departures": DEPARTURES_PREPARE_SQL}


class QueryError(GTFSError):
    """A query the store cannot answer as asked (bad parameter)."""


class NotFound(QueryError):
    """An id the store does not hold."""


def prepare(directory: Path, *, memory_limit: str = "2GB") -> None:
    """Write the query database of the store in ``directory`` (idempotent).

    >>> prepare(Path("store/v1"))  # doctest: +SKIP
    """
    target = directory / DATABASE
    tmp = directory / f"{DATABASE}.tmp"
    tmp.unlink(missing_ok=True)
    spill = directory / "prepare.spill"
    con = open_store(directory, memory_limit=memory_limit)
    try:
        con.execute("SET enable_progress_bar = false")
        # Sorts larger than the memory limit spill here, not in the current
        # folder of whichever process prepares.
        con.execute(f"SET temp_directory = {literal(str(spill))}")
        con.execute(f"ATTACH {literal(str(tmp))} AS q")
        for table, sql, order in VIEWS.values():
            sql = PREPARE_SQL.get(table, sql)
            _create_sorted(con, f"q.{table}", sql, order)
        con.execute(f"CREATE TABLE q.prepared AS SELECT {PREPARED_FORMAT} AS format")
        arrays = directory / f"{ARRAYS}.tmp"
        shutil.rmtree(arrays, ignore_errors=True)
        arrays.mkdir()
        _write_arrays(con, arrays)
        con.execute("DETACH q")
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    final = directory / ARRAYS
    if final.exists():
        old = directory / f"{ARRAYS}.old"
        shutil.rmtree(old, ignore_errors=True)
        final.rename(old)
        shutil.rmtree(old, ignore_errors=True)
    arrays.rename(final)
    tmp.replace(target)
    forget(directory)


def _create_sorted(
    con: duckdb.DuckDBPyConnection, table: str, sql: str, order: str
) -> None:
    """``CREATE TABLE … ORDER BY``, again on one thread if memory runs out:
    each thread holds buffers of its own, which spilling cannot release."""
    statement = f"CREATE OR REPLACE TABLE {table} AS {sql} ORDER BY {order}"
    try:
        con.execute(statement)
    except duckdb.OutOfMemoryException:
        threads = con.execute("SELECT current_setting('threads')").fetchone()
        con.execute("SET threads = 1")
        try:
            con.execute(statement)
        finally:
            con.execute(f"SET threads = {int(threads[0]) if threads else 1}")


# Columns of the departure arrays: one row per stop time where boarding is
# possible, sorted by stop, time and trip; each stop's rows are contiguous
# (``offsets``). Indexes point into the lists of ``meta.json`` and into the
# trip arrays; -1 is "none".
DEPARTURE_ARRAYS = (
    ("t", "COALESCE(d.departure_time, d.arrival_time)", "int32"),
    ("arrival", "COALESCE(d.arrival_time, d.departure_time)", "int32"),
    ("departure", "COALESCE(d.departure_time, d.arrival_time)", "int32"),
    ("service", "sv.i", "int32"),
    ("trip", "tr.i", "int32"),
    ("sequence", "COALESCE(d.stop_sequence, -1)", "int32"),
    ("stop", "so.i", "int32"),
    ("headsign", "COALESCE(h.i, -1)", "int32"),
    ("terminus", "CAST(COALESCE(d.terminus, false) AS TINYINT)", "int8"),
)


def _write_arrays(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    """Write the departure arrays (memory-mapped by every process that asks)."""
    con.execute(
        "CREATE TEMP TABLE sv AS SELECT service_id, "
        "CAST(row_number() OVER (ORDER BY service_id) - 1 AS INTEGER) AS i "
        "FROM (SELECT DISTINCT service_id FROM q.departures "
        "WHERE service_id IS NOT NULL)"
    )
    con.execute(
        "CREATE TEMP TABLE tr AS SELECT trip_id, route_id, direction_id, "
        "CAST(row_number() OVER (ORDER BY trip_id) - 1 AS INTEGER) AS i "
        "FROM (SELECT trip_id, any_value(route_id) AS route_id, "
        "any_value(direction_id) AS direction_id FROM q.departures GROUP BY trip_id)"
    )
    con.execute(
        "CREATE TEMP TABLE so AS SELECT stop_id, "
        "CAST(row_number() OVER (ORDER BY stop_id) - 1 AS INTEGER) AS i "
        "FROM (SELECT DISTINCT stop_id FROM q.departures)"
    )
    con.execute(
        "CREATE TEMP TABLE h AS SELECT headsign, "
        "CAST(row_number() OVER (ORDER BY headsign) - 1 AS INTEGER) AS i "
        "FROM (SELECT DISTINCT COALESCE(stop_headsign, trip_headsign) AS headsign "
        "FROM q.departures WHERE COALESCE(stop_headsign, trip_headsign) IS NOT NULL)"
    )
    columns = ", ".join(f"{sql} AS {name}" for name, sql, _type in DEPARTURE_ARRAYS)
    con.execute(
        f"CREATE TEMP TABLE rows AS SELECT {columns} FROM q.departures d "
        "JOIN sv USING (service_id) JOIN tr USING (trip_id) JOIN so USING (stop_id) "
        "LEFT JOIN h ON h.headsign = COALESCE(d.stop_headsign, d.trip_headsign) "
        "WHERE COALESCE(d.departure_time, d.arrival_time) IS NOT NULL "
        "AND COALESCE(d.pickup_type, 0) <> 1 "
        "ORDER BY so.i, t, tr.i"
    )
    for name, _sql, dtype in DEPARTURE_ARRAYS:
        column = con.execute(f"SELECT {name} FROM rows").fetchnumpy()[name]
        np.save(target / f"{name}.npy", np.asarray(column, dtype=dtype))
        del column
    stops = [s for (s,) in con.execute("SELECT stop_id FROM so ORDER BY i").fetchall()]
    counts = dict(
        con.execute("SELECT stop, count(*) FROM rows GROUP BY stop").fetchall()
    )
    offsets = np.zeros(len(stops) + 1, dtype="int64")
    offsets[1:] = np.cumsum([counts.get(i, 0) for i in range(len(stops))])
    np.save(target / "offsets.npy", offsets)
    # Active services by day (days since 1970-01-01), sorted by day.
    days = con.execute(
        "SELECT CAST(d.day - DATE '1970-01-01' AS INTEGER) AS day, sv.i AS service "
        "FROM q.service_days d JOIN sv USING (service_id) ORDER BY 1, 2"
    ).fetchnumpy()
    np.save(target / "day.npy", np.asarray(days["day"], dtype="int32"))
    np.save(target / "day_service.npy", np.asarray(days["service"], dtype="int32"))
    trips = con.execute(
        "SELECT trip_id, route_id, COALESCE(direction_id, -1) FROM tr ORDER BY i"
    ).fetchall()
    routes = sorted({r for _t, r, _d in trips if r is not None})
    route_index = {r: i for i, r in enumerate(routes)}
    np.save(
        target / "trip_id.npy",
        np.array([t.encode() for t, _r, _d in trips] or [b""], dtype="S"),
    )
    np.save(
        target / "trip_route.npy",
        np.array([route_index.get(r, -1) for _t, r, _d in trips], dtype="int32"),
    )
    np.save(
        target / "trip_direction.npy",
        np.array([d for _t, _r, d in trips], dtype="int8"),
    )
    meta = {
        "format": PREPARED_FORMAT,
        "stops": stops,
        "services": [
            s for (s,) in con.execute("SELECT service_id FROM sv ORDER BY i").fetchall()
        ],
        "headsigns": [
            h for (h,) in con.execute("SELECT headsign FROM h ORDER BY i").fetchall()
        ],
        "routes": routes,
    }
    (target / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))


def is_prepared(directory: Path) -> bool:
    """Whether :func:`prepare` has written this store's query files."""
    return (directory / DATABASE).is_file() and (
        directory / ARRAYS / "meta.json"
    ).is_file()


# --- Opened stores -----------------------------------------------------------


@dataclass
class Route:
    route_id: str
    agency_id: str | None
    short_name: str | None
    long_name: str | None
    route_type: int | None
    color: str | None
    text_color: str | None


@dataclass
class Store:
    """An opened store: a DuckDB connection and the small tables in memory."""

    directory: Path
    con: duckdb.DuckDBPyConnection
    prepared: bool
    timezones: dict[str | None, str] = field(default_factory=dict)
    default_timezone: str = "UTC"
    routes: dict[str, Route] = field(default_factory=dict)
    arrays: Arrays | None = None

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own, so threads never share one."""
        cur = self.con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def timezone(self, route_id: str | None) -> zoneinfo.ZoneInfo:
        route = self.routes.get(route_id or "")
        name = self.timezones.get(route.agency_id if route else None)
        return _zone(name or self.default_timezone)


Ints = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]


class Arrays:
    """The departure arrays of a prepared store, memory-mapped (shared pages)."""

    def __init__(self, folder: Path, con: duckdb.DuckDBPyConnection) -> None:
        meta = json.loads((folder / "meta.json").read_text())
        self.columns: dict[str, npt.NDArray[Any]] = {
            name: np.load(folder / f"{name}.npy", mmap_mode="r")
            for name, _sql, _type in DEPARTURE_ARRAYS
        }
        self.offsets: npt.NDArray[np.int64] = np.load(folder / "offsets.npy")
        self.trip_id: npt.NDArray[np.bytes_] = np.load(
            folder / "trip_id.npy", mmap_mode="r"
        )
        self.trip_route: Ints = np.load(folder / "trip_route.npy", mmap_mode="r")
        self.trip_direction: npt.NDArray[np.int8] = np.load(
            folder / "trip_direction.npy", mmap_mode="r"
        )
        self.stops: list[str] = meta["stops"]
        self.stop_index = {stop_id: i for i, stop_id in enumerate(self.stops)}
        self.services: list[str] = meta["services"]
        self.service_index = {s: i for i, s in enumerate(self.services)}
        self.headsigns: list[str] = meta["headsigns"]
        self.routes: list[str] = meta["routes"]
        # station -> its stops (itself and its platforms), for every known stop.
        self.members: dict[str, list[str]] = {}
        for station, stop_id in con.execute(
            "SELECT station_id, stop_id FROM q.stations"
        ).fetchall():
            self.members.setdefault(station, []).append(stop_id)
        self.day: Ints = np.load(folder / "day.npy")
        self.day_service: Ints = np.load(folder / "day_service.npy")

    def active(self, day: dt.date) -> Bools:
        """Which services run on ``day`` (a mask over ``services``)."""
        ordinal = (day - EPOCH).days
        start = int(np.searchsorted(self.day, ordinal, side="left"))
        end = int(np.searchsorted(self.day, ordinal, side="right"))
        mask = np.zeros(len(self.services) + 1, dtype=np.bool_)
        mask[self.day_service[start:end]] = True
        return mask

    def rows_of(self, stop_ids: Sequence[str]) -> npt.NDArray[np.int64]:
        ranges = []
        for stop_id in stop_ids:
            index = self.stop_index.get(stop_id)
            if index is not None:
                start, end = int(self.offsets[index]), int(self.offsets[index + 1])
                ranges.append(np.arange(start, end, dtype=np.int64))
        if not ranges:
            return np.zeros(0, dtype=np.int64)
        return ranges[0] if len(ranges) == 1 else np.concatenate(ranges)


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


_open: OrderedDict[Path, Store] = OrderedDict()
_lock = threading.Lock()


def store(directory: Path) -> Store:
    """The opened store of ``directory``, from a bounded per-process cache.

    >>> store(Path("store/v1")).prepared  # doctest: +SKIP
    True
    """
    key = directory.resolve()
    with _lock:
        cached = _open.get(key)
        if cached is not None:
            _open.move_to_end(key)
            return cached
    opened = _load(key)
    with _lock:
        _open[key] = opened
        _open.move_to_end(key)
        while len(_open) > MAX_OPEN:
            # Dropped, not closed: a thread may still hold a cursor of it.
            _open.popitem(last=False)
    return opened


def forget(directory: Path) -> None:
    """Drop ``directory`` from the cache (after it was prepared or deleted)."""
    with _lock:
        _open.pop(directory.resolve(), None)


def _load(directory: Path) -> Store:
    con = open_store(directory, memory_limit="256MB")
    # One thread: answers are small, and threads only add latency under load.
    con.execute("SET threads = 1")
    con.execute("SET enable_progress_bar = false")
    prepared = is_prepared(directory)
    if prepared:
        path = literal(str(directory / DATABASE))
        con.execute(f"ATTACH {path} AS q (READ_ONLY)")
        row = con.execute("SELECT max(format) FROM q.prepared").fetchone()
        prepared = bool(row and row[0] == PREPARED_FORMAT)
        if not prepared:
            con.execute("DETACH q")
    for view, (table, sql, _order) in VIEWS.items():
        source = f"SELECT * FROM q.{table}" if prepared else sql
        con.execute(f"CREATE VIEW {view} AS {source}")
    opened = Store(directory, con, prepared)
    if prepared:
        opened.arrays = Arrays(directory / ARRAYS, con)
    agencies = con.execute(
        "SELECT agency_id, agency_timezone FROM agency "
        "WHERE agency_timezone IS NOT NULL"
    ).fetchall()
    for agency_id, tz in agencies:
        opened.timezones[agency_id] = tz
    if agencies:
        opened.default_timezone = agencies[0][1]
        opened.timezones.setdefault(None, agencies[0][1])
    for row in con.execute(
        "SELECT route_id, agency_id, route_short_name, route_long_name, "
        "route_type, route_color, route_text_color FROM routes "
        "WHERE route_id IS NOT NULL"
    ).fetchall():
        opened.routes[row[0]] = Route(*row)
    return opened


# --- Values --------------------------------------------------------------------


def format_time(seconds: int) -> str:
    """A GTFS time from seconds after midnight (hours may pass 24).

    >>> format_time(90600)
    '25:10:00'
    """
    if seconds < 0:
        raise QueryError(f"negative time: {seconds}")
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def parse_time(text: str) -> int:
    """Seconds after midnight of ``H:MM``, ``HH:MM`` or ``HH:MM:SS`` (to 47:59:59).

    >>> parse_time("25:10")
    90600
    """
    parts = text.strip().split(":")
    if len(parts) not in (2, 3) or not all(
        p.isascii() and p.isdigit() and 1 <= len(p) <= 2 for p in parts
    ):
        raise QueryError(f"{text!r} is not a time (HH:MM or HH:MM:SS)")
    hours, minutes = int(parts[0]), int(parts[1])
    seconds = int(parts[2]) if len(parts) == 3 else 0
    if minutes > 59 or seconds > 59 or hours > 47:
        raise QueryError(f"{text!r} is not a time (HH:MM or HH:MM:SS)")
    return hours * 3600 + minutes * 60 + seconds


def parse_date(text: str) -> dt.date:
    """A date from ``YYYY-MM-DD`` or GTFS's ``YYYYMMDD``.

    >>> parse_date("2024-03-01")
    datetime.date(2024, 3, 1)
    """
    value = text.strip()
    try:
        if len(value) == 8 and value.isdigit():
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        if len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise QueryError(f"{text!r} is not a date (YYYY-MM-DD)")


def service_datetime(day: dt.date, seconds: int, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The instant of a GTFS time: noon of the service day minus 12 h, plus it.

    GTFS counts times from "noon minus 12 h", which is midnight except on days
    when the clocks change.
    """
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=tz).astimezone(dt.UTC)
    instant = noon - dt.timedelta(hours=12) + dt.timedelta(seconds=seconds)
    return instant.astimezone(tz)


def _clip(limit: int) -> int:
    if limit < 1:
        raise QueryError(f"limit must be at least 1, not {limit}")
    return min(limit, MAX_LIMIT)


def _time(seconds: int | None) -> str | None:
    return None if seconds is None else format_time(seconds)


@dataclass
class Page:
    """One page of a list, and how many items the whole list has."""

    total: int
    items: list[dict[str, Any]]


# --- Stops ---------------------------------------------------------------------

STOP_COLUMNS = (
    "stop_id, stop_code, stop_name, stop_lat, stop_lon, "
    "COALESCE(location_type, 0) AS location_type, parent_station, "
    "wheelchair_boarding, platform_code"
)


def _stop(row: tuple[Any, ...], extra: Sequence[str] = ()) -> dict[str, Any]:
    keys = (
        "stop_id",
        "stop_code",
        "stop_name",
        "lat",
        "lon",
        "location_type",
        "parent_station",
        "wheelchair_boarding",
        "platform_code",
        *extra,
    )
    return dict(zip(keys, row, strict=True))


def stops_in_bbox(
    directory: Path,
    min_lon: float,
    min_lat: float,
    max_lon: float,
    max_lat: float,
    *,
    limit: int = 100,
    offset: int = 0,
) -> Page:
    """Located stops inside a box, by stop_id."""
    _check_lat(min_lat)
    _check_lat(max_lat)
    _check_lon(min_lon)
    _check_lon(max_lon)
    if min_lat > max_lat or min_lon > max_lon:
        raise QueryError("bbox must be min_lon,min_lat,max_lon,max_lat with min ≤ max")
    where = "stop_lat BETWEEN ? AND ? AND stop_lon BETWEEN ? AND ?"
    params = [min_lat, max_lat, min_lon, max_lon]
    with store(directory).cursor() as cur:
        total = _count(cur, f"SELECT count(*) FROM stops WHERE {where}", params)
        rows = cur.execute(
            f"SELECT {STOP_COLUMNS} FROM stops WHERE {where} "
            "ORDER BY stop_id LIMIT ? OFFSET ?",
            [*params, _clip(limit), max(offset, 0)],
        ).fetchall()
    return Page(total, [_stop(r) for r in rows])


def stops_near(
    directory: Path,
    lat: float,
    lon: float,
    radius_m: float,
    *,
    limit: int = 100,
    offset: int = 0,
) -> Page:
    """Located stops within ``radius_m`` metres of a point, nearest first."""
    _check_lat(lat)
    _check_lon(lon)
    if not 0 < radius_m <= 100_000:
        raise QueryError("radius must be between 0 and 100000 metres")
    # A box around the circle first (cheap), the great circle then.
    dlat = math.degrees(radius_m / 6_371_008.8)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    sql = (
        f"SELECT * FROM (SELECT {STOP_COLUMNS}, "
        "distance_m(?, ?, stop_lat, stop_lon) AS distance FROM stops "
        "WHERE stop_lat BETWEEN ? AND ? AND stop_lon BETWEEN ? AND ?) "
        "WHERE distance <= ?"
    )
    params = [lat, lon, lat - dlat, lat + dlat, lon - dlon, lon + dlon, radius_m]
    with store(directory).cursor() as cur:
        total = _count(cur, f"SELECT count(*) FROM ({sql})", params)
        rows = cur.execute(
            f"{sql} ORDER BY distance, stop_id LIMIT ? OFFSET ?",
            [*params, _clip(limit), max(offset, 0)],
        ).fetchall()
    items = []
    for row in rows:
        item = _stop(row, ("distance_m",))
        item["distance_m"] = round(item["distance_m"], 1)
        items.append(item)
    return Page(total, items)


def stop(directory: Path, stop_id: str) -> dict[str, Any]:
    """One stop, with its platforms when it is a station."""
    with store(directory).cursor() as cur:
        row = cur.execute(
            f"SELECT {STOP_COLUMNS} FROM stops WHERE stop_id = ?", [stop_id]
        ).fetchone()
        if row is None:
            raise NotFound(f"no stop {stop_id!r}")
        children = cur.execute(
            f"SELECT {STOP_COLUMNS} FROM stops WHERE parent_station = ? "
            "ORDER BY stop_id",
            [stop_id],
        ).fetchall()
    item = _stop(row)
    item["children"] = [_stop(r) for r in children]
    return item


def _check_lat(value: float) -> None:
    if not -90 <= value <= 90:
        raise QueryError(f"latitude {value} is not between -90 and 90")


def _check_lon(value: float) -> None:
    if not -180 <= value <= 180:
        raise QueryError(f"longitude {value} is not between -180 and 180")


def _count(cur: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> int:
    row = cur.execute(sql, list(params)).fetchone()
    return int(row[0]) if row else 0


# --- Routes and trips ----------------------------------------------------------


def _route(route: Route) -> dict[str, Any]:
    return {
        "route_id": route.route_id,
        "agency_id": route.agency_id,
        "route_short_name": route.short_name,
        "route_long_name": route.long_name,
        "route_type": route.route_type,
        "route_color": route.color,
        "route_text_color": route.text_color,
    }


def routes(directory: Path, *, limit: int = 100, offset: int = 0) -> Page:
    """Routes by short name, then long name, then id."""
    opened = store(directory)
    ordered = sorted(
        opened.routes.values(),
        key=lambda r: (r.short_name or "", r.long_name or "", r.route_id),
    )
    start = max(offset, 0)
    page = ordered[start : start + _clip(limit)]
    return Page(len(ordered), [_route(r) for r in page])


def route(directory: Path, route_id: str) -> dict[str, Any]:
    """One route with its agency and its trips counted by direction and headsign."""
    opened = store(directory)
    found = opened.routes.get(route_id)
    if found is None:
        raise NotFound(f"no route {route_id!r}")
    item = _route(found)
    with opened.cursor() as cur:
        agency = cur.execute(
            "SELECT agency_id, agency_name, agency_url, agency_timezone FROM agency "
            "WHERE agency_id IS NOT DISTINCT FROM ? OR ? IS NULL LIMIT 1",
            [found.agency_id, found.agency_id],
        ).fetchone()
        patterns = cur.execute(
            "SELECT direction_id, trip_headsign, count(*) FROM q_trips "
            "WHERE route_id = ? GROUP BY ALL ORDER BY 1 NULLS FIRST, 3 DESC, 2",
            [route_id],
        ).fetchall()
    item["agency"] = (
        dict(zip(("agency_id", "name", "url", "timezone"), agency, strict=True))
        if agency
        else None
    )
    item["directions"] = [
        {"direction_id": d, "headsign": h, "trips": n} for d, h, n in patterns
    ]
    item["trips"] = sum(n for _d, _h, n in patterns)
    return item


def _active_services(cur: duckdb.DuckDBPyConnection, day: dt.date) -> list[str]:
    return [
        s
        for (s,) in cur.execute(
            "SELECT service_id FROM q_service_days WHERE day = ?", [day]
        ).fetchall()
    ]


TRIP_KEYS = (
    "route_id",
    "trip_id",
    "service_id",
    "trip_headsign",
    "trip_short_name",
    "direction_id",
    "shape_id",
    "block_id",
    "first_departure",
    "last_arrival",
    "stops",
)


def _trip(row: tuple[Any, ...]) -> dict[str, Any]:
    item = dict(zip(TRIP_KEYS, row, strict=True))
    item["first_departure"] = _time(item["first_departure"])
    item["last_arrival"] = _time(item["last_arrival"])
    return item


def trips(
    directory: Path,
    *,
    route_id: str | None = None,
    date: dt.date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Page:
    """Trips (of a route, running on a date), by first departure."""
    opened = store(directory)
    if route_id is not None and route_id not in opened.routes:
        raise NotFound(f"no route {route_id!r}")
    where: list[str] = ["true"]
    params: list[Any] = []
    if route_id is not None:
        where.append("route_id = ?")
        params.append(route_id)
    with opened.cursor() as cur:
        if date is not None:
            where.append(
                "service_id IN (SELECT service_id FROM q_service_days WHERE day = ?)"
            )
            params.append(date)
        sql = f"FROM q_trips WHERE {' AND '.join(where)}"
        total = _count(cur, f"SELECT count(*) {sql}", params)
        rows = cur.execute(
            f"SELECT {', '.join(TRIP_KEYS)} {sql} "
            "ORDER BY first_departure NULLS LAST, trip_id LIMIT ? OFFSET ?",
            [*params, _clip(limit), max(offset, 0)],
        ).fetchall()
    return Page(total, [_trip(r) for r in rows])


def trip(directory: Path, trip_id: str) -> dict[str, Any]:
    """One trip, its route and its stop times in order."""
    opened = store(directory)
    with opened.cursor() as cur:
        row = cur.execute(
            f"SELECT {', '.join(TRIP_KEYS)} FROM q_trips WHERE trip_id = ?",
            [trip_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"no trip {trip_id!r}")
        stop_times = cur.execute(
            "SELECT st.stop_sequence, st.stop_id, s.stop_name, s.stop_lat, "
            "s.stop_lon, st.arrival_time, st.departure_time, st.stop_headsign, "
            "st.pickup_type, st.drop_off_type, st.shape_dist_traveled "
            "FROM stop_times st LEFT JOIN stops s USING (stop_id) "
            "WHERE st.trip_id = ? ORDER BY st.stop_sequence",
            [trip_id],
        ).fetchall()
    item = _trip(row)
    found = opened.routes.get(item["route_id"] or "")
    item["route"] = _route(found) if found else None
    item["stop_times"] = [
        {
            "stop_sequence": seq,
            "stop_id": stop_id,
            "stop_name": name,
            "lat": lat,
            "lon": lon,
            "arrival_time": _time(arrival),
            "departure_time": _time(departure),
            "stop_headsign": headsign,
            "pickup_type": pickup,
            "drop_off_type": drop_off,
            "shape_dist_traveled": dist,
        }
        for (
            seq,
            stop_id,
            name,
            lat,
            lon,
            arrival,
            departure,
            headsign,
            pickup,
            drop_off,
            dist,
        ) in stop_times
    ]
    return item


# --- Departures ------------------------------------------------------------------


def departures(
    directory: Path,
    stop_id: str,
    date: dt.date,
    *,
    after: int | None = None,
    limit: int = 20,
    include_terminus: bool = False,
) -> list[dict[str, Any]]:
    """Departures from a stop (a station: from its platforms) on a calendar day.

    A day's departures are the trips of its own service day leaving before
    24:00 and those of the service day k days before leaving from k × 24:00
    to (k + 1) × 24:00 (``25:10`` on D-1 is ``01:10`` on D, ``49:10`` on D-2
    too; ``previous_day`` is true and ``service_date`` says which day),
    in the order of their instants (a clock change moves the times of the
    days before by an hour).
    ``after`` (seconds after midnight) drops earlier departures. Trips ending
    at the stop are left out unless ``include_terminus``; so are stop times
    where boarding is not possible (``pickup_type`` 1).

    >>> first = departures(Path("store/v1"), "S1", dt.date(2024, 3, 1))[0]
    >>> first["departure_time"]  # doctest: +SKIP
    '06:10:00'
    """
    opened = store(directory)
    start = after or 0
    if not 0 <= start < DAY:
        raise QueryError("after must be a time of the day, before 24:00")
    count = _clip(limit)
    shifts = day_shifts(date, _zone(opened.default_timezone))
    if opened.arrays is not None:
        rows = _departures_arrays(
            opened.arrays, stop_id, date, start, count, include_terminus, shifts
        )
    else:
        rows = _departures_sql(
            opened, stop_id, date, start, count, include_terminus, shifts
        )
    return [_departure(opened, date, row) for row in rows]


# Service days looked back on: GTFS times stay under 8 days in practice.
MAX_DAYS_BEFORE = 7


def day_shifts(date: dt.date, tz: zoneinfo.ZoneInfo) -> list[int]:
    """Seconds from the time origin of ``date`` to that of each day before.

    A stop time ``t`` of the service day ``k`` days before happens ``t +
    shifts[k]`` seconds after the time origin (noon minus 12 h) of ``date``:
    ``-k × 24 h``, give or take the hour of a clock change in between, so
    that a board is in the order of its instants.
    """
    # Timestamps, not a difference of datetimes: Python subtracts two
    # datetimes of the same zone by their wall clocks, without the hour the
    # clocks moved in between.
    origin = service_datetime(date, 0, tz).timestamp()
    return [
        round(service_datetime(date - dt.timedelta(days=k), 0, tz).timestamp() - origin)
        for k in range(MAX_DAYS_BEFORE + 1)
    ]


def _departures_arrays(
    arrays: Arrays,
    stop_id: str,
    date: dt.date,
    start: int,
    limit: int,
    include_terminus: bool,
    shifts: list[int],
) -> list[tuple[Any, ...]]:
    stop_ids = arrays.members.get(stop_id)
    if stop_ids is None:
        raise NotFound(f"no stop {stop_id!r}")
    rows = arrays.rows_of(stop_ids)
    if rows.size == 0:
        return []
    c = arrays.columns
    t = c["t"][rows]
    service = c["service"][rows]
    # Times of day k (k × 24:00 to (k + 1) × 24:00) run on the service day k
    # days before the asked one.
    days_before = t // DAY
    keep = np.zeros(rows.size, dtype=np.bool_)
    for k in range(min(int(days_before.max()), MAX_DAYS_BEFORE) + 1):
        on_day = days_before == k
        if on_day.any():
            active = arrays.active(date - dt.timedelta(days=k))[service]
            keep |= on_day & active & (t >= k * DAY + start)
    if not include_terminus:
        keep &= c["terminus"][rows] == 0
    chosen = rows[keep]
    shift = days_before[keep]
    effective = c["t"][chosen] + np.asarray(shifts, dtype=np.int64)[shift]
    trip = c["trip"][chosen]
    order = np.lexsort((c["stop"][chosen], trip, effective))[:limit]
    found = []
    for k in order.tolist():
        row = int(chosen[k])
        trip_index = int(trip[k])
        route_index = int(arrays.trip_route[trip_index])
        headsign_index = int(c["headsign"][row])
        direction = int(arrays.trip_direction[trip_index])
        sequence = int(c["sequence"][row])
        found.append(
            (
                arrays.trip_id[trip_index].decode(),
                arrays.routes[route_index] if route_index >= 0 else None,
                arrays.services[int(c["service"][row])],
                arrays.headsigns[headsign_index] if headsign_index >= 0 else None,
                direction if direction >= 0 else None,
                arrays.stops[int(c["stop"][row])],
                sequence if sequence >= 0 else None,
                int(c["arrival"][row]),
                int(c["departure"][row]),
                int(shift[k]),
                bool(c["terminus"][row]),
            )
        )
    return found


def _departures_sql(
    opened: Store,
    stop_id: str,
    date: dt.date,
    start: int,
    limit: int,
    include_terminus: bool,
    shifts: list[int],
) -> list[tuple[Any, ...]]:
    with opened.cursor() as cur:
        stop_ids = [
            s
            for (s,) in cur.execute(
                "SELECT stop_id FROM q_stations WHERE station_id = ?", [stop_id]
            ).fetchall()
        ]
        if not stop_ids:
            raise NotFound(f"no stop {stop_id!r}")
        # A literal list lets DuckDB skip the blocks of other stops.
        stops_sql = ", ".join(literal(s) for s in stop_ids)
        terminus = "" if include_terminus else "AND NOT COALESCE(terminus, false) "
        rows = cur.execute(
            "WITH d AS (SELECT *, COALESCE(departure_time, arrival_time) AS t "
            f"FROM q_departures WHERE stop_id IN ({stops_sql}) "
            f"AND COALESCE(pickup_type, 0) <> 1 {terminus}), "
            # A time of day k (k × 24:00 to (k + 1) × 24:00) runs on the
            # service day k days before.
            "s AS (SELECT service_id, CAST($date - day AS INTEGER) AS k "
            "FROM q_service_days WHERE day <= $date AND day >= $date - "
            "least(CAST(COALESCE((SELECT max(t) FROM d), 0) // $day AS INTEGER), "
            "$max_k)) "
            "SELECT trip_id, route_id, service_id, "
            "COALESCE(stop_headsign, trip_headsign), direction_id, stop_id, "
            "stop_sequence, arrival_time, departure_time, k, terminus "
            "FROM d JOIN s USING (service_id) "
            "WHERE t >= k * $day + $start AND t < (k + 1) * $day "
            "ORDER BY t + $shifts[k + 1], trip_id, stop_id LIMIT $limit",
            {
                "date": date,
                "start": start,
                "shifts": shifts,
                "max_k": MAX_DAYS_BEFORE,
                "day": DAY,
                "limit": limit,
            },
        ).fetchall()
    return rows


def _departure(opened: Store, date: dt.date, row: tuple[Any, ...]) -> dict[str, Any]:
    (trip_id, route_id, service_id, headsign, direction_id, stop_id, sequence,
     arrival, departure, days_before, terminus) = row  # fmt: skip
    service_date = date - dt.timedelta(days=days_before)
    tz = opened.timezone(route_id)
    found = opened.routes.get(route_id or "")
    arrival = departure if arrival is None else arrival
    departure = arrival if departure is None else departure
    arrival_at = service_datetime(service_date, arrival, tz)
    departure_at = service_datetime(service_date, departure, tz)
    return {
        "trip_id": trip_id,
        "route_id": route_id,
        "route_short_name": found.short_name if found else None,
        "route_long_name": found.long_name if found else None,
        "route_type": found.route_type if found else None,
        "route_color": found.color if found else None,
        "headsign": headsign,
        "direction_id": direction_id,
        "stop_id": stop_id,
        "stop_sequence": sequence,
        "service_id": service_id,
        "service_date": service_date.isoformat(),
        "previous_day": days_before > 0,
        "terminus": bool(terminus),
        # Clock times of the instants (an arrival may fall on the day before).
        "arrival_time": arrival_at.strftime("%H:%M:%S"),
        "departure_time": departure_at.strftime("%H:%M:%S"),
        "gtfs_arrival_time": format_time(arrival),
        "gtfs_departure_time": format_time(departure),
        "arrival": arrival_at.isoformat(),
        "departure": departure_at.isoformat(),
        "timezone": str(tz),
    }


# --- Stops for a geocoder ------------------------------------------------------


def named_stops(directory: Path) -> list[dict[str, Any]]:
    """Stations and lone stops with a name and a position, for a place search.

    Platforms of a station fold into it (the station counts them, so busy
    stations can rank higher); entrances, nodes and boarding areas are left
    out, as are positions outside the globe or at (0, 0).
    """
    with store(directory).cursor() as cur:
        rows = cur.execute(
            "WITH s AS (SELECT stop_id, trim(stop_name) AS name, stop_lat, stop_lon, "
            "COALESCE(location_type, 0) AS kind, parent_station FROM stops "
            "WHERE stop_id IS NOT NULL), "
            "stations AS (SELECT stop_id FROM s WHERE kind = 1), "
            "platforms AS (SELECT parent_station AS stop_id, count(*) AS n FROM s "
            "WHERE parent_station IN (SELECT stop_id FROM stations) GROUP BY 1) "
            "SELECT s.stop_id, s.name, s.stop_lat, s.stop_lon, s.kind, "
            "COALESCE(p.n, 0) FROM s LEFT JOIN platforms p USING (stop_id) "
            "WHERE s.kind IN (0, 1) AND COALESCE(s.name, '') <> '' "
            "AND (s.parent_station IS NULL "
            "OR s.parent_station NOT IN (SELECT stop_id FROM stations)) "
            "AND s.stop_lat BETWEEN -90 AND 90 AND s.stop_lon BETWEEN -180 AND 180 "
            "AND NOT (s.stop_lat = 0 AND s.stop_lon = 0) ORDER BY s.stop_id"
        ).fetchall()
    return [
        {
            "stop_id": stop_id,
            "name": name,
            "lat": lat,
            "lon": lon,
            "location_type": kind,
            "platforms": platforms,
        }
        for stop_id, name, lat, lon, kind, platforms in rows
    ]
