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

from fabrique.gtfs.notices import SAMPLE_LIMIT, Notices, Severity

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
    mobilitydata: bool = True


@dataclass(frozen=True)
class Check:
    """A function that looks for the notices of some rules in a feed."""

    name: str
    rules: tuple[Rule, ...]
    run: Callable[[Context], None]


RULES: dict[str, Rule] = {}
CHECKS: list[Check] = []


def rule(
    code: str,
    severity: Severity,
    description: str,
    doc: str = "",
    *,
    topic: str,
    mobilitydata: bool = True,
) -> Rule:
    """Declare a notice code; codes are unique across the engine."""
    if code in RULES:
        raise ValueError(f"rule {code!r} is declared twice")
    declared = Rule(code, severity, description, doc.strip(), topic, mobilitydata)
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
    declared: Rule, sql: str, *, needs: tuple[str, ...] = (), name: str = ""
) -> None:
    """Register a rule whose notices are the rows of one SQL query.

    ``{today}`` in the query is the validation date; ``needs`` lists files
    that must have rows for the query to make sense.
    """

    driving = _driving_file(sql)

    def run(ctx: Context) -> None:
        if needs and not ctx.has(*needs):
            return
        if driving and not ctx.has(*driving):
            return  # the query reads rows of an empty file: nothing to find
        ctx.emit_query(declared, sql.replace("{today}", f"DATE '{ctx.today}'"))

    CHECKS.append(Check(name or declared.code, (declared,), run))


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


def prepare(name: str, *statements: str) -> None:
    """Register SQL that builds a derived table the following rules read."""

    def run(ctx: Context) -> None:
        for statement in statements:
            ctx.feed.con.execute(statement)

    CHECKS.append(Check(name, (), run))


class Context:
    """What a check sees: the loaded feed, the notices, the validation date."""

    def __init__(self, feed: Feed, notices: Notices, today: date) -> None:
        self.feed = feed
        self.notices = notices
        self.today = today

    def emit(self, rule: Rule, **context: Any) -> None:
        self.notices.add(rule.code, rule.severity, **context)

    def emit_query(
        self, rule: Rule, sql: str, params: Iterable[Any] | None = None
    ) -> int:
        """Emit one notice per row of ``sql`` (columns become sample fields)."""
        wrapped = (
            f"SELECT *, count(*) OVER () AS __total FROM ({sql}) AS q "
            f"LIMIT {SAMPLE_LIMIT}"
        )
        cursor = self.feed.con.execute(wrapped, list(params or ()))
        names = [d[0] for d in cursor.description or ()]
        rows = cursor.fetchall()
        if not rows:
            return 0
        total = int(rows[0][-1])
        samples = [
            {k: _plain(v) for k, v in zip(names[:-1], row[:-1], strict=True)}
            for row in rows
        ]
        self.notices.add_many(rule.code, rule.severity, total, samples)
        return total

    def has(self, *names: str) -> bool:
        """True when all these files are present with at least one row."""
        return all(self.feed.rows(name) > 0 for name in names)


def _plain(value: Any) -> Any:
    """Make a DuckDB value JSON-friendly."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return value
    return value
