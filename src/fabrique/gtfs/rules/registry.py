"""The rule registry: every notice code with its severity and documentation.

A :class:`Rule` is declared once with :func:`rule`; the functions that look
for it are registered with :func:`check` and run in registration order. The
catalogue (``docs/gtfs/rules.md``), the report and the API read this registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import duckdb

from fabrique.gtfs.rules.origins import MOBILITYDATA, origin
from fabrique.notices import SAMPLE_LIMIT, Notices, Severity

if TYPE_CHECKING:
    from fabrique.gtfs.reader import Feed

ERROR = Severity.ERROR
WARNING = Severity.WARNING
INFO = Severity.INFO


@dataclass(frozen=True)
class Rule:
    """One notice code: what it means, how bad it is, where it comes from."""

    code: str
    severity: Severity
    description: str
    doc: str
    topic: str
    origin: str = MOBILITYDATA

    @property
    def mobilitydata(self) -> bool:
        """True when the code means the same as in MobilityData's validator."""
        return self.origin == MOBILITYDATA


@dataclass(frozen=True)
class Check:
    """A function that looks for the notices of some rules in a feed.

    ``reads`` names the derived tables it needs (``None``: unknown, so every
    one built before it); ``builds`` the derived table it makes, if any. The
    validator runs checks side by side as far as these allow.
    """

    name: str
    rules: tuple[Rule, ...]
    run: Callable[[Context], None]
    reads: frozenset[str] | None = None
    builds: str | None = None


RULES: dict[str, Rule] = {}
CHECKS: list[Check] = []


def rule(
    code: str,
    severity: Severity,
    description: str,
    doc: str = "",
    *,
    topic: str,
) -> Rule:
    """Declare a notice code; codes are unique across the engine.

    Its origin (MobilityData, gtfs-guru, Fabrique) comes from the code itself
    (see :mod:`fabrique.gtfs.rules.origins`).
    """
    if code in RULES:
        raise ValueError(f"rule {code!r} is declared twice")
    declared = Rule(code, severity, description, doc.strip(), topic, origin(code))
    RULES[code] = declared
    return declared


def check(
    *rules: Rule,
) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    """Register a function that emits the notices of ``rules``."""

    def decorate(func: Callable[[Context], None]) -> Callable[[Context], None]:
        CHECKS.append(Check(func.__name__, rules, func))
        return func

    return decorate


def sql_rule(
    declared: Rule,
    sql: str,
    *,
    needs: tuple[str, ...] = (),
    name: str = "",
    loaded: tuple[str, ...] = (),
) -> None:
    """Register a rule whose notices are the rows of one SQL query.

    ``{today}`` in the query is the validation date; ``needs`` lists files
    that must have rows for the query to make sense, ``loaded`` files that
    must have been read (a header), even without rows.
    """

    driving = _driving_file(sql)

    def run(ctx: Context) -> None:
        if needs and not ctx.has(*needs):
            return
        if loaded and not ctx.loaded(*loaded):
            return
        if driving and not ctx.has(*driving):
            return  # the query reads rows of an empty file: nothing to find
        ctx.emit_query(declared, sql.replace("{today}", f"DATE '{ctx.today}'"))

    CHECKS.append(Check(name or declared.code, (declared,), run, derived_tables(sql)))


# Derived tables (rules/derived.py) and the files they are built from.
DERIVED_FROM = {
    "__st": ("stop_times.txt",),
    "__trips": ("trips.txt",),
    "__shapes": ("shapes.txt",),
    "__service_dates": (),
}
FIRST_FROM = re.compile(r"\bFROM\s+([A-Za-z_][A-Za-z_0-9]*)")


def _driving_file(sql: str) -> tuple[str, ...]:
    """The file whose rows drive a query: its first FROM, if a GTFS table."""
    from fabrique.gtfs.spec import BY_TABLE

    match = FIRST_FROM.search(sql)
    if match is None:
        return ()
    table = match.group(1)
    if table in DERIVED_FROM:
        return DERIVED_FROM[table]
    file_spec = BY_TABLE.get(table)
    return (file_spec.name,) if file_spec else ()


DERIVED_NAME = re.compile(r"\b(__[a-z_]+)\b")
BUILT_NAME = re.compile(r"\bCREATE\s+OR\s+REPLACE\s+TABLE\s+(__[a-z_]+)", re.I)


def derived_tables(sql: str) -> frozenset[str]:
    """The derived tables (``__st``…) a query mentions."""
    return frozenset(DERIVED_NAME.findall(sql)) & set(DERIVED_FROM)


def prepare(name: str, statement: str) -> None:
    """Register SQL that builds a derived table the following rules read."""
    built = BUILT_NAME.search(statement)
    if built is None or built.group(1) not in DERIVED_FROM:
        raise ValueError(f"{name}: a prepared statement builds a declared table")

    def run(ctx: Context) -> None:
        ctx.feed.con.execute(statement)

    reads = derived_tables(statement) - {built.group(1)}
    CHECKS.append(Check(name, (), run, reads, built.group(1)))


class Context:
    """What a check sees: the loaded feed, the notices, the validation date.

    ``country`` is the feed's country (ISO 3166 alpha-2, upper case) when the
    caller gave one: phone numbers are read as dialled from there.
    """

    def __init__(
        self, feed: Feed, notices: Notices, today: date, country: str | None = None
    ) -> None:
        self.feed = feed
        self.notices = notices
        self.today = today
        self.country = country

    def emit(self, rule: Rule, **context: Any) -> None:
        self.notices.add(rule.code, rule.severity, **context)

    def emit_query(
        self, rule: Rule, sql: str, params: Iterable[Any] | None = None
    ) -> int:
        """Emit one notice per row of ``sql`` (columns become sample fields)."""
        total, names, rows = sample_query(
            self.feed.con, sql, list(params or ()), SAMPLE_LIMIT
        )
        if not rows:
            return 0
        samples = [
            {k: _plain(v) for k, v in zip(names, row, strict=True)} for row in rows
        ]
        self.notices.add_many(rule.code, rule.severity, total, samples)
        return total

    def has(self, *names: str) -> bool:
        """True when all these files are present with at least one row."""
        return all(self.feed.rows(name) > 0 for name in names)

    def loaded(self, *names: str) -> bool:
        """True when all these files were read, with or without rows."""
        return all(name in self.feed.files for name in names)


# A final ORDER BY (not inside parentheses): useless when only counting.
FINAL_ORDER = re.compile(r"\s+ORDER\s+BY\s+[^()']*$", re.IGNORECASE)


def sample_query(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any], limit: int
) -> tuple[int, list[str], list[tuple[Any, ...]]]:
    """The first ``limit`` rows of ``sql``, their column names, and the total.

    The rows come from a top-N query (no full sort of a million matches);
    only when the limit is reached does a second query count them all.
    """
    cursor = con.execute(f"SELECT * FROM ({sql}) AS q LIMIT {limit}", params)
    names = [d[0] for d in cursor.description or ()]
    rows = cursor.fetchall()
    total = len(rows)
    if total >= limit:
        counted = FINAL_ORDER.sub("", sql.rstrip())
        row = con.execute(f"SELECT count(*) FROM ({counted}) AS q", params).fetchone()
        total = int(row[0]) if row else total
    return total, names, rows


def _plain(value: Any) -> Any:
    """Make a DuckDB value JSON-friendly."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return value
    return value
