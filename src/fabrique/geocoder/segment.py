"""A read-only segment: one source's documents, house numbers and words."""

from __future__ import annotations

import itertools
import json
import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .builder import FORMAT_VERSION
from .documents import DOCUMENT_TYPES
from .errors import GeocoderError
from .normalize import sounds_like
from .storage import ArrayColumn, StringColumn

# Shorter words are left to the one-edit variants.
MIN_SOUND_LENGTH = 4

# Document ids kept as posting sets per segment (about 70 bytes each): at
# most this, and at most ten times the segment's documents.
POSTING_CACHE_IDS = 2_000_000
#: Documents whose tokens are kept decoded, per segment (a few hundred bytes
#: each): the candidates that come back query after query ("Avenue de Paris"
#: for every Paris address searched in another département's source).
DOC_TOKEN_CACHE = 4096
#: Documents whose text fields are kept decoded, all segments of the process
#: together (a few hundred bytes each): the answers a batch file gives again
#: and again. One budget for the process, not one a segment: an index of a
#: hundred departments' sources must not keep a hundred times as much.
DOC_FIELDS_CACHE = 16384
#: The text fields :meth:`Segment.doc_fields` gives, in this order.
DOC_FIELDS = ("id", "name", "postcode", "citycode", "city", "district", "context")
#: House numbers whose street's table is kept decoded, all segments of the
#: process together (about 100 bytes each): every address of Paris, and a
#: batch file's streets.
HOUSENUMBER_CACHE = 200_000
_TEXT = ("id", "name", "postcode", "citycode", "city", "district", "context",
         "ntok", "ctok")  # fmt: skip


class Grid:
    """Points bucketed by cell, for nearest-neighbour search."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self._cells = ArrayColumn(folder, f"{prefix}_cells.i64", "q")
        self._starts = ArrayColumn(folder, f"{prefix}_starts.u32", "I")
        self._perm = ArrayColumn(folder, f"{prefix}_perm.u32", "I")
        self.cells = self._cells.values
        self.starts = self._starts.values
        self.perm = self._perm.values

    def points(self, key: int) -> memoryview:
        """Return the indices of the points in one cell."""
        cells = self.cells
        i = bisect_left(cells, key)
        if i == len(cells) or cells[i] != key:
            return self.perm[0:0]
        return self.perm[self.starts[i] : self.starts[i + 1]]

    def close(self) -> None:
        for column in (self._cells, self._starts, self._perm):
            column.close()


class PostingCache:
    """Posting sets by word id, least recently used dropped past a size budget.

    The budget counts document ids, not sets: a national index has words
    held by a million documents (about 70 MB as a set) and words held by
    three, and a count of sets would bound nothing.
    """

    def __init__(self, load: Callable[[int], frozenset[int]], budget: int) -> None:
        self._load = load
        self._budget = budget
        self._items: OrderedDict[int, frozenset[int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __call__(self, word_id: int) -> frozenset[int]:
        with self._lock:
            found = self._items.get(word_id)
            if found is not None:
                self._items.move_to_end(word_id)
                return found
        found = self._load(word_id)
        with self._lock:
            if word_id not in self._items:
                self._items[word_id] = found
                self._size += len(found)
            while self._size > self._budget and len(self._items) > 1:
                _old_id, old = self._items.popitem(last=False)
                self._size -= len(old)
        return found

    def cache_clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


_SEGMENT_KEYS = itertools.count()
#: (segment, document) → its :data:`DOC_FIELDS`, for every open segment.
_DOC_FIELDS: dict[tuple[int, int], tuple[str, ...]] = {}


class _HousenumberTables:
    """Streets' house numbers decoded into tables, least recently used
    dropped past :data:`HOUSENUMBER_CACHE` numbers, for every open segment."""

    def __init__(self) -> None:
        self._tables: OrderedDict[tuple[int, int], dict[str, int]] = OrderedDict()
        self._kept = 0
        self._lock = threading.Lock()

    def index(self, segment: Segment, doc: int, key: str) -> int:
        cached = (segment._key, doc)
        with self._lock:
            found = self._tables.get(cached)
            if found is not None:
                self._tables.move_to_end(cached)
                return found.get(key, -1)
        start, keys = segment.housenumbers(doc)
        found = {}
        for at, number in enumerate(keys, start):
            found.setdefault(number, at)  # the first, as list.index
        with self._lock:
            if cached not in self._tables:
                self._tables[cached] = found
                self._kept += max(1, len(found))  # an empty table costs too
            while self._kept > HOUSENUMBER_CACHE and len(self._tables) > 1:
                _key, old = self._tables.popitem(last=False)
                self._kept -= max(1, len(old))
        return found.get(key, -1)

    def forget(self, segment_key: int) -> None:
        with self._lock:
            for cached in [k for k in self._tables if k[0] == segment_key]:
                self._kept -= max(1, len(self._tables.pop(cached)))


_HOUSENUMBERS = _HousenumberTables()


class Segment:
    """Memory-mapped columns of one source, with the word → documents postings."""

    def __init__(self, folder: Path) -> None:
        manifest_path = folder / "manifest.json"
        try:
            self.manifest: dict[str, Any] = json.loads(manifest_path.read_text())
        except (OSError, ValueError) as exc:
            raise GeocoderError(
                f"segment {folder.name}: unreadable manifest ({exc})"
            ) from None
        if self.manifest.get("format") != FORMAT_VERSION:
            raise GeocoderError(
                f"segment {folder.name}: index format "
                f"{self.manifest.get('format')!r}, this version reads "
                f"{FORMAT_VERSION}; rebuild the index"
            )
        self.folder = folder
        self.source: str = self.manifest["source"]
        self.text = {name: StringColumn(folder, f"doc_{name}") for name in _TEXT}
        self._arrays = {
            "type": ArrayColumn(folder, "doc_type.u8", "B"),
            "lat": ArrayColumn(folder, "doc_lat.i32", "i"),
            "lon": ArrayColumn(folder, "doc_lon.i32", "i"),
            "imp": ArrayColumn(folder, "doc_imp.f32", "f"),
            "hn_start": ArrayColumn(folder, "doc_hn_start.u32", "I"),
            "hn_end": ArrayColumn(folder, "doc_hn_end.u32", "I"),
            "hn_lat": ArrayColumn(folder, "hn_lat.i32", "i"),
            "hn_lon": ArrayColumn(folder, "hn_lon.i32", "i"),
            "hn_doc": ArrayColumn(folder, "hn_doc.u32", "I"),
            "post_off": ArrayColumn(folder, "post.off", "Q"),
            "post": ArrayColumn(folder, "post.u32", "I"),
        }
        a = {name: column.values for name, column in self._arrays.items()}
        self.doc_type, self.doc_lat, self.doc_lon = a["type"], a["lat"], a["lon"]
        self.doc_imp = a["imp"]
        self.hn_start, self.hn_end = a["hn_start"], a["hn_end"]
        self.hn_lat, self.hn_lon = a["hn_lat"], a["hn_lon"]
        self.hn_doc = a["hn_doc"]
        self._post_off, self._post = a["post_off"], a["post"]
        self.hn_key = StringColumn(folder, "hn_key")
        self.hn_label = StringColumn(folder, "hn_label")
        self.hn_id = StringColumn(folder, "hn_id")
        vocab = StringColumn(folder, "vocab")
        self.vocabulary: list[str] = vocab.slice(0, len(vocab))
        vocab.close()
        self.word_ids: dict[str, int] = {w: i for i, w in enumerate(self.vocabulary)}
        self.hn_grid = Grid(folder, "hn")
        self.doc_grid = Grid(folder, "doc")
        self.size = len(self.doc_type)
        # Small sources get a small share, so a hundred of them stay bounded.
        budget = min(POSTING_CACHE_IDS, max(50_000, 10 * self.size))
        self.postings = PostingCache(self._postings, budget)
        self._sounds: dict[str, list[int]] | None = None
        self._sounds_lock = threading.Lock()
        self._doc_tokens: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._key = next(_SEGMENT_KEYS)  # this segment's part of the shared caches

    def _postings(self, word_id: int) -> frozenset[int]:
        return frozenset(
            self._post[self._post_off[word_id] : self._post_off[word_id + 1]]
        )

    def sounding(self, key: str) -> list[int]:
        """Return the ids of the words whose :func:`sounds_like` key is ``key``.

        The table is built on first use (a query holding a word no source
        knows), so serving plain queries costs no memory for it.
        """
        sounds = self._sounds
        if sounds is None:
            with self._sounds_lock:
                sounds = self._sounds
                if sounds is None:
                    sounds = {}
                    for word_id, word in enumerate(self.vocabulary):
                        if len(word) >= MIN_SOUND_LENGTH and word.isalpha():
                            sounds.setdefault(sounds_like(word), []).append(word_id)
                    self._sounds = sounds
        return sounds.get(key, [])

    def doc_tokens(self, doc: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return the normalised tokens of a document's name and of its city
        and postcode (decoded once, then kept while the cache has room)."""
        found = self._doc_tokens.get(doc)
        if found is None:
            text = self.text
            found = (tuple(text["ntok"][doc].split()), tuple(text["ctok"][doc].split()))
            if len(self._doc_tokens) >= DOC_TOKEN_CACHE:
                self._doc_tokens.clear()  # simpler than LRU, and as good here
            self._doc_tokens[doc] = found
        return found

    def doc_fields(self, doc: int) -> tuple[str, ...]:
        """Return a document's :data:`DOC_FIELDS` (decoded once, then kept
        while the cache has room)."""
        key = (self._key, doc)
        found = _DOC_FIELDS.get(key)
        if found is None:
            text = self.text
            found = tuple(text[name][doc] for name in DOC_FIELDS)
            if len(_DOC_FIELDS) >= DOC_FIELDS_CACHE:
                _DOC_FIELDS.clear()  # as the tokens' cache
            _DOC_FIELDS[key] = found
        return found

    def frequency(self, word_id: int) -> int:
        """Return how many documents hold a word."""
        return int(self._post_off[word_id + 1] - self._post_off[word_id])

    def prefixed(self, prefix: str) -> range:
        """Return the range of word ids starting with ``prefix``."""
        vocabulary = self.vocabulary
        start = bisect_left(vocabulary, prefix)
        end = bisect_left(vocabulary, prefix + "\x7f", lo=start)
        return range(start, end)

    def type_name(self, doc: int) -> str:
        return DOCUMENT_TYPES[self.doc_type[doc]]

    def housenumbers(self, doc: int) -> tuple[int, list[str]]:
        """Return the first house-number index of a document and its keys."""
        start, end = self.hn_start[doc], self.hn_end[doc]
        return start, self.hn_key.slice(start, end)

    def housenumber_at(self, doc: int, key: str) -> int:
        """Return the index of a document's house number ``key``, -1 when absent.

        The keys of a street are decoded once into a table, kept while the
        cache has room (:data:`HOUSENUMBER_CACHE` numbers, the least recently
        used streets dropped): batch files ask the same street for number
        after number.
        """
        return _HOUSENUMBERS.index(self, doc, key)

    def close(self) -> None:
        self.postings.cache_clear()
        self._doc_tokens.clear()
        for cached in [k for k in list(_DOC_FIELDS) if k[0] == self._key]:
            _DOC_FIELDS.pop(cached, None)
        _HOUSENUMBERS.forget(self._key)
        for column in self.text.values():
            column.close()
        for array_column in self._arrays.values():
            array_column.close()
        for string_column in (self.hn_key, self.hn_label, self.hn_id):
            string_column.close()
        self.hn_grid.close()
        self.doc_grid.close()
