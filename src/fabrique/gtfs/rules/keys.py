"""Rules on keys: unique primary keys and references that resolve."""

from __future__ import annotations

from fabrique.gtfs import spec
from fabrique.gtfs.reader import ident, literal
from fabrique.gtfs.rules.registry import ERROR, Context, check, rule
from fabrique.gtfs.schema import Presence

T = "Keys"

DUPLICATE_KEY = rule(
    "duplicate_key",
    ERROR,
    "Two rows of a file have the same primary key.",
    "Each row after the first with a given key is reported, with the row "
    "number of the first one.",
    topic=T,
)
FOREIGN_KEY_VIOLATION = rule(
    "foreign_key_violation",
    ERROR,
    "A value refers to a record that does not exist in the referenced file.",
    "For example a trip's route_id that is not in routes.txt, or a stop time's "
    "stop_id that is not in stops.txt.",
    topic=T,
)


# Checked on the ordered derived tables (stop_times.py, shapes.py): cheaper.
DERIVED_KEYS = ("stop_times.txt", "shapes.txt")


@check(DUPLICATE_KEY)
def check_duplicate_keys(ctx: Context) -> None:
    """Report rows whose primary key repeats an earlier row's."""
    for name, loaded in ctx.feed.files.items():
        file_spec = spec.BY_NAME[name]
        key = [k for k in file_spec.primary_key if k in loaded.present]
        if not key or loaded.rows < 2 or name in DERIVED_KEYS:
            continue
        if len(file_spec.primary_key) == 1 and not key:
            continue
        cols = ", ".join(ident(k) for k in key)
        # A single-column key: rows without it are reported as missing fields.
        where = f"WHERE {ident(key[0])} IS NOT NULL" if len(key) == 1 else ""
        fields = {
            "fieldName1": literal(key[0]),
            "fieldValue1": ident(key[0]),
        }
        if len(key) > 1:
            fields["fieldName2"] = literal(key[1])
            fields["fieldValue2"] = ident(key[1])
        selected = ", ".join(f"{v} AS {k}" for k, v in fields.items())
        ctx.emit_query(
            DUPLICATE_KEY,
            f"SELECT {literal(name)} AS filename, {selected}, "
            f"first_row AS oldCsvRowNumber, __row AS newCsvRowNumber FROM ("
            f"SELECT *, min(__row) OVER (PARTITION BY {cols}) AS first_row "
            f"FROM {ident(file_spec.table)} {where}) WHERE __row <> first_row "
            f"ORDER BY __row",
        )


@check(FOREIGN_KEY_VIOLATION)
def check_foreign_keys(ctx: Context) -> None:
    """Report values that do not resolve to a row of the referenced file."""
    for name, loaded in ctx.feed.files.items():
        file_spec = spec.BY_NAME[name]
        for field in file_spec.fields:
            if not field.references or field.name not in loaded.present:
                continue
            parents = [ref.rsplit(".", 1) for ref in field.references]
            if not any(ctx.feed.present(parent) for parent, _ in parents) and any(
                spec.BY_NAME[parent].presence is Presence.REQUIRED
                for parent, _ in parents
            ):
                # A missing required file is reported on its own; as
                # MobilityData does, a missing optional one (shapes.txt,
                # levels.txt…) leaves every reference to it unresolved.
                continue
            if any(
                ctx.feed.present(parent) and parent not in ctx.feed.files
                for parent, _ in parents
            ):
                continue  # a parent file that could not be read: no cascade
            union = " UNION ALL ".join(
                f"SELECT {ident(column)} AS k FROM {ident(spec.BY_NAME[parent].table)}"
                for parent, column in parents
            )
            parent_file, parent_field = parents[0]
            ctx.emit_query(
                FOREIGN_KEY_VIOLATION,
                f"SELECT {literal(name)} AS childFilename, "
                f"{literal(field.name)} AS childFieldName, "
                f"{literal(parent_file)} AS parentFilename, "
                f"{literal(parent_field)} AS parentFieldName, "
                f"{ident(field.name)} AS fieldValue, __row AS csvRowNumber "
                f"FROM {ident(file_spec.table)} c "
                f"WHERE {ident(field.name)} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM ({union}) p "
                f"WHERE p.k = c.{ident(field.name)}) ORDER BY __row",
            )
