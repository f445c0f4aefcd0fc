"""Statements written out for the paths every request takes.

Django compiles a queryset anew each time it runs: for a statement of one
row by its key that costs several times what the database takes to answer
it. The few statements that every edit or every API call asks are written
out here, with the tables' and columns' names taken from the models (so a
renamed column is followed) and the values passed as parameters.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

#: Ids asked at once in an ``IN (…)`` list: within SQLite's bound on
#: parameters, whatever its build.
CHUNK = 500


def names(
    model: type[models.Model], *fields: str, using: str = DEFAULT_DB_ALIAS
) -> tuple[str, list[str]]:
    """The quoted table of ``model`` and the quoted columns of ``fields``."""
    quote = connections[using].ops.quote_name
    meta = model._meta
    columns = [quote(meta.get_field(name).column) for name in fields]  # type: ignore[union-attr]
    return quote(meta.db_table), columns


def column_values(
    model: type[models.Model],
    field: str,
    where: dict[str, Any],
    *,
    order_by: Sequence[str] = (),
) -> list[Any]:
    """The values of ``field`` in the rows of ``model`` whose fields equal
    ``where``'s values (``None``: is null)."""
    table, (column, *conditions) = names(model, field, *where)
    tests, params = [], []
    for condition, value in zip(conditions, where.values(), strict=True):
        if value is None:
            tests.append(f"{condition} IS NULL")
        else:
            tests.append(f"{condition} = %s")
            params.append(value)
    sql = f"SELECT {column} FROM {table} WHERE {' AND '.join(tests)}"  # noqa: S608 - names only
    if order_by:  # field names, "-" first for a descending order
        columns = names(model, *(name.lstrip("-") for name in order_by))[1]
        sql += " ORDER BY " + ", ".join(
            f"{column} DESC" if name.startswith("-") else column
            for name, column in zip(order_by, columns, strict=True)
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[tuple[list[int], str]]:
    """The ids by chunks of ``size``, each with its ``%s`` placeholders."""
    for start in range(0, len(ids), size):
        chunk = list(ids[start : start + size])
        yield chunk, ", ".join(["%s"] * len(chunk))
