"""Read a feed's CSV files into DuckDB tables, reporting every problem.

Each GTFS file becomes one table named after it (``stop_times``) with every
column of the reference (absent ones are NULL), values trimmed, empty values
NULL, and ``__row``, the CSV row number (the header is row 1). Clean files go
through DuckDB's parallel CSV reader; a file it refuses (ragged rows, broken
quotes, blank lines, NUL bytes) is re-read row by row in Python so that each
problem becomes a notice with its row, and the good rows are still loaded.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from fabrique.gtfs import spec
from fabrique.gtfs.rules import reading as R
from fabrique.gtfs.rules.registry import Rule, sample_query
from fabrique.gtfs.schema import FileSpec, Presence
from fabrique.gtfs.sources import Source, SourceFile, ensure_utf8
from fabrique.notices import Notices

WHITESPACE = " \t"
# Rows longer than this (characters) are reported: DuckDB's default line limit.
LONG_ROW = 2_000_000
Progress = Callable[[str], None]


MACROS = (
    # Seconds of a GTFS time (may pass 24:00:00). The cast to INTERVAL is ten
    # times faster than splitting; malformed times are reported elsewhere.
    "CREATE OR REPLACE MACRO gtfs_seconds(t) AS "
    "CAST(epoch(TRY_CAST(t AS INTERVAL)) AS INTEGER)",
    "CREATE OR REPLACE MACRO gtfs_date(d) AS CAST(try_strptime(d, '%Y%m%d') AS DATE)",
    # Great-circle distance in metres.
    "CREATE OR REPLACE MACRO distance_m(lat1, lon1, lat2, lon2) AS "
    "2 * 6371008.8 * asin(sqrt(pow(sin(radians(lat2 - lat1) / 2), 2) + "
    "cos(radians(lat1)) * cos(radians(lat2)) * "
    "pow(sin(radians(lon2 - lon1) / 2), 2)))",
)


def ident(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """Quote an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass
class LoadedFile:
    """A file as loaded: its header, which reference columns it had, its rows."""

    name: str
    header: list[str]
    present: set[str] = field(default_factory=set)
    rows: int = 0


@dataclass
class Feed:
    """A feed loaded into DuckDB; one table per GTFS file of the reference."""

    con: duckdb.DuckDBPyConnection
    source: Source
    files: dict[str, LoadedFile] = field(default_factory=dict)

    def rows(self, name: str) -> int:
        loaded = self.files.get(name)
        return loaded.rows if loaded else 0

    def present(self, name: str) -> bool:
        return name in self.source.files

    def has_column(self, name: str, column: str) -> bool:
        loaded = self.files.get(name)
        return loaded is not None and column in loaded.present

    def table(self, name: str) -> str:
        return ident(spec.BY_NAME[name].table)


class Reader:
    """Load the files of a :class:`Source` into a DuckDB connection."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        source: Source,
        notices: Notices,
        *,
        progress: Progress | None = None,
        max_rows: int = 1_000_000_000,
    ) -> None:
        self.con = con
        self.max_rows = max_rows
        self.source = source
        self.notices = notices
        self.feed = Feed(con, source)
        self.progress = progress or (lambda _message: None)
        for macro in MACROS:
            con.execute(macro)

    def emit(self, rule: Rule, **context: Any) -> None:
        self.notices.add(rule.code, rule.severity, **context)

    def read(self) -> Feed:
        self._container_notices()
        for file_spec in spec.FILES:
            if not file_spec.tabular:
                continue
            source_file = self.source.files.get(file_spec.name)
            if source_file is not None:
                self.progress(f"reading {file_spec.name}")
                try:
                    self._load(file_spec, source_file)
                except (duckdb.Error, OSError, ValueError) as exc:
                    # Never let one file stop the validation of the others.
                    self.emit(
                        R.LOADER_EXCEPTION,
                        filename=file_spec.name,
                        exception=type(exc).__name__,
                        message=str(exc)[:500],
                    )
                    self.feed.files.pop(file_spec.name, None)
                    self._drop(file_spec.table)
            if file_spec.name not in self.feed.files:
                self._create_empty(file_spec)
        self._geojson()
        return self.feed

    def _container_notices(self) -> None:
        if self.source.subfolder:
            self.emit(R.SUBFOLDER, filename=self.source.subfolder)
        for name in self.source.unsafe:
            self.emit(R.UNSAFE_MEMBER, filename=name)
        for name in self.source.unknown:
            self.emit(R.UNKNOWN_FILE, filename=name)
        names = set(self.source.files)
        for file_spec in spec.FILES:
            if file_spec.name in names:
                continue
            if file_spec.presence is Presence.REQUIRED:
                self.emit(R.MISSING_REQUIRED_FILE, filename=file_spec.name)
        if "stops.txt" not in names and "locations.geojson" not in names:
            self.emit(R.MISSING_REQUIRED_FILE, filename="stops.txt")
        if "calendar.txt" not in names and "calendar_dates.txt" not in names:
            self.emit(R.MISSING_CALENDARS)
        if "feed_info.txt" not in names:
            self.emit(R.MISSING_RECOMMENDED_FILE, filename="feed_info.txt")

    # Header -----------------------------------------------------------------

    def _header(self, file_spec: FileSpec, source_file: SourceFile) -> list[str] | None:
        name = file_spec.name
        try:
            with source_file.path.open(
                encoding="utf-8", errors="replace", newline=""
            ) as stream:
                header = next(csv.reader(stream), None)
        except (csv.Error, UnicodeDecodeError) as exc:
            self.emit(
                R.CSV_PARSING_FAILED, filename=name, lineIndex=1, message=str(exc)
            )
            return None
        if not header or header == [""]:
            self.emit(R.EMPTY_FILE, filename=name)
            return None
        return [column.strip(WHITESPACE + "\ufeff") for column in header]

    def _columns(
        self, file_spec: FileSpec, header: list[str], loaded: LoadedFile
    ) -> dict[str, int]:
        """Map reference column -> header index, emitting header notices."""
        name = file_spec.name
        seen: dict[str, int] = {}
        for index, column in enumerate(header):
            if not column:
                self.emit(R.EMPTY_COLUMN_NAME, filename=name, index=index)
            elif column in seen:
                self.emit(
                    R.DUPLICATED_COLUMN,
                    filename=name,
                    fieldName=column,
                    firstIndex=seen[column],
                    secondIndex=index,
                )
            else:
                seen[column] = index
                if file_spec.get(column) is None:
                    self.emit(
                        R.UNKNOWN_COLUMN, filename=name, fieldName=column, index=index
                    )
        known = {c: i for c, i in seen.items() if file_spec.get(c) is not None}
        loaded.present = set(known)
        for spec_field in file_spec.fields:
            if spec_field.name in known:
                continue
            if spec_field.presence is Presence.REQUIRED:
                self.emit(
                    R.MISSING_REQUIRED_COLUMN, filename=name, fieldName=spec_field.name
                )
        return known

    # Loading ----------------------------------------------------------------

    def _load(self, file_spec: FileSpec, source_file: SourceFile) -> None:
        header = self._header(file_spec, source_file)
        if header is None:
            return
        loaded = LoadedFile(file_spec.name, header)
        known = self._columns(file_spec, header, loaded)
        raw = f"__raw_{file_spec.table}"
        fast = not (source_file.has_nul or source_file.has_blank_line)
        if source_file.encoding != "utf-8":  # transcoded on the way (UTF-16)
            self._wrong_encoding(source_file)
        if fast:
            try:
                self._read_duckdb(source_file, raw, len(header))
            except duckdb.Error:
                fast = False
                if not ensure_utf8(source_file):
                    self._wrong_encoding(source_file)
                    header = self._header(file_spec, source_file) or header
        if not fast:
            self._read_python(file_spec, source_file, raw, len(header))
        if source_file.maybe_whitespace:
            self._whitespace(file_spec, raw, known, has_row=not fast)
            self._clean(file_spec, raw, known, has_row=not fast, trim=True)
            self.con.execute(f"DROP TABLE IF EXISTS {ident(raw)}")
        else:
            # No space next to a separator anywhere: a view renames columns.
            self._clean(file_spec, raw, known, has_row=not fast, trim=False)
        count = self.con.execute(f"SELECT count(*) FROM {ident(file_spec.table)}")
        loaded.rows = int(count.fetchone()[0])  # type: ignore[index]
        if loaded.rows >= self.max_rows:
            self._too_many_rows(file_spec, loaded)
        self.feed.files[file_spec.name] = loaded

    def _too_many_rows(self, file_spec: FileSpec, loaded: LoadedFile) -> None:
        """Keep the rows numbered up to ``max_rows``; report the first one past.

        Row numbers count the header as row 1, so a file reaches the limit
        with ``max_rows`` rows of data. Skipped rows (ragged, empty) keep
        their numbers: the cut follows numbers, not the count.
        """
        table = ident(file_spec.table)
        first = self.con.execute(
            f"SELECT min(__row) FROM {table} WHERE __row > {int(self.max_rows)}"
        ).fetchone()
        if first is None or first[0] is None:
            return
        self.emit(R.TOO_MANY_ROWS, filename=file_spec.name, rowNumber=int(first[0]))
        kept = ident(f"__kept_{file_spec.table}")
        self.con.execute(
            f"CREATE OR REPLACE TABLE {kept} AS SELECT * FROM {table} "
            f"WHERE __row <= {int(self.max_rows)}"
        )
        self._drop(file_spec.table)
        self.con.execute(f"ALTER TABLE {kept} RENAME TO {table}")
        count = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        loaded.rows = int(count[0]) if count else 0

    def _wrong_encoding(self, source_file: SourceFile) -> None:
        self.emit(
            R.INVALID_ENCODING,
            filename=source_file.name,
            encoding=source_file.encoding,
        )

    def _read_duckdb(self, source_file: SourceFile, raw: str, width: int) -> None:
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
        self._read_csv(
            source_file,
            raw,
            width,
            f"{literal(str(source_file.path))}, header = true, delim = ',', "
            f"quote = '\"', escape = '\"', auto_detect = false, strict_mode = true, "
            f"null_padding = false, columns = {{{columns}}}",
            has_row=False,
        )

    def _read_csv(
        self,
        source_file: SourceFile,
        raw: str,
        width: int,
        arguments: str,
        *,
        has_row: bool,
    ) -> None:
        """``read_csv`` into ``raw``; a row over DuckDB's line limit is read too.

        DuckDB refuses a whole file when one line passes ``max_line_size``
        (2 MB by default): such a file is read again with the limit at its
        own size, and each long row is reported.
        """
        statement = f"CREATE OR REPLACE TABLE {ident(raw)} AS SELECT * FROM read_csv("
        try:
            self.con.execute(f"{statement}{arguments})")
            return
        except duckdb.InvalidInputException as exc:
            if "maximum line size" not in str(exc).lower():
                raise
        size = source_file.path.stat().st_size + 16
        self.con.execute(f"{statement}{arguments}, max_line_size = {size})")
        row = "__row" if has_row else "rowid + 2"
        length = " + ".join(f"COALESCE(length(c{i}), 0)" for i in range(width))
        _emit_sql(
            self.con,
            self.notices,
            R.VERY_LONG_ROW,
            f"SELECT {literal(source_file.name)} AS filename, "
            f"{row} AS csvRowNumber, n AS rowLength FROM (SELECT *, {length} "
            f"+ {width - 1} AS n FROM {ident(raw)}) WHERE n > {LONG_ROW} "
            f"ORDER BY csvRowNumber",
        )

    def _read_python(
        self, file_spec: FileSpec, source_file: SourceFile, raw: str, width: int
    ) -> None:
        """Parse row by row; keep good rows, emit a notice for each bad one."""
        name = file_spec.name
        clean = source_file.path.with_suffix(".clean.csv")
        csv.field_size_limit(min(sys.maxsize, 1 << 31))
        row_number = 1
        with (
            source_file.path.open(
                encoding="utf-8", errors="replace", newline=""
            ) as src,
            clean.open("w", encoding="utf-8", newline="") as dst,
        ):
            reader = csv.reader(line.replace("\x00", "\ufffd") for line in src)
            writer = csv.writer(dst, lineterminator="\n")
            writer.writerow(["__row", *(f"c{i}" for i in range(width))])
            if source_file.has_nul:
                self.emit(
                    R.CSV_PARSING_FAILED,
                    filename=name,
                    message="the file contains NUL bytes (binary data); they "
                    "were replaced by U+FFFD",
                )
            try:
                next(reader, None)
                for row in reader:
                    row_number += 1
                    if not any(value.strip() for value in row):
                        self.emit(R.EMPTY_ROW, filename=name, csvRowNumber=row_number)
                        continue
                    if len(row) != width:
                        self.emit(
                            R.INVALID_ROW_LENGTH,
                            filename=name,
                            csvRowNumber=row_number,
                            rowLength=len(row),
                            headerCount=width,
                        )
                        continue
                    writer.writerow([row_number, *row])
            except csv.Error as exc:
                self.emit(
                    R.CSV_PARSING_FAILED,
                    filename=name,
                    lineIndex=reader.line_num,
                    message=str(exc),
                )
        columns = ", ".join(
            ["'__row': 'BIGINT'", *(f"'c{i}': 'VARCHAR'" for i in range(width))]
        )
        self._read_csv(
            SourceFile(name, clean, source_file.member),
            raw,
            width,
            f"{literal(str(clean))}, header = true, delim = ',', quote = '\"', "
            f"escape = '\"', auto_detect = false, columns = {{{columns}}}",
            has_row=True,
        )
        clean.unlink()

    def _whitespace(
        self, file_spec: FileSpec, raw: str, known: dict[str, int], *, has_row: bool
    ) -> None:
        if not known:
            return
        row = "__row" if has_row else "rowid + 2"
        items = ", ".join(
            f"CASE WHEN c{i} <> trim(c{i}, {literal(WHITESPACE)}) THEN "
            f"{{'f': {literal(column)}, 'v': c{i}}} END"
            for column, i in known.items()
        )
        condition = " OR ".join(
            f"c{i} <> trim(c{i}, {literal(WHITESPACE)})" for i in known.values()
        )
        sql = (
            f"SELECT {literal(file_spec.name)} AS filename, r AS csvRowNumber, "
            f"s.f AS fieldName, s.v AS fieldValue FROM (SELECT {row} AS r, "
            f"unnest([{items}]) AS s FROM {ident(raw)} WHERE {condition}) "
            f"WHERE s IS NOT NULL ORDER BY csvRowNumber"
        )
        _emit_sql(self.con, self.notices, R.WHITESPACE, sql)

    def _clean(
        self,
        file_spec: FileSpec,
        raw: str,
        known: dict[str, int],
        *,
        has_row: bool,
        trim: bool,
    ) -> None:
        row = "__row" if has_row else "rowid + 2"
        selected = [f"{row} AS __row"]
        for column in file_spec.fields:
            if column.name not in known:
                selected.append(f"NULL::VARCHAR AS {ident(column.name)}")
                continue
            value = f"c{known[column.name]}"
            if trim:
                value = f"NULLIF(trim({value}, {literal(WHITESPACE)}), '')"
            selected.append(f"{value} AS {ident(column.name)}")
        kind = "TABLE" if trim else "VIEW"
        self.con.execute(
            f"CREATE OR REPLACE {kind} {ident(file_spec.table)} AS "
            f"SELECT {', '.join(selected)} FROM {ident(raw)}"
        )

    def _drop(self, name: str) -> None:
        """Remove a half-built table or view of that name, whichever it is."""
        for kind in ("VIEW", "TABLE"):
            try:
                self.con.execute(f"DROP {kind} IF EXISTS {ident(name)}")
            except duckdb.Error:
                continue

    def _create_empty(self, file_spec: FileSpec) -> None:
        columns = ", ".join(
            ["__row BIGINT", *(f"{ident(c.name)} VARCHAR" for c in file_spec.fields)]
        )
        self.con.execute(
            f"CREATE OR REPLACE TABLE {ident(file_spec.table)} ({columns})"
        )

    def _geojson(self) -> None:
        source_file = self.source.files.get("locations.geojson")
        if source_file is None:
            return
        try:
            with source_file.path.open(encoding="utf-8") as stream:
                json.load(stream)
        except (ValueError, UnicodeDecodeError) as exc:
            self.emit(R.MALFORMED_JSON, filename="locations.geojson", message=str(exc))


def reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Time zones and currencies as tables, for the value rules.

    Built only when a feed has such values to check: listing the time zones
    reads the system's zone folder.
    """
    import zoneinfo

    from fabrique.gtfs.currencies import CURRENCIES

    for table, values in (
        ("__timezones", sorted(zoneinfo.available_timezones())),
        ("__currencies", CURRENCIES),
    ):
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS "
            "SELECT unnest(CAST(? AS VARCHAR[])) AS name",
            [list(values)],
        )


def _emit_sql(
    con: duckdb.DuckDBPyConnection, notices: Notices, rule: Rule, sql: str
) -> None:
    total, names, rows = sample_query(con, sql, [], notices.sample_limit)
    if rows:
        samples = [dict(zip(names, r, strict=True)) for r in rows]
        notices.add_many(rule.code, rule.severity, total, samples)
