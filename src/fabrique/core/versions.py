"""Version numbers of cached things, moved by writes without queueing writers.

A cache (search results, the graph's neighbourhoods, the dashboards) stores
its entries under the current version of what it caches, and every write of
that moves the version on: what was stored before is never read again.

A version used to be a counter row updated inside each write's transaction.
The row stayed locked until that write committed, so on PostgreSQL every
concurrent writer of the site queued behind the others on it, each waiting
for the whole of the previous writer's request to end.

On PostgreSQL a version is now a sequence: ``nextval`` takes no row lock and
is never rolled back, so writers do not wait for one another and a number,
once used, is never used again. A sequence is not transactional, though: the
new number is seen by everyone at once, before the rows the write changes.
A reader in between could store what it read of the old rows under the new
number. So :func:`bump` moves the version twice: at once (the writing
request, and a test's transaction, read their own change under a number no
one used before) and again once the transaction commits (what was stored
under the first number, old rows included, is never read again).

On SQLite, where writers take the database's one write lock in turn
anyway, a version is a row of :class:`fabrique.core.models.Version`, moved
in the write's transaction: it commits with the write, and nobody reads the
new number before the rows it covers.
"""

from __future__ import annotations

from django.db import connection, transaction

#: The versions there are. On PostgreSQL each has a sequence
#: (``fabrique_version_<name>``) made by migration ``core.0010_versions``.
NAMES = ("search", "graph", "dashboards")


def _sequence(name: str) -> str:
    if name not in NAMES:
        raise ValueError(f"unknown version {name!r}")
    return f"fabrique_version_{name}"


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def current(name: str) -> int:
    """The version of ``name`` now (a number no other state of it had)."""
    with connection.cursor() as cursor:
        if _postgresql():
            cursor.execute(f"SELECT last_value FROM {_sequence(name)}")  # noqa: S608 - a known name
        else:
            cursor.execute(
                "SELECT value FROM core_version WHERE name = %s", [_row(name)]
            )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def bump(name: str) -> None:
    """Move ``name``'s version on: everything cached under it is stale."""
    if _postgresql():
        _next(name)
        if connection.in_atomic_block:
            _after_commit(name)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_version (name, value) VALUES (%s, 1) "
            "ON CONFLICT (name) DO UPDATE SET value = core_version.value + 1",
            [_row(name)],
        )


class _AfterCommit:
    """The moves after commit of a transaction's versions, in one statement."""

    def __init__(self, name: str) -> None:
        self.names = [name]

    def __call__(self) -> None:
        _next(*self.names)


def _after_commit(name: str) -> None:
    """Move ``name`` again once this transaction commits: joined to a move
    already asked at this savepoint or an outer one (it is dropped only with
    a rollback that drops this write too), else asked anew (a callback
    dropped with a rolled-back savepoint no longer counts)."""
    open_now = set(connection.savepoint_ids)
    for savepoints, func, _robust in connection.run_on_commit:
        # None stands for a block without a savepoint: never rolled back alone.
        if isinstance(func, _AfterCommit) and savepoints - {None} <= open_now:
            if name not in func.names:
                func.names.append(name)
            return
    transaction.on_commit(_AfterCommit(name))


def _next(*names: str) -> None:
    calls = ", ".join(["nextval(%s)"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}", [_sequence(name) for name in names])


def _row(name: str) -> str:
    _sequence(name)  # known names only
    return name
