"""Build a feed N times the size of another by repeating it with prefixed ids.

Every file with an identifier column is written N times, copy k with every
identifier (``T.ID`` in the GTFS schema: primary keys, foreign keys, zone,
block and service ids) prefixed by ``x{k}.``, so each copy references only
itself and the result stays as valid as the source. Files without any
identifier (``feed_info.txt``) and files the schema does not know are
written once, unchanged. Rows stream from zip to zip: memory stays bounded
whatever the size.

    .venv/bin/python benchmarks/gtfs/build_x8.py SOURCE.zip OUT.zip [--copies 8]

From ``merged_1m6.zip`` (1.6M stop times) the default gives 12.8M stop
times, the size of a large regional feed.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
import zipfile
from pathlib import Path

from fabrique.gtfs.schema import FieldType
from fabrique.gtfs.spec import FILES

SPECS = {spec.name: spec for spec in FILES}


def id_columns(file_name: str, header: list[str]) -> list[int]:
    """Indexes of the header's identifier columns (empty for unknown files)."""
    spec = SPECS.get(file_name)
    if spec is None:
        return []
    indexes = []
    for i, name in enumerate(header):
        field = spec.get(name.strip())
        if field is not None and field.type is FieldType.ID:
            indexes.append(i)
    return indexes


def copy_member(
    source: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile, copies: int
) -> int:
    """Write one member: repeated with prefixes, or once unchanged. Rows written."""
    name = info.filename.rsplit("/", 1)[-1]
    with source.open(info) as raw:
        header = next(csv.reader(io.TextIOWrapper(raw, "utf-8-sig", newline="")), [])
    columns = id_columns(name, header)
    target = zipfile.ZipInfo(name, date_time=info.date_time)
    target.compress_type = zipfile.ZIP_DEFLATED
    rows = 0
    with out.open(target, "w", force_zip64=True) as sink:
        text = io.TextIOWrapper(sink, "utf-8", newline="", write_through=False)
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(h.strip() for h in header)
        for k in range(copies if columns else 1):
            prefix = f"x{k}."
            with source.open(info) as raw:
                reader = csv.reader(io.TextIOWrapper(raw, "utf-8-sig", newline=""))
                next(reader, None)
                for row in reader:
                    for i in columns:
                        if i < len(row) and row[i]:
                            row[i] = prefix + row[i]
                    writer.writerow(row)
                    rows += 1
        text.flush()
        text.detach()
    return rows


def build(source_path: Path, out_path: Path, copies: int) -> None:
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_suffix(".partial")
    with (
        zipfile.ZipFile(source_path) as source,
        zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            if info.is_dir() or not info.filename.endswith(".txt"):
                continue
            started = time.monotonic()
            rows = copy_member(source, info, out, copies)
            print(
                f"{info.filename}: {rows:,} rows in {time.monotonic() - started:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    partial.replace(out_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--copies", type=int, default=8)
    args = parser.parse_args()
    if args.copies < 1:
        parser.error("--copies must be at least 1")
    build(args.source, args.out, args.copies)


if __name__ == "__main__":
    main()
