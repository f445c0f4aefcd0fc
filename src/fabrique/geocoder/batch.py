"""Batch geocoding: CSV in, CSV out, one row at a time (bounded memory).

The output keeps every input column and appends the columns Addok's CSV
plugin writes (``latitude``, ``longitude``, ``result_label``,
``result_score`` …), plus ``result_status``: ``ok``, ``not-found`` or
``error: <why>`` for a row whose query cannot be searched.

The input columns are written back as they were sent; the text columns this
module adds come from stored data (a stop's name may come from anyone's
GTFS), so a value that a spreadsheet would read as a formula is defused
(:func:`fabrique.csvcells.defuse`). As Addok, a row longer than the header
is cut to the header's width and a shorter one is padded: both are geocoded.

>>> import io
>>> out = io.StringIO()
>>> search_csv(index, io.StringIO("a\\n12 rue de rivoli\\n"), out, columns=["a"])
1
"""

from __future__ import annotations

import csv
import itertools
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TextIO

from fabrique.csvcells import defuse, defuse_all

from .documents import Result
from .errors import GeocoderError
from .index import Index
from .plans import BATCH_PLAN_CACHE, PlanCache

SEARCH_HEADERS = ("latitude", "longitude", "result_label", "result_score",
                  "result_score_next", "result_type", "result_id",
                  "result_housenumber")  # fmt: skip
REVERSE_HEADERS = ("result_latitude", "result_longitude", "result_label",
                   "result_distance", "result_type", "result_id",
                   "result_housenumber")  # fmt: skip
EXTRA_FIELDS = ("name", "street", "postcode", "city", "context", "citycode",
                "district")  # fmt: skip
FILTERS = ("type", "postcode", "citycode")
DELIMITERS = ",;|\t"
MIN_SCORE = 0.5
MAX_LINE = 10_000
#: Rows between two calls of the ``progress`` callback.
PROGRESS_ROWS = 200

Progress = Callable[[int], None]


def _reader(
    source: TextIO, delimiter: str | None, name: str
) -> tuple[list[str], Iterator[list[str]], str]:
    first = source.readline(MAX_LINE + 1)
    if not first.strip():
        raise GeocoderError(f"{name}: the file is empty")
    if len(first) > MAX_LINE:
        raise GeocoderError(f"{name} line 1: longer than {MAX_LINE} characters")
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(first, DELIMITERS).delimiter
        except csv.Error:
            delimiter = ","
    if len(delimiter) != 1:
        raise GeocoderError(f"delimiter {delimiter!r} must be one character")
    reader = csv.reader(itertools.chain([first], source), delimiter=delimiter)
    header = next(reader)
    if len(set(header)) != len(header):
        raise GeocoderError(f"{name} line 1: column names are repeated")
    return header, reader, delimiter


def _check_columns(header: list[str], wanted: list[str], name: str) -> None:
    for column in wanted:
        if column not in header:
            raise GeocoderError(
                f"{name}: column {column!r} is not in the header ({', '.join(header)})"
            )


def _extras(result: Result | None) -> list[str]:
    if result is None:
        return [""] * len(EXTRA_FIELDS)
    # As Addok's CSV: the fields of the document found, so for a house number
    # ``name`` is its street's name and ``street`` is empty.
    name, street = str(result.name), str(result.street)
    if result.type == "housenumber":
        name, street = result.street or result.name, ""
    elif result.type == "street":
        street = ""
    # In the order of EXTRA_FIELDS.
    return defuse_all((name, street, str(result.postcode), str(result.city),
                       str(result.context), str(result.citycode),
                       str(result.district)))  # fmt: skip


def _rows(
    reader: Iterator[list[str]], width: int, name: str, progress: Progress | None
) -> Iterator[list[str]]:
    line = 1
    count = 0
    try:
        for row in reader:
            line += 1
            if not row:
                continue
            count += 1
            if progress is not None and count % PROGRESS_ROWS == 0:
                progress(count)
            # Ragged rows as Addok: extra values dropped, missing ones empty.
            yield row[:width] + [""] * (width - len(row))
    except csv.Error as exc:
        raise GeocoderError(f"{name} line {line + 1}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise GeocoderError(f"{name}: wrong encoding ({exc.reason})") from None


#: Rows sent to a forked process at a time, and blocks of rows in flight.
CHUNK_ROWS = 500
CHUNKS_AHEAD = 2
#: A block goes to the processes by row (not by street) when one of them
#: would get more than this share of it (a file repeating one street).
MOST_TO_ONE = 0.75

Geocode = Callable[[list[str]], list[str]]
#: The row's street (its query without a leading house number), so rows
#: of the same street go to the same process and find its plan there.
Route = Callable[[list[str]], str]
#: The row function of the running batch, inherited by forked processes.
_geocode: Geocode | None = None


def _child_started() -> None:
    """A forked process ends on SIGTERM (the pool's way to stop it) and leaves
    Ctrl-C to its parent, whatever handlers the parent had installed."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _geocode_chunk(chunk: list[list[str]]) -> list[list[str]]:
    assert _geocode is not None
    return [_geocode(row) for row in chunk]


def _split(block: list[list[str]], route: Route | None, jobs: int) -> list[list[int]]:
    """Return, for each process, the positions of the block's rows it geocodes."""
    parts: list[list[int]] = [[] for _ in range(jobs)]
    if route is not None:
        for at, row in enumerate(block):
            parts[hash(route(row)) % jobs].append(at)
        if max(map(len, parts)) <= MOST_TO_ONE * len(block):
            return parts
        parts = [[] for _ in range(jobs)]
    for at in range(len(block)):
        parts[at % jobs].append(at)
    return parts


def _write(
    writer: Any,
    geocode: Geocode,
    rows: Iterator[list[str]],
    jobs: int,
    route: Route | None = None,
) -> int:
    """Write ``geocode(row)`` for each row, in order; return the row count.

    With ``jobs`` > 1 the rows go in chunks to forked processes, which share
    the memory-mapped index with this one; the rows of a street go to the
    same process (``route``), which searches its words once (plans.py)
    instead of once in each process. Rows are read, and errors in the file
    raised, here, and at most ``CHUNKS_AHEAD`` blocks of ``jobs ×
    CHUNK_ROWS`` rows are held.
    """
    global _geocode
    count = 0
    first = list(itertools.islice(rows, CHUNK_ROWS))
    if jobs <= 1 or len(first) < CHUNK_ROWS:
        for row in itertools.chain(first, rows):
            writer.writerow(geocode(row))
            count += 1
        return count
    _geocode = geocode
    # An executor per process (to choose the process of a row), not
    # multiprocessing.Pool: on an error in the file (or a stop asked by
    # ``progress``) the chunks not started are cancelled and the running ones
    # finish, with no signal sent to the processes; terminating a Pool could
    # leave its task thread waiting forever on the queue's lock.
    executors = [
        ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_child_started,
        )
        for _ in range(jobs)
    ]
    try:
        pending: deque[tuple[int, list[tuple[list[int], Future[list[list[str]]]]]]] = (
            deque()
        )
        blocks = itertools.chain(
            [first + list(itertools.islice(rows, CHUNK_ROWS * (jobs - 1)))],
            iter(lambda: list(itertools.islice(rows, CHUNK_ROWS * jobs)), []),
        )
        for block in blocks:
            sent = [
                (part, executor.submit(_geocode_chunk, [block[at] for at in part]))
                for part, executor in zip(
                    _split(block, route, jobs), executors, strict=True
                )
                if part
            ]
            pending.append((len(block), sent))
            count += len(block)
            while len(pending) >= CHUNKS_AHEAD:
                _write_block(writer, *pending.popleft())
        while pending:
            _write_block(writer, *pending.popleft())
    finally:
        for executor in executors:
            executor.shutdown(wait=True, cancel_futures=True)
        _geocode = None
    return count


def _write_block(
    writer: Any, size: int, sent: list[tuple[list[int], Future[list[list[str]]]]]
) -> None:
    """Write a block's rows in their order, as its processes answer them."""
    out: list[list[str]] = [[] for _ in range(size)]
    for part, future in sent:
        for at, row in zip(part, future.result(), strict=True):
            out[at] = row
    writer.writerows(out)


def search_csv(
    index: Index,
    source: TextIO,
    target: TextIO,
    *,
    columns: list[str] | None = None,
    delimiter: str | None = None,
    filters: dict[str, str] | None = None,
    lat_column: str | None = None,
    lon_column: str | None = None,
    min_score: float = MIN_SCORE,
    name: str = "CSV",
    progress: Progress | None = None,
    jobs: int = 1,
) -> int:
    """Geocode each row of ``source`` into ``target``; return the row count.

    ``columns`` are joined to make the query (all columns when ``None``);
    ``filters`` maps a filter (type, postcode, citycode) to the column
    holding its value on each row. ``progress`` is called with the number
    of rows read every :data:`PROGRESS_ROWS` rows; it may raise to stop.
    ``jobs`` > 1 geocodes in that many forked processes (see :func:`_write`).
    """
    header, reader, delimiter = _reader(source, delimiter, name)
    columns = list(columns or header)
    filters = dict(filters or {})
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise GeocoderError(
            f"unknown filter(s) {', '.join(unknown)}; use {', '.join(FILTERS)}"
        )
    _check_columns(header, [*columns, *filters.values()], name)
    point_columns = [c for c in (lat_column, lon_column) if c]
    _check_columns(header, point_columns, name)
    at = {column: header.index(column) for column in header}
    extra = [f"result_{key}" for key in EXTRA_FIELDS]
    writer = csv.writer(target, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([*header, *SEARCH_HEADERS, *extra, "result_status"])
    blank = [""] * (len(SEARCH_HEADERS) + len(extra))

    def geocode(row: list[str]) -> list[str]:
        query = " ".join(row[at[c]] for c in columns).strip()
        options: dict[str, Any] = {
            key: row[at[column]] or None for key, column in filters.items()
        }
        if lat_column and lon_column and row[at[lat_column]] and row[at[lon_column]]:
            try:
                options["lat"] = float(row[at[lat_column]])
                options["lon"] = float(row[at[lon_column]])
            except ValueError:
                options.pop("lat", None)
        try:
            # The first answer of a limit=2 search and the second's score, in
            # one search that builds the first answer only.
            best, following = index.search_with_next(
                query, autocomplete=False, **options
            )
        except GeocoderError as exc:
            return [*row, *blank, f"error: {exc}"]
        if best is None or best.score <= min_score:
            return [*row, *blank, "not-found"]
        values = [
            *(best.lat, best.lon, defuse(best.label), round(best.score, 2)),
            round(following or 0, 2),
            *(best.type, *defuse_all((best.id, best.housenumber))),
        ]
        return [*row, *values, *_extras(best), "ok"]

    def street(row: list[str]) -> str:
        query = " ".join(row[at[c]] for c in columns).lstrip()
        # Without a leading house number ("12 Rue de Rivoli" → "Rue de Rivoli").
        return query.split(None, 1)[-1] if query[:1].isdigit() else query

    rows = _rows(reader, len(header), name, progress)
    # A file's streets come back row after row: more plans kept while it runs.
    kept = index.plans
    index.plans = PlanCache(BATCH_PLAN_CACHE)
    try:
        return _write(writer, geocode, rows, jobs, route=street)
    finally:
        index.plans = kept


def reverse_csv(
    index: Index,
    source: TextIO,
    target: TextIO,
    *,
    delimiter: str | None = None,
    filters: dict[str, str] | None = None,
    name: str = "CSV",
    progress: Progress | None = None,
    jobs: int = 1,
) -> int:
    """Reverse-geocode each row (columns ``lat``/``latitude`` and ``lon``/…).

    A file without such columns is answered as Addok does, each row left
    without a result (``result_status`` says why).
    """
    header, reader, delimiter = _reader(source, delimiter, name)
    lat_column = next((c for c in ("latitude", "lat") if c in header), None)
    lon_column = next(
        (c for c in ("longitude", "lon", "lng", "long") if c in header), None
    )
    filters = dict(filters or {})
    if set(filters) - {"type"}:
        raise GeocoderError("reverse CSV accepts only the type filter")
    _check_columns(header, list(filters.values()), name)
    at = {column: header.index(column) for column in header}
    extra = [f"result_{key}" for key in EXTRA_FIELDS]
    writer = csv.writer(target, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([*header, *REVERSE_HEADERS, *extra, "result_status"])
    blank = [""] * (len(REVERSE_HEADERS) + len(extra))
    no_point = "error: no latitude/longitude columns (lat, lon)"

    def geocode(row: list[str]) -> list[str]:
        if lat_column is None or lon_column is None:
            return [*row, *blank, no_point]
        try:
            lat, lon = float(row[at[lat_column]]), float(row[at[lon_column]])
            kind = row[at[filters["type"]]] if "type" in filters else None
            results = index.reverse(lat, lon, type=kind or None)
        except ValueError:
            return [*row, *blank, "error: latitude/longitude not numbers"]
        except GeocoderError as exc:
            return [*row, *blank, f"error: {exc}"]
        if not results:
            return [*row, *blank, "not-found"]
        best = results[0]
        values = [best.lat, best.lon, defuse(best.label), best.distance,
                  best.type, *defuse_all((best.id, best.housenumber))]  # fmt: skip
        return [*row, *values, *_extras(best), "ok"]

    return _write(writer, geocode, _rows(reader, len(header), name, progress), jobs)
