"""Differences between two stored versions of a feed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from fabrique.gtfs import spec
from fabrique.gtfs.errors import GTFSError
from fabrique.gtfs.reader import MACROS, ident, literal
from fabrique.gtfs.store import MANIFEST, open_store, sql_type
from fabrique.gtfs.summary import feed_summary

ID_LIMIT = 1000
ENTITIES = (
    ("routes.txt", "route_id"),
    ("stops.txt", "stop_id"),
    ("trips.txt", "trip_id"),
)


def _attach(con: duckdb.DuckDBPyConnection, directory: Path, schema: str) -> None:
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise GTFSError(f"{directory}: not a stored feed (no {MANIFEST})")
    tables = json.loads(manifest_path.read_text())["tables"]
    con.execute(f"CREATE SCHEMA {schema}")
    for file_spec in spec.FILES:
        if not file_spec.tabular:
            continue
        view = f"{schema}.{ident(file_spec.table)}"
        if file_spec.name in tables:
            target = directory / f"{file_spec.table}.parquet"
            con.execute(f"CREATE VIEW {view} AS SELECT * FROM {literal(str(target))}")
        else:
            columns = ", ".join(
                f"CAST(NULL AS {sql_type(f)}) AS {ident(f.name)}"
                for f in file_spec.fields
            )
            con.execute(f"CREATE VIEW {view} AS SELECT {columns} WHERE false")


def diff_stores(old: Path, new: Path) -> dict[str, Any]:
    """Routes, stops and trips added, removed or changed, and validity change.

    A trip has changed when its row or any of its stop times differs.

    >>> changes = diff_stores(Path("store/v1"), Path("store/v2"))  # doctest: +SKIP
    >>> changes["routes"]["added"]  # doctest: +SKIP
    ['R3']
    """
    con = duckdb.connect()
    for macro in MACROS:
        con.execute(macro)
    _attach(con, old, "old")
    _attach(con, new, "new")
    result: dict[str, Any] = {}
    for name, key in ENTITIES:
        table = ident(spec.BY_NAME[name].table)
        k = ident(key)
        columns = ", ".join(f"x.{ident(f.name)}" for f in spec.BY_NAME[name].fields)
        signature = f"hash({columns})"
        extra = ""
        if name == "trips.txt":
            extra = (
                ", st AS (SELECT trip_id, hash(list((stop_id, arrival_time, "
                "departure_time, stop_sequence) ORDER BY stop_sequence)) AS h "
                "FROM {schema}.stop_times GROUP BY trip_id)"
            )
            signature = f"hash({columns}, st.h)"
        sides = {}
        for schema in ("old", "new"):
            with_clause = extra.format(schema=schema)
            join = " LEFT JOIN st USING (trip_id)" if name == "trips.txt" else ""
            sides[schema] = (
                f"(WITH x AS (SELECT * FROM {schema}.{table}){with_clause} "
                f"SELECT x.{k} AS id, {signature} AS h FROM x{join})"
            )
        rows = con.execute(
            f"SELECT CASE WHEN o.id IS NULL THEN 'added' WHEN n.id IS NULL "
            f"THEN 'removed' ELSE 'changed' END AS change, COALESCE(o.id, n.id) "
            f"FROM {sides['old']} o FULL OUTER JOIN {sides['new']} n ON o.id = n.id "
            f"WHERE o.id IS NULL OR n.id IS NULL OR o.h <> n.h ORDER BY 2"
        ).fetchall()
        groups: dict[str, list[str]] = {"added": [], "removed": [], "changed": []}
        for change, identifier in rows:
            groups[change].append(identifier)
        result[name.removesuffix(".txt")] = {
            **{c: ids[:ID_LIMIT] for c, ids in groups.items()},
            "counts": {c: len(ids) for c, ids in groups.items()},
        }
    con.close()
    validity = {}
    for label, directory in (("old", old), ("new", new)):
        store = open_store(directory)
        try:
            validity[label] = feed_summary(store)["validity"]
        finally:
            store.close()
    result["validity"] = {
        "old": validity["old"],
        "new": validity["new"],
        "changed": validity["old"] != validity["new"],
    }
    return result
