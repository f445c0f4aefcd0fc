"""Readers for the sources the index is built from.

Each reader streams its file (any size: rows are read one at a time, gzip is
decompressed on the fly) into a :class:`~.builder.SegmentBuilder` and stops at
the first malformed row with a :class:`GeocoderError` naming the file, the
line and the column.

- BAN CSV: the 23 columns of the Base Adresse Nationale (``;``-separated).
- BANO CSV: eight columns, no header (``id,numero,voie,code_post,nom_comm,
  source,lat,lon``).
- GTFS stops: ``stops.txt`` of a feed; stations first, platforms folded into
  their station.
- Places: JSON lines, one document per line (``id``, ``type``, ``name``,
  ``lat``, ``lon`` and optionally ``postcode``, ``citycode``, ``city``,
  ``context``, ``importance``); the web apps feed stops and catalogue places
  this way.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .builder import SegmentBuilder
from .departments import context as department_context
from .errors import GeocoderError
from .normalize import fold

BAN_COLUMNS: tuple[str, ...] = (
    "id",
    "id_fantoir",
    "numero",
    "rep",
    "nom_voie",
    "code_postal",
    "code_insee",
    "nom_commune",
    "code_insee_ancienne_commune",
    "nom_ancienne_commune",
    "x",
    "y",
    "lon",
    "lat",
    "type_position",
    "alias",
    "nom_ld",
    "libelle_acheminement",
    "nom_afnor",
    "source_position",
    "source_nom_voie",
    "certification_commune",
    "cad_parcelles",
)
BAN_REQUIRED = ("id", "numero", "rep", "nom_voie", "code_postal", "code_insee",
                "nom_commune", "lon", "lat")  # fmt: skip
BANO_COLUMNS = ("id", "numero", "voie", "code_post", "nom_comm", "source", "lat", "lon")
LOCALITY_NUMBER = "99999"
_LEADING_NUMBER = re.compile(r"^(\d{1,5}) ?([a-z]*)")
_DISTRICT = re.compile(r"^(?P<city>.+?) \d+(?:er|e|ème)? [Aa]rrondissement$")


def department(citycode: str) -> str:
    """Return the department code of an INSEE city code (``97411`` → ``974``)."""
    return citycode[:3] if citycode.startswith("97") else citycode[:2]


def city_and_district(name: str) -> tuple[str, str]:
    """Split ``Paris 1er Arrondissement`` into the city and its district."""
    match = _DISTRICT.match(name)
    return (match.group("city"), name) if match else (name, "")


@contextmanager
def open_text(stream: IO[bytes], name: str) -> Iterator[io.TextIOWrapper]:
    """Read a binary stream as UTF-8 text, decompressing gzip; leave it open."""
    raw: IO[bytes] = stream
    if name.endswith(".gz"):
        raw = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    try:
        yield text
    finally:
        text.detach()
        if raw is not stream:
            raw.close()


def _rows(text: io.TextIOWrapper, name: str, delimiter: str) -> Iterator[list[str]]:
    reader = csv.reader(text, delimiter=delimiter)
    try:
        yield from reader
    except UnicodeDecodeError as exc:
        raise GeocoderError(
            f"{name} line {reader.line_num + 1}: not UTF-8 ({exc.reason})"
        ) from None
    except (csv.Error, EOFError, OSError, gzip.BadGzipFile) as exc:
        raise GeocoderError(f"{name} line {reader.line_num}: {exc}") from None


def read_ban(builder: SegmentBuilder, stream: IO[bytes], name: str) -> int:
    """Stream a BAN CSV file into ``builder``; return the number of addresses."""
    with open_text(stream, name) as text:
        return _read_ban(builder, _rows(text, name, ";"), name)


def _read_ban(builder: SegmentBuilder, rows: Iterator[list[str]], name: str) -> int:
    header = next(rows, None)
    if header is None:
        raise GeocoderError(f"{name}: the file is empty")
    missing = [column for column in BAN_REQUIRED if column not in header]
    if missing:
        raise GeocoderError(
            f"{name} line 1: not a BAN CSV header, missing {', '.join(missing)}"
        )
    at = {column: header.index(column) for column in BAN_REQUIRED}
    width = len(header)
    count = 0
    for line, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) != width:
            raise GeocoderError(
                f"{name} line {line}: {len(row)} columns, expected {width}"
            )
        address_id = row[at["id"]]
        number = row[at["numero"]].strip()
        if not number.isdigit():
            raise GeocoderError(
                f"{name} line {line}: `numero` {number!r} is not a number"
            )
        citycode = row[at["code_insee"]]
        city, district = city_and_district(row[at["nom_commune"]])
        is_locality = number == LOCALITY_NUMBER
        try:
            builder.add_address(
                street_id="_".join(address_id.split("_")[:2]),
                street=row[at["nom_voie"]],
                number="" if is_locality else number,
                suffix=row[at["rep"]].strip(),
                id=address_id,
                lat=row[at["lat"]],
                lon=row[at["lon"]],
                postcode=row[at["code_postal"]],
                citycode=citycode,
                city=city,
                district=district,
                context=department_context(department(citycode)),
                street_type="locality" if is_locality else "street",
            )
        except GeocoderError as exc:
            raise GeocoderError(f"{name} line {line}: {exc}") from None
        count += 1
    return count


def read_bano(builder: SegmentBuilder, stream: IO[bytes], name: str) -> int:
    """Stream a BANO CSV file (no header) into ``builder``."""
    with open_text(stream, name) as text:
        return _read_bano(builder, _rows(text, name, ","), name)


def _read_bano(builder: SegmentBuilder, rows: Iterator[list[str]], name: str) -> int:
    count = 0
    for line, row in enumerate(rows, start=1):
        if not row:
            continue
        if len(row) != len(BANO_COLUMNS):
            raise GeocoderError(
                f"{name} line {line}: {len(row)} columns, expected "
                f"{len(BANO_COLUMNS)} ({','.join(BANO_COLUMNS)})"
            )
        address_id, raw_number, street, postcode, city, _source, lat, lon = row
        # BANO numbers come from OpenStreetMap tags: keep the leading number and
        # suffix of odd values such as "260(12A)", refuse values without digits.
        match = _LEADING_NUMBER.match(fold(raw_number))
        if match is None:
            raise GeocoderError(
                f"{name} line {line}: `numero` {raw_number!r} is not a house number"
            )
        number, suffix = match.group(1), match.group(2)
        citycode = address_id[:5]
        try:
            builder.add_address(
                street_id=address_id.split("-")[0],
                street=street,
                number=number,
                suffix=suffix,
                id=address_id,
                lat=lat,
                lon=lon,
                postcode=postcode,
                citycode=citycode,
                city=city,
                context=department_context(department(citycode)),
            )
        except GeocoderError as exc:
            raise GeocoderError(f"{name} line {line}: {exc}") from None
        count += 1
    return count


def read_gtfs_stops(builder: SegmentBuilder, path: Path) -> int:
    """Add the stations and lone stops of a GTFS zip; platforms fold into stations."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise GeocoderError(f"{path.name}: not a readable zip file ({exc})") from None
    with archive:
        if "stops.txt" not in archive.namelist():
            raise GeocoderError(f"{path.name}: stops.txt is missing")
        with archive.open("stops.txt") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.DictReader(text)
            try:
                stops = list(reader)
            except (UnicodeDecodeError, csv.Error) as exc:
                raise GeocoderError(f"{path.name} stops.txt: {exc}") from None
    for column in ("stop_id", "stop_name", "stop_lat", "stop_lon"):
        if reader.fieldnames is None or column not in reader.fieldnames:
            raise GeocoderError(f"{path.name} stops.txt: column `{column}` is missing")
    feed = path.stem
    stations = {s["stop_id"] for s in stops if s.get("location_type") == "1"}
    children: dict[str, int] = {}
    for stop in stops:
        parent = stop.get("parent_station") or ""
        if parent in stations:
            children[parent] = children.get(parent, 0) + 1
    count = 0
    for line, stop in enumerate(stops, start=2):
        kind = stop.get("location_type") or "0"
        if kind not in ("0", "1") or (stop.get("parent_station") or "") in stations:
            continue
        if not (stop.get("stop_name") or "").strip():
            continue
        weight = children.get(stop["stop_id"], 0)
        try:
            builder.add_document(
                id=f"{feed}:{stop['stop_id']}",
                type="stop",
                name=stop["stop_name"],
                lat=stop["stop_lat"],
                lon=stop["stop_lon"],
                importance=round(min(0.6, 0.3 + 0.05 * weight), 4),
            )
        except GeocoderError as exc:
            raise GeocoderError(f"{path.name} stops.txt line {line}: {exc}") from None
        count += 1
    return count


PLACE_FIELDS = ("id", "type", "name", "lat", "lon", "importance", "postcode",
                "citycode", "city", "district", "context")  # fmt: skip


def read_places(builder: SegmentBuilder, stream: IO[bytes], name: str) -> int:
    """Stream JSON lines of places or stops (see the module docstring)."""
    with open_text(stream, name) as text:
        return _read_places(builder, text, name)


def _read_places(builder: SegmentBuilder, text: IO[str], name: str) -> int:
    count = 0
    try:
        for line, raw in enumerate(text, start=1):
            if not raw.strip():
                continue
            try:
                record: Any = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise GeocoderError(f"{name} line {line}: not JSON ({exc})") from None
            if not isinstance(record, dict):
                raise GeocoderError(f"{name} line {line}: expected a JSON object")
            unknown = sorted(set(record) - set(PLACE_FIELDS))
            if unknown:
                raise GeocoderError(
                    f"{name} line {line}: unknown field(s) {', '.join(unknown)}"
                )
            fields: dict[str, Any] = {
                k: (v if k in ("lat", "lon", "importance") else str(v))
                for k, v in record.items()
            }
            try:
                builder.add_document(**fields)
            except TypeError as exc:
                raise GeocoderError(f"{name} line {line}: {exc}") from None
            except GeocoderError as exc:
                raise GeocoderError(f"{name} line {line}: {exc}") from None
            count += 1
    except UnicodeDecodeError as exc:
        raise GeocoderError(f"{name}: not UTF-8 ({exc.reason})") from None
    return count
