"""Columnar storage of a feed version: one typed Parquet file per GTFS file.

Times become seconds after midnight (INTEGER, past 24:00 kept), dates DATE,
numbers INTEGER or DOUBLE, the rest text. ``open_store`` gives a DuckDB
connection where each file is a view of the same name.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from fabrique.gtfs import spec
from fabrique.gtfs.errors import GTFSError
from fabrique.gtfs.reader import MACROS, Reader, ident, literal
from fabrique.gtfs.schema import Field, FieldType
from fabrique.gtfs.sources import Limits, open_source
from fabrique.notices import Notices

MANIFEST = "manifest.json"
Progress = Callable[[str], None]
# Sort orders that make the usual queries read few row groups.
ORDER = {
    "stop_times.txt": "trip_id, stop_sequence",
    "shapes.txt": "shape_id, shape_pt_sequence",
    "calendar_dates.txt": "service_id, date",
}


def typed(field: Field) -> str:
    """SQL turning a text column into its typed value."""
    v = ident(field.name)
    if field.type in (FieldType.INTEGER, FieldType.ENUM):
        return f"TRY_CAST({v} AS INTEGER)"
    if field.type in (
        FieldType.FLOAT,
        FieldType.LATITUDE,
        FieldType.LONGITUDE,
        FieldType.CURRENCY_AMOUNT,
    ):
        return f"TRY_CAST({v} AS DOUBLE)"
    if field.type is FieldType.DATE:
        return f"gtfs_date({v})"
    if field.type is FieldType.TIME:
        return f"gtfs_seconds({v})"
    return v


@dataclass
class Ingestion:
    """What ingesting a feed produced."""

    directory: Path
    notices: Notices
    tables: dict[str, int]


def ingest(
    path: Path,
    directory: Path,
    *,
    limits: Limits | None = None,
    memory_limit: str = "2GB",
    progress: Progress | None = None,
) -> Ingestion:
    """Read a feed and store it as typed Parquet files in ``directory``.

    >>> ingest(Path("feed.zip"), Path("store/v1")).tables["stops.txt"]  # doctest: +SKIP
    5
    """
    from fabrique.gtfs.validator import (
        DUCKDB_SHARE,
        LARGE_FEED_BYTES,
        connect,
        duckdb_share,
    )

    directory.mkdir(parents=True, exist_ok=True)
    notices = Notices()
    tables: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="fabrique-ingest-") as work:
        source = open_source(path, Path(work), limits=limits)
        large = sum(f.size for f in source.files.values()) > LARGE_FEED_BYTES
        con = connect(
            memory_limit=duckdb_share(memory_limit, DUCKDB_SHARE),
            temp=Path(work) / "spill",
            database=Path(work) / "feed.duckdb" if large else None,
        )
        try:
            rows = (limits or Limits()).max_rows
            feed = Reader(con, source, notices, progress=progress, max_rows=rows).read()
            lost = lost_rows(notices)
            if lost:
                raise GTFSError(
                    f"{path.name}: not stored, rows could not be read: "
                    + "; ".join(lost)
                )
            for name, loaded in feed.files.items():
                file_spec = spec.BY_NAME[name]
                if progress:
                    progress(f"storing {name}")
                columns = ", ".join(
                    f"{typed(f)} AS {ident(f.name)}" for f in file_spec.fields
                )
                order = f" ORDER BY {ORDER[name]}" if name in ORDER else ""
                target = directory / f"{file_spec.table}.parquet"
                con.execute(
                    f"COPY (SELECT {columns} FROM {ident(file_spec.table)}{order}) "
                    f"TO {literal(str(target))} (FORMAT parquet, COMPRESSION zstd)"
                )
                tables[name] = loaded.rows
        finally:
            con.close()
    manifest = {"format": 1, "tables": tables}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return Ingestion(directory, notices, tables)


# Reading notices after which a file is not stored whole.
LOSS_CODES = (
    "runtime_exception_in_loader_error",
    "csv_parsing_failed",
    "invalid_row_length",
    "too_many_rows",
)


def lost_rows(notices: Notices) -> list[str]:
    """What the reader could not keep, one line per code (empty: nothing)."""
    lost = []
    for code in LOSS_CODES:
        group = notices.groups.get(code)
        if group is None or not group.total:
            continue
        where = ", ".join(
            f"{sample.get('filename', '?')}"
            + (f" row {sample['csvRowNumber']}" if "csvRowNumber" in sample else "")
            + (f" from row {sample['rowNumber']}" if "rowNumber" in sample else "")
            + (f" ({str(sample['message'])[:200]})" if "message" in sample else "")
            for sample in group.samples[:3]
        )
        lost.append(f"{code} x{group.total}: {where}")
    return lost


def open_store(
    directory: Path, *, memory_limit: str = "1GB"
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with one view per GTFS file of a stored version.

    Files absent from the feed are empty views with every column, so queries
    never depend on which optional files a feed has.
    """
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise GTFSError(f"{directory}: not a stored feed (no {MANIFEST})")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text())
    con = duckdb.connect(config={"memory_limit": memory_limit})
    for macro in MACROS:
        con.execute(macro)
    for file_spec in spec.FILES:
        if not file_spec.tabular:
            continue
        view = ident(file_spec.table)
        if file_spec.name in manifest["tables"]:
            target = directory / f"{file_spec.table}.parquet"
            con.execute(f"CREATE VIEW {view} AS SELECT * FROM {literal(str(target))}")
        else:
            columns = ", ".join(
                f"CAST(NULL AS {sql_type(f)}) AS {ident(f.name)}"
                for f in file_spec.fields
            )
            con.execute(f"CREATE VIEW {view} AS SELECT {columns} WHERE false")
    return con


def sql_type(field: Field) -> str:
    """The DuckDB type of a typed column."""
    expression = typed(field)
    if expression.startswith("TRY_CAST"):
        return expression.rsplit(" AS ", 1)[1].rstrip(")")
    if field.type is FieldType.DATE:
        return "DATE"
    if field.type is FieldType.TIME:
        return "INTEGER"
    return "VARCHAR"
