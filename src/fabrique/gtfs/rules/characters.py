"""The replacement character (U+FFFD) in a value: text lost in an encoding."""

from __future__ import annotations

import mmap
from pathlib import Path

from fabrique.gtfs import spec
from fabrique.gtfs.reader import ident
from fabrique.gtfs.rules.registry import ERROR, Context, check, rule

REPLACEMENT = "\ufffd"

INVALID_CHARACTER = rule(
    "invalid_character",
    ERROR,
    "A value holds the replacement character �.",
    "The character stands for bytes that could not be decoded: the text was "
    "damaged by a wrong encoding before or while the feed was written.",
    topic="Values",
)


def _holds_replacement(path: Path) -> bool:
    """True when the (UTF-8) file holds U+FFFD; a byte search, no parsing."""
    with path.open("rb") as stream:
        try:
            with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return data.find(REPLACEMENT.encode()) >= 0
        except ValueError:  # empty file
            return False


@check(INVALID_CHARACTER)
def invalid_character(ctx: Context) -> None:
    for name, loaded in ctx.feed.files.items():
        file_spec = spec.BY_NAME.get(name)
        source = ctx.feed.source.files.get(name)
        if file_spec is None or source is None or not loaded.rows:
            continue
        if not _holds_replacement(source.path):
            continue
        columns = [f.name for f in file_spec.fields if f.name in loaded.present]
        if not columns:
            continue
        union = " UNION ALL ".join(
            f"SELECT __row, '{c}' AS field, {ident(c)} AS value "
            f"FROM {ctx.feed.table(name)} WHERE contains({ident(c)}, ?)"
            for c in columns
        )
        ctx.emit_query(
            INVALID_CHARACTER,
            f"SELECT '{name}' AS filename, __row AS csvRowNumber, field AS fieldName, "
            f"value AS fieldValue FROM ({union}) ORDER BY __row, field",
            [REPLACEMENT] * len(columns),
        )
