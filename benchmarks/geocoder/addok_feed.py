"""Turn the BAN and BANO files into Addok's JSON lines (streets with numbers).

Documents are grouped as Fabrique groups them (street id, locality,
municipality per city code) and get the same importance, so both engines
answer from the same data.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

try:  # the BAN's context ("75, Paris, Île-de-France") when Fabrique is importable
    from fabrique.geocoder.departments import context as _context
except ImportError:  # pragma: no cover - run by another interpreter

    def _context(code: str) -> str:
        return code


_DISTRICT = re.compile(r"^(.+?) \d+(?:er|e) Arrondissement$")


def _importance(kind: str, count: int) -> float:
    if kind == "municipality":
        return round(0.4 + 0.6 * min(1.0, math.log1p(count) / math.log1p(100_000)), 4)
    return round(0.6 * min(1.0, math.log1p(count) / math.log1p(1_000)), 4)


def _ban_rows(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            match = _DISTRICT.match(row["nom_commune"])
            locality = row["numero"] == "99999"
            yield {
                "street_id": "_".join(row["id"].split("_")[:2]),
                "type": "locality" if locality else "street",
                "id": row["id"],
                "number": "" if locality else row["numero"] + row["rep"],
                "street": row["nom_voie"],
                "postcode": row["code_postal"],
                "citycode": row["code_insee"],
                "city": match.group(1) if match else row["nom_commune"],
                "district": row["nom_commune"] if match else "",
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
            }


def _bano_rows(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8", newline="") as handle:
        for aid, number, street, postcode, city, _src, lat, lon in csv.reader(handle):
            yield {
                "street_id": aid.split("-")[0],
                "type": "street",
                "id": aid,
                "number": number.replace(" ", "").lower(),
                "street": street,
                "postcode": postcode,
                "citycode": aid[:5],
                "city": city,
                "district": "",
                "lat": float(lat),
                "lon": float(lon),
            }


def documents(files: list[tuple[str, Path]]) -> Iterator[dict[str, Any]]:
    streets: dict[str, dict[str, Any]] = {}
    cities: dict[str, dict[str, Any]] = {}
    for fmt, path in files:
        rows = _ban_rows(path) if fmt == "ban" else _bano_rows(path)
        for row in rows:
            department = row["citycode"][:2]
            street = streets.get(row["street_id"])
            if street is None:
                street = streets[row["street_id"]] = {
                    "id": row["street_id"],
                    "type": row["type"],
                    "name": row["street"],
                    "postcode": row["postcode"],
                    "citycode": row["citycode"],
                    "city": row["city"],
                    "district": row["district"],
                    "context": _context(department),
                    "housenumbers": {},
                    "_points": [],
                }
            street["_points"].append((row["lat"], row["lon"]))
            if row["number"]:
                street["housenumbers"][row["number"]] = {
                    "id": row["id"],
                    "lat": row["lat"],
                    "lon": row["lon"],
                }
            city = cities.get(row["citycode"])
            if city is None:
                city = cities[row["citycode"]] = {
                    "id": row["citycode"],
                    "type": "municipality",
                    "name": row["district"] or row["city"],
                    "postcode": row["postcode"],
                    "citycode": row["citycode"],
                    "city": row["city"],
                    "context": _context(department),
                    "_points": [],
                }
            city["_points"].append((row["lat"], row["lon"]))
    for doc in [*streets.values(), *cities.values()]:
        points = doc.pop("_points")
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
        if doc.get("housenumbers"):
            near = min(
                doc["housenumbers"].values(),
                key=lambda h: (h["lat"] - lat) ** 2 + (h["lon"] - lon) ** 2,
            )
            lat, lon = near["lat"], near["lon"]
        doc["lat"], doc["lon"] = round(lat, 6), round(lon, 6)
        doc["importance"] = _importance(doc["type"], len(points))
        if not doc.get("housenumbers"):
            doc.pop("housenumbers", None)
        if not doc.get("district"):
            doc.pop("district", None)
        yield doc


def main(argv: list[str]) -> None:
    """Usage: addok_feed.py OUT.json ban:FILE bano:FILE …"""
    out = Path(argv[0])
    files = [(spec.split(":", 1)[0], Path(spec.split(":", 1)[1])) for spec in argv[1:]]
    with open(out, "w", encoding="utf-8") as handle:
        for doc in documents(files):
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
