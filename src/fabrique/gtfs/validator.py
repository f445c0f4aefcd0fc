"""Validate a feed: open it, load it, run every registered check."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from fabrique.gtfs.notices import Notices
from fabrique.gtfs.reader import Feed, Reader
from fabrique.gtfs.rules import load_rules
from fabrique.gtfs.rules.reading import VALIDATOR_EXCEPTION
from fabrique.gtfs.rules.registry import CHECKS, Context
from fabrique.gtfs.sources import Limits, open_source

Progress = Callable[[str], None]
SMALL_FEED_BYTES = 64 * 1024**2


@dataclass
class Validation:
    """The outcome of one validation: notices and what the report needs."""

    path: Path
    notices: Notices
    today: date
    seconds: float
    summary: dict[str, object]


def connect(
    *, memory_limit: str = "2GB", threads: int | None = None, temp: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with bounded memory (it spills to ``temp``)."""
    con = duckdb.connect(config={"memory_limit": memory_limit})
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if temp is not None:
        con.execute(f"SET temp_directory = '{str(temp).replace(chr(39), '')}'")
    con.execute("SET preserve_insertion_order = true")
    return con


def run_checks(
    feed: Feed, notices: Notices, today: date, progress: Progress | None = None
) -> None:
    """Run every registered check on a loaded feed."""
    load_rules()
    context = Context(feed, notices, today)
    for registered in CHECKS:
        if progress:
            progress(f"checking {registered.name.removeprefix('check_')}")
        try:
            registered.run(context)
        except duckdb.Error as exc:
            # One failing rule must not hide what the others find.
            notices.add(
                VALIDATOR_EXCEPTION.code,
                VALIDATOR_EXCEPTION.severity,
                validator=registered.name,
                exception=type(exc).__name__,
                message=str(exc)[:500],
            )


def validate(
    path: Path,
    *,
    today: date | None = None,
    limits: Limits | None = None,
    memory_limit: str = "2GB",
    progress: Progress | None = None,
) -> Validation:
    """Validate the feed at ``path`` (zip or folder).

    >>> result = validate(Path("feed.zip"), today=date(2026, 1, 15))  # doctest: +SKIP
    >>> result.notices.has_errors  # doctest: +SKIP
    False

    Raises :class:`~fabrique.gtfs.errors.GTFSError` when the feed cannot be
    opened at all (not a zip, zip bomb, truncated archive).
    """
    from fabrique.gtfs.summary import report_summary

    started = time.perf_counter()
    today = today or date.today()
    notices = Notices()
    with tempfile.TemporaryDirectory(prefix="fabrique-gtfs-") as work:
        workdir = Path(work)
        if progress:
            progress("opening the feed")
        source = open_source(path, workdir, limits=limits)
        size = sum(f.size for f in source.files.values())
        # Small feeds: many tiny queries, where a second thread only waits.
        threads = 1 if size < SMALL_FEED_BYTES else None
        con = connect(
            memory_limit=memory_limit, threads=threads, temp=workdir / "spill"
        )
        try:
            feed = Reader(con, source, notices, progress=progress).read()
            run_checks(feed, notices, today, progress)
            summary = report_summary(feed)
        finally:
            con.close()
    return Validation(path, notices, today, time.perf_counter() - started, summary)
