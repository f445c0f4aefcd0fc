"""Build one index segment from a stream of addresses and documents.

Addresses are grouped into their street (or locality), as Addok does: a
street is one document, its house numbers are points in a table of their
own. Municipalities are derived from the addresses they contain. House
numbers go straight into compact columns, so memory grows by about 60 bytes
per address, not by a Python object each.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .documents import CELL, SCALE, TYPE_CODES, cell_key
from .errors import GeocoderError
from .normalize import housenumber_key, tokenize, unique
from .storage import StringColumnWriter, write_array

FORMAT_VERSION = 1
_TEXT_FIELDS = ("id", "name", "postcode", "citycode", "city", "district", "context")


@dataclass(slots=True)
class _Doc:
    fields: dict[str, str]
    type: str
    lat: int
    lon: int
    importance: float | None
    count: int = 0
    lat_sum: int = 0
    lon_sum: int = 0
    derived: bool = False


@dataclass(slots=True)
class SegmentStats:
    source: str
    documents: int
    housenumbers: int
    tokens: int
    seconds: float
    bytes: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "documents": self.documents,
            "housenumbers": self.housenumbers,
            "tokens": self.tokens,
            "seconds": round(self.seconds, 3),
            "bytes": self.bytes,
        }


def to_micro(value: float | str, what: str, low: float, high: float) -> int:
    """Convert a coordinate to micro-degrees, refusing what is out of range."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise GeocoderError(f"{what} {value!r} is not a number") from None
    if not (low <= number <= high) or math.isnan(number):
        raise GeocoderError(f"{what} {value!r} is not between {low} and {high}")
    return round(number * SCALE)


class SegmentBuilder:
    """Collect the documents of one source and write them as a segment.

    >>> builder = SegmentBuilder("demo")
    >>> builder.add_address(street_id="s1", street="Rue de la Paix", number="2",
    ...     suffix="", id="s1_2", lat=48.8686, lon=2.3314, postcode="75002",
    ...     citycode="75102", city="Paris")
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self._docs: list[_Doc] = []
        self._by_key: dict[tuple[str, str], int] = {}
        self._cities: dict[str, int] = {}
        self.hn_doc = array("I")
        self.hn_lat = array("i")
        self.hn_lon = array("i")
        self.hn_key = StringColumnWriter()
        self.hn_label = StringColumnWriter()
        self.hn_id = StringColumnWriter()
        self._grouped = True
        self._last_doc = -1
        self._started = time.monotonic()

    # -- input -------------------------------------------------------------

    def add_address(
        self,
        *,
        street_id: str,
        street: str,
        number: str,
        suffix: str,
        id: str,
        lat: float | str,
        lon: float | str,
        postcode: str = "",
        citycode: str = "",
        city: str = "",
        district: str = "",
        context: str = "",
        street_type: str = "street",
    ) -> None:
        """Add one address; its street and municipality are created on first use."""
        lat_micro = to_micro(lat, "lat", -90, 90)
        lon_micro = to_micro(lon, "lon", -180, 180)
        fields = {
            "id": street_id,
            "name": street,
            "postcode": postcode,
            "citycode": citycode,
            "city": city,
            "district": district,
            "context": context,
        }
        doc_index = self._doc_for(("street", street_id), fields, street_type)
        self._count(doc_index, lat_micro, lon_micro)
        self._city(fields, lat_micro, lon_micro)
        if number:
            if doc_index < self._last_doc or (
                doc_index != self._last_doc and self._docs[doc_index].count > 1
            ):
                self._grouped = False
            self._last_doc = doc_index
            self.hn_doc.append(doc_index)
            self.hn_lat.append(lat_micro)
            self.hn_lon.append(lon_micro)
            self.hn_key.append(housenumber_key(number, suffix))
            self.hn_label.append(f"{number.lstrip('0') or '0'}{suffix}")
            self.hn_id.append(id)

    def add_document(
        self,
        *,
        id: str,
        type: str,
        name: str,
        lat: float | str,
        lon: float | str,
        importance: float | None = None,
        postcode: str = "",
        citycode: str = "",
        city: str = "",
        district: str = "",
        context: str = "",
    ) -> None:
        """Add a document that has no house numbers (stop, place, locality …)."""
        if type not in TYPE_CODES:
            raise GeocoderError(
                f"document {id!r}: type {type!r} is not one of {', '.join(TYPE_CODES)}"
            )
        if not name.strip():
            raise GeocoderError(f"document {id!r}: the name is empty")
        if importance is not None and not 0 <= importance <= 1:
            raise GeocoderError(f"document {id!r}: importance must be within [0, 1]")
        fields = {
            "id": id,
            "name": name,
            "postcode": postcode,
            "citycode": citycode,
            "city": city,
            "district": district,
            "context": context,
        }
        lat_micro = to_micro(lat, f"document {id!r}: lat", -90, 90)
        lon_micro = to_micro(lon, f"document {id!r}: lon", -180, 180)
        key = (type, id)
        if key in self._by_key:
            raise GeocoderError(f"document {id!r} of type {type} is given twice")
        self._by_key[key] = len(self._docs)
        self._docs.append(_Doc(fields, type, lat_micro, lon_micro, importance, 1))

    def _doc_for(self, key: tuple[str, str], fields: dict[str, str], kind: str) -> int:
        index = self._by_key.get(key)
        if index is None:
            index = len(self._docs)
            self._by_key[key] = index
            self._docs.append(_Doc(dict(fields), kind, 0, 0, None, derived=True))
        return index

    def _count(self, index: int, lat: int, lon: int) -> None:
        doc = self._docs[index]
        doc.count += 1
        doc.lat_sum += lat
        doc.lon_sum += lon

    def _city(self, fields: dict[str, str], lat: int, lon: int) -> None:
        citycode = fields["citycode"]
        if not citycode:
            return
        index = self._cities.get(citycode)
        if index is None:
            name = fields["district"] or fields["city"]
            city_fields = {
                "id": citycode,
                "name": name,
                "postcode": fields["postcode"],
                "citycode": citycode,
                "city": fields["city"],
                "district": "",
                "context": fields["context"],
            }
            index = self._doc_for(
                ("municipality", citycode), city_fields, "municipality"
            )
            self._cities[citycode] = index
        self._count(index, lat, lon)

    # -- output ------------------------------------------------------------

    def write(
        self, folder: Path, *, progress: Callable[[str], None] | None = None
    ) -> SegmentStats:
        """Write the segment into ``folder`` (replaced atomically)."""
        say = progress or (lambda _step: None)
        folder = Path(folder)
        tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        try:
            stats = self._write(tmp, say)
            old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
            if folder.exists():
                folder.rename(old)
            tmp.rename(folder)
            if old.exists():
                shutil.rmtree(old)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)
        return stats

    def _write(self, tmp: Path, say: Callable[[str], None]) -> SegmentStats:
        say("ordering house numbers")
        n_hn = len(self.hn_doc)
        if self._grouped:
            hn_order: Sequence[int] = range(n_hn)
        else:
            hn_order = sorted(range(n_hn), key=self.hn_doc.__getitem__)
        say("placing documents")
        starts = array("I", [0]) * len(self._docs)
        ends = array("I", [0]) * len(self._docs)
        hn_doc = self.hn_doc
        for position, i in enumerate(hn_order):
            doc = hn_doc[i]
            if ends[doc] == 0:
                starts[doc] = position
            ends[doc] = position + 1
        hn_lat = array("i", (self.hn_lat[i] for i in hn_order))
        hn_lon = array("i", (self.hn_lon[i] for i in hn_order))
        for index, entry in enumerate(self._docs):
            if entry.derived:
                self._place(entry, starts[index], ends[index], hn_lat, hn_lon)
            if entry.importance is None:
                entry.importance = _importance(entry.type, entry.count)
        order = sorted(
            range(len(self._docs)), key=lambda i: -(self._docs[i].importance or 0)
        )
        say("writing columns")
        self._write_docs(tmp, order, starts, ends)
        rank = array("I", [0]) * len(order)
        for new_id, old in enumerate(order):
            rank[old] = new_id
        write_array(tmp, "hn_doc.u32", array("I", (rank[hn_doc[i]] for i in hn_order)))
        write_array(tmp, "hn_lat.i32", hn_lat)
        write_array(tmp, "hn_lon.i32", hn_lon)
        for name, column in (
            ("hn_key", self.hn_key),
            ("hn_label", self.hn_label),
            ("hn_id", self.hn_id),
        ):
            (column if self._grouped else column.permuted(hn_order)).save(tmp, name)
        say("indexing words")
        n_tokens = self._write_postings(tmp, order, starts, ends, hn_order)
        say("building the reverse grid")
        _write_grid(tmp, "hn", hn_lat, hn_lon)
        _write_grid(
            tmp,
            "doc",
            array("i", (self._docs[i].lat for i in order)),
            array("i", (self._docs[i].lon for i in order)),
        )
        stats = SegmentStats(
            source=self.source,
            documents=len(order),
            housenumbers=n_hn,
            tokens=n_tokens,
            seconds=time.monotonic() - self._started,
            bytes=sum(p.stat().st_size for p in tmp.iterdir()),
        )
        manifest = {"format": FORMAT_VERSION, "byteorder": "little", **stats.as_dict()}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
        return stats

    def _place(
        self, doc: _Doc, start: int, end: int, hn_lat: array[int], hn_lon: array[int]
    ) -> None:
        """Put a street on its house number nearest to their mean position."""
        if not doc.count:
            return
        lat = doc.lat_sum // doc.count
        lon = doc.lon_sum // doc.count
        doc.lat, doc.lon = lat, lon
        if end > start:
            best = min(
                range(start, end),
                key=lambda i: (hn_lat[i] - lat) ** 2 + (hn_lon[i] - lon) ** 2,
            )
            doc.lat, doc.lon = hn_lat[best], hn_lon[best]

    def _write_docs(
        self, tmp: Path, order: list[int], starts: array[int], ends: array[int]
    ) -> None:
        docs = [self._docs[i] for i in order]
        for name in _TEXT_FIELDS:
            column = StringColumnWriter()
            column.extend(doc.fields[name] for doc in docs)
            column.save(tmp, f"doc_{name}")
        name_tokens = StringColumnWriter()
        city_tokens = StringColumnWriter()
        for doc in docs:
            name_tokens.append(" ".join(tokenize(doc.fields["name"])))
            city_tokens.append(" ".join(_city_tokens(doc.fields)))
        name_tokens.save(tmp, "doc_ntok")
        city_tokens.save(tmp, "doc_ctok")
        write_array(tmp, "doc_type.u8", array("B", (TYPE_CODES[d.type] for d in docs)))
        write_array(tmp, "doc_lat.i32", array("i", (d.lat for d in docs)))
        write_array(tmp, "doc_lon.i32", array("i", (d.lon for d in docs)))
        write_array(tmp, "doc_imp.f32", array("f", (d.importance or 0 for d in docs)))
        write_array(tmp, "doc_hn_start.u32", array("I", (starts[i] for i in order)))
        write_array(tmp, "doc_hn_end.u32", array("I", (ends[i] for i in order)))

    def _write_postings(
        self,
        tmp: Path,
        order: list[int],
        starts: array[int],
        ends: array[int],
        hn_order: Sequence[int],
    ) -> int:
        postings: dict[str, array[int]] = {}
        keys = self.hn_key
        for new_id, old in enumerate(order):
            doc = self._docs[old]
            words = tokenize(doc.fields["name"]) + _city_tokens(doc.fields)
            # Filters are words too, that no text can produce (folding drops "#").
            words += [f"#t{doc.type}", f"#c{doc.fields['citycode']}"]
            words.append(f"#p{doc.fields['postcode']}")
            if ends[old] > starts[old]:
                words.append("#thousenumber")
                # The house numbers a street has, so a search asking for one
                # keeps the streets that have it when the candidates are many.
                numbers = range(starts[old], ends[old])
                words += [f"#n{keys.get(hn_order[i])}" for i in numbers]
            for token in unique(words):
                found = postings.get(token)
                if found is None:
                    postings[token] = found = array("I")
                found.append(new_id)
        vocabulary = sorted(postings)
        offsets = array("Q", [0])
        blob = array("I")
        for token in vocabulary:
            blob.extend(postings[token])
            offsets.append(len(blob))
        words_column = StringColumnWriter()
        words_column.extend(vocabulary)
        words_column.save(tmp, "vocab")
        write_array(tmp, "post.off", offsets)
        write_array(tmp, "post.u32", blob)
        return len(vocabulary)


def _city_tokens(fields: dict[str, str]) -> list[str]:
    tokens = tokenize(fields["city"])
    if fields["postcode"]:
        tokens.append(fields["postcode"])
    return tokens


def _importance(kind: str, count: int) -> float:
    """Importance in [0, 1] from the number of addresses a document gathers."""
    if kind == "municipality":
        return round(0.4 + 0.6 * min(1.0, math.log1p(count) / math.log1p(100_000)), 4)
    if kind in ("street", "locality"):
        return round(0.6 * min(1.0, math.log1p(count) / math.log1p(1_000)), 4)
    return 0.3


def _write_grid(tmp: Path, prefix: str, lats: array[int], lons: array[int]) -> None:
    # One sorted list of (cell << 32 | point) ints: about 44 bytes a point at
    # peak, half of what separate key and permutation lists would take.
    packed = sorted(
        (cell_key(lat // CELL, lon // CELL) << 32) | i
        for i, (lat, lon) in enumerate(zip(lats, lons, strict=True))
    )
    cells = array("q")
    starts = array("I")
    perm = array("I")
    previous = None
    for position, value in enumerate(packed):
        key = value >> 32
        if key != previous:
            previous = key
            cells.append(key)
            starts.append(position)
        perm.append(value & 0xFFFFFFFF)
    starts.append(len(packed))
    del packed
    write_array(tmp, f"{prefix}_cells.i64", cells)
    write_array(tmp, f"{prefix}_starts.u32", starts)
    write_array(tmp, f"{prefix}_perm.u32", perm)


def feed(builder: SegmentBuilder, rows: Iterable[dict[str, Any]]) -> None:
    """Add documents given as dictionaries (the generic places and stops feed)."""
    for row in rows:
        builder.add_document(**row)
