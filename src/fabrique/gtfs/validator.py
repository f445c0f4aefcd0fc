"""Validate a feed: open it, load it, run every registered check."""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from fabrique.gtfs.reader import Feed, Reader
from fabrique.gtfs.rules import load_rules
from fabrique.gtfs.rules.reading import VALIDATOR_EXCEPTION
from fabrique.gtfs.rules.registry import CHECKS, Check, Context
from fabrique.gtfs.sources import Limits, open_source
from fabrique.notices import Notices

if TYPE_CHECKING:
    from concurrent.futures import Future

Progress = Callable[[str], None]
SMALL_FEED_BYTES = 64 * 1024**2
# Above this (uncompressed), tables go to a compressed database file in the
# work folder instead of memory: a feed of 12 million stop times fits in a
# budget of 2 GB.
LARGE_FEED_BYTES = 400 * 1024**2
# The part of the memory budget given to DuckDB's buffer pool.
DUCKDB_SHARE = 0.6
# Checks run side by side: while one waits on a single-threaded step of
# DuckDB (a sort's merge, a small table), another uses the core.
CHECK_WORKERS = 3


@dataclass
class Validation:
    """The outcome of one validation: notices and what the report needs."""

    path: Path
    notices: Notices
    today: date
    seconds: float
    summary: dict[str, object]
    # The region phone numbers were checked from (None: not checked).
    country: str | None = None


UNITS = {
    "": 1,
    "B": 1,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "TB": 1000**4,
    "KIB": 1024,
    "MIB": 1024**2,
    "GIB": 1024**3,
    "TIB": 1024**4,
}
SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*")


def parse_size(text: str) -> int:
    """Bytes of a size written ``8GB``, ``512MiB`` or ``1000000``.

    >>> parse_size("2.5GB")
    2500000000
    """
    match = SIZE.fullmatch(text)
    if match is None or match.group(2).upper() not in UNITS:
        raise ValueError(f"{text!r} is not a size (e.g. 8GB, 512MiB)")
    return int(float(match.group(1)) * UNITS[match.group(2).upper()])


def duckdb_share(budget: str, share: float) -> str:
    """The part of a memory budget (``2GB``) given to DuckDB's buffer pool.

    DuckDB's ``memory_limit`` caps its buffer pool, not the process: Python,
    the allocator and DuckDB's own bookkeeping come on top. A budget this
    function cannot read is passed on unchanged.
    """
    match = SIZE.fullmatch(budget)
    if match is None or match.group(2).upper() not in UNITS:
        return budget
    size = float(match.group(1)) * UNITS[match.group(2).upper()]
    return f"{max(64, int(size * share / 1000**2))}MB"


def connect(
    *,
    memory_limit: str = "2GB",
    threads: int | None = None,
    temp: Path | None = None,
    database: Path | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with bounded memory (it spills to ``temp``).

    With ``database``, tables live in that file, compressed, and only the
    parts in use stay in memory: the way to read feeds larger than memory.
    """
    config: dict[str, Any] = {"memory_limit": memory_limit}
    if threads:
        # Given at start-up: no pool of threads started, then stopped.
        config["threads"] = int(threads)
    con = duckdb.connect(str(database) if database else ":memory:", config=config)
    if temp is not None:
        con.execute(f"SET temp_directory = '{str(temp).replace(chr(39), '')}'")
    con.execute("SET preserve_insertion_order = true")
    return con


def run_checks(
    feed: Feed,
    notices: Notices,
    today: date,
    progress: Progress | None = None,
    *,
    workers: int = CHECK_WORKERS,
    country: str | None = None,
) -> None:
    """Run every registered check on a loaded feed.

    Checks run side by side on ``workers`` threads, each on its own cursor
    (DuckDB releases the GIL), a check starting once the derived tables it
    reads are built. Each check collects its notices apart; they are merged
    in registration order, so the report is the same as a run one by one.
    """
    load_rules()
    if workers <= 1:
        # One by one in this thread: no pool to start, no cursor per check.
        for registered in CHECKS:
            _run_check(registered, feed, notices, today, [], progress, country)
        return
    from concurrent.futures import ThreadPoolExecutor

    built: dict[str, Future[None]] = {}
    pending: list[tuple[Future[None], Notices]] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for registered in CHECKS:
            names = built if registered.reads is None else registered.reads
            after = [built[name] for name in names if name in built]
            own = Notices(sample_limit=notices.sample_limit)
            future = pool.submit(
                _run_check, registered, feed, own, today, after, progress, country
            )
            if registered.builds:
                built[registered.builds] = future
            pending.append((future, own))
        for future, own in pending:
            future.result()
            for group in own.groups.values():
                notices.add_many(group.code, group.severity, group.total, group.samples)


def _run_check(
    registered: Check,
    feed: Feed,
    notices: Notices,
    today: date,
    after: list[Future[None]],
    progress: Progress | None,
    country: str | None = None,
) -> None:
    # Only checks submitted earlier are waited for: they already hold a
    # worker, so waiting cannot starve the pool.
    for future in after:
        future.result()
    if progress:
        progress(f"checking {registered.name.removeprefix('check_')}")
    cursor = feed.con.cursor()
    try:
        registered.run(Context(replace(feed, con=cursor), notices, today, country))
    except duckdb.Error as exc:
        # One failing rule must not hide what the others find.
        notices.add(
            VALIDATOR_EXCEPTION.code,
            VALIDATOR_EXCEPTION.severity,
            validator=registered.name,
            exception=type(exc).__name__,
            message=str(exc)[:500],
        )
    finally:
        cursor.close()


def validate(
    path: Path,
    *,
    today: date | None = None,
    limits: Limits | None = None,
    memory_limit: str = "2GB",
    progress: Progress | None = None,
    country_code: str | None = None,
    workers: int | None = None,
) -> Validation:
    """Validate the feed at ``path`` (zip or folder).

    ``country_code`` (ISO 3166 alpha-2, ``UK`` read as ``GB``) is the feed's
    country: as in MobilityData's validator, phone numbers are checked only
    when it is given and known (``invalid_phone_number``).

    ``workers``: checks run side by side on this many threads (default: one
    for a small feed, where a pool only adds waiting, else
    :data:`CHECK_WORKERS`).

    >>> result = validate(Path("feed.zip"), today=date(2026, 1, 15))  # doctest: +SKIP
    >>> result.notices.has_errors  # doctest: +SKIP
    False

    Raises :class:`~fabrique.gtfs.errors.GTFSError` when the feed cannot be
    opened at all (not a zip, zip bomb, truncated archive).
    """
    from fabrique.gtfs.rules.fields import phone_region
    from fabrique.gtfs.summary import report_summary

    started = time.perf_counter()
    today = today or date.today()
    country = phone_region(country_code)
    notices = Notices()
    with tempfile.TemporaryDirectory(prefix="fabrique-gtfs-") as work:
        workdir = Path(work)
        if progress:
            progress("opening the feed")
        source = open_source(path, workdir, limits=limits)
        size = sum(f.size for f in source.files.values())
        # Small feeds: many tiny queries, where a second thread only waits.
        threads = 1 if size < SMALL_FEED_BYTES else None
        large = size > LARGE_FEED_BYTES
        con = connect(
            memory_limit=duckdb_share(memory_limit, DUCKDB_SHARE),
            threads=threads,
            temp=workdir / "spill",
            database=workdir / "feed.duckdb" if large else None,
        )
        try:
            rows = (limits or Limits()).max_rows
            feed = Reader(con, source, notices, progress=progress, max_rows=rows).read()
            if workers is None:
                workers = 1 if size < SMALL_FEED_BYTES else CHECK_WORKERS
            run_checks(feed, notices, today, progress, workers=workers, country=country)
            summary = report_summary(feed)
        finally:
            con.close()
    return Validation(
        path, notices, today, time.perf_counter() - started, summary, country
    )
