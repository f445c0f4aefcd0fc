"""Rules on translations.txt: what a translation points to."""

from __future__ import annotations

from fabrique.gtfs import spec
from fabrique.gtfs.reader import ident
from fabrique.gtfs.rules.fields import MISSING_REQUIRED_FIELD
from fabrique.gtfs.rules.registry import ERROR, Context, check, rule

T = "Transfers, frequencies and pathways"

UNEXPECTED_VALUE = rule(
    "translation_unexpected_value",
    ERROR,
    "A translation gives record_id or record_sub_id where it must not.",
    "With field_value, neither is allowed; otherwise record_id is for tables "
    "with a key and record_sub_id for tables with a two-column key.",
    topic=T,
)
FOREIGN_KEY = rule(
    "translation_foreign_key_violation",
    ERROR,
    "A translation's record_id (and record_sub_id) match no row of its table.",
    topic=T,
)


@check(UNEXPECTED_VALUE, FOREIGN_KEY)
def translation_references(ctx: Context) -> None:
    if not ctx.has("translations.txt"):
        return
    con = ctx.feed.con
    rows = con.execute(
        "SELECT __row, table_name, field_name, language, record_id, record_sub_id, "
        "field_value FROM translations ORDER BY __row"
    ).fetchall()
    # MobilityData checks references only when every row names its table,
    # field and language (missing ones are missing_required_field).
    if any(r[1] is None or r[2] is None or r[3] is None for r in rows):
        return
    keys: dict[str, set[tuple[str | None, ...]]] = {}
    for row, table, field, _lang, record_id, sub_id, value in rows:
        base = {"csvRowNumber": row, "tableName": table, "fieldName": field}

        def unexpected(name: str, given: str, base: dict[str, object] = base) -> None:
            ctx.emit(UNEXPECTED_VALUE, **base, fieldName2=name, fieldValue=given)

        if value is not None:
            for name, given in (("record_id", record_id), ("record_sub_id", sub_id)):
                if given is not None:
                    ctx.emit(
                        UNEXPECTED_VALUE, **base, fieldName2=name, fieldValue=given
                    )
        file_spec = spec.BY_NAME.get(f"{table}.txt")
        if file_spec is None or not ctx.feed.present(file_spec.name) or value:
            continue  # unknown tables are translation_unknown_table_name
        key = file_spec.primary_key
        wrong = False
        for n, (name, given) in enumerate(
            (("record_id", record_id), ("record_sub_id", sub_id)), start=1
        ):
            expected = len(key) >= n
            if (given is not None) != expected:
                wrong = True
                if given is not None:
                    ctx.emit(
                        UNEXPECTED_VALUE, **base, fieldName2=name, fieldValue=given
                    )
                else:
                    ctx.emit(
                        MISSING_REQUIRED_FIELD,
                        filename="translations.txt",
                        csvRowNumber=row,
                        fieldName=name,
                    )
                break
        if wrong or not key:
            continue
        if table not in keys:
            columns = ", ".join(ident(c) for c in key[:2])
            keys[table] = set(
                con.execute(
                    f"SELECT DISTINCT {columns} FROM {ctx.feed.table(file_spec.name)}"
                ).fetchall()
            )
        wanted = (record_id,) if len(key) == 1 else (record_id, sub_id)
        if wanted not in keys[table]:
            ctx.emit(FOREIGN_KEY, **base, recordId=record_id, recordSubId=sub_id)
