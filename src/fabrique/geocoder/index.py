"""The geocoder index: a folder of segments, one per source.

Why this structure: a segment is a set of flat columns (``array`` bytes and
UTF-8 blobs with offsets) opened with ``mmap``. Opening costs only the
vocabulary (one decode and a dict), so a worker is ready in milliseconds at
Paris scale; the pages are shared between gunicorn workers through the page
cache instead of being copied into each one (Addok keeps everything in
Redis and pays a network round trip per lookup). Postings are sorted
``uint32`` document ids, turned into ``frozenset`` s on first use and kept
in a bounded LRU cache, so intersections run at C speed. No third-party
package is needed: the standard library's ``array`` and ``mmap`` are enough
because queries touch few rows; numpy would only help whole-column scans.

One segment per source makes incremental updates cheap: re-indexing a
department file or the stops of one feed rewrites that segment only (built
aside, then swapped in by a rename), and searches merge the segments'
answers by score.

Example::

    index = Index.open("var/geocoder")
    index.search("12 r de rivoli paris", limit=1)[0].label
    # '12 Rue de Rivoli 75004 Paris'
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from .builder import SegmentBuilder, SegmentStats
from .documents import Result
from .errors import GeocoderError
from .normalize import ABBREVIATIONS, NUMBER_WORDS, sounds_like
from .plans import Plan, PlanCache, Visit
from .query import (
    MAX_WORDS,
    Query,
    check_code,
    check_limit,
    check_point,
    check_type,
    parse_query,
)
from .reverse import DEFAULT_RADIUS, DEFAULT_TYPES, reverse_segment
from .search import (
    Filters,
    Ranked,
    build_result,
    one_edit_variants,
    query_words,
    rank_candidates,
    ranked_key,
    words_bound,
)
from .segment import Segment
from .sources import read_ban, read_bano, read_gtfs_stops, read_places

_SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
Reader = Callable[[SegmentBuilder, IO[bytes], str], int]
READERS: dict[str, Reader] = {"ban": read_ban, "bano": read_bano, "places": read_places}


# Words often typed glued to the next one: street types and articles.
GLUED = frozenset(ABBREVIATIONS.values()) | {
    "de", "du", "des", "la", "le", "les", "au", "aux", "saint", "sainte",
}  # fmt: skip


def _as_indexed(word: str) -> list[str]:
    """Return a folded word as the index holds it ("trois" → "3", "st" → "saint")."""
    return ABBREVIATIONS.get(word, NUMBER_WORDS.get(word, word)).split()


def check_source_name(name: str) -> str:
    """Return ``name`` when usable as a source (and folder) name."""
    if not _SOURCE_NAME.match(name):
        raise GeocoderError(
            f"source name {name!r} must be letters, digits, '.', '_' or '-' "
            "(at most 100, not starting with a dot)"
        )
    return name


def build_source(
    folder: str | Path,
    source: str,
    fmt: str,
    files: Iterable[tuple[IO[bytes], str]],
    *,
    progress: Callable[[str], None] | None = None,
) -> SegmentStats:
    """(Re)build one source of the index at ``folder`` from open files.

    ``fmt`` is ``ban``, ``bano`` or ``places``; ``files`` yields
    ``(binary stream, file name)`` pairs. Other sources are left untouched.
    """
    check_source_name(source)
    if fmt not in READERS:
        raise GeocoderError(f"format {fmt!r} is not one of {', '.join(READERS)}")
    builder = SegmentBuilder(source)
    for stream, name in files:
        READERS[fmt](builder, stream, name)
    return _write(folder, source, builder, progress)


def build_gtfs_source(
    folder: str | Path,
    source: str,
    feeds: Iterable[Path],
    *,
    progress: Callable[[str], None] | None = None,
) -> SegmentStats:
    """(Re)build one source from the stops of GTFS zip files."""
    check_source_name(source)
    builder = SegmentBuilder(source)
    for path in feeds:
        read_gtfs_stops(builder, Path(path))
    return _write(folder, source, builder, progress)


def build_documents(
    folder: str | Path, source: str, documents: Iterable[dict[str, Any]]
) -> SegmentStats:
    """(Re)build one source from document dictionaries (catalogue places, stops)."""
    check_source_name(source)
    builder = SegmentBuilder(source)
    for number, document in enumerate(documents, start=1):
        try:
            builder.add_document(**document)
        except TypeError as exc:
            raise GeocoderError(f"document {number}: {exc}") from None
    return _write(folder, source, builder, None)


def _write(
    folder: str | Path,
    source: str,
    builder: SegmentBuilder,
    progress: Callable[[str], None] | None,
) -> SegmentStats:
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    return builder.write(root / source, progress=progress)


def remove_source(folder: str | Path, source: str) -> None:
    """Delete one source from the index."""
    path = Path(folder) / check_source_name(source)
    if not (path / "manifest.json").is_file():
        raise GeocoderError(f"source {source!r} is not in the index at {folder}")
    shutil.rmtree(path)


class Index:
    """Search and reverse over every segment of an index folder."""

    def __init__(self, segments: list[Segment], folder: Path) -> None:
        self.segments = segments
        self.folder = folder
        # What a search does before the house number, kept for the rows of a
        # batch file that repeat a street (plans.py).
        self.plans = PlanCache()

    @classmethod
    def open(cls, folder: str | Path) -> Index:
        """Open the index at ``folder``; refuse a missing or empty one."""
        root = Path(folder)
        if not root.is_dir():
            raise GeocoderError(f"no geocoder index at {root}")
        paths = sorted(
            p for p in root.iterdir() if not p.name.startswith(".") and p.is_dir()
        )
        segments = [Segment(p) for p in paths if (p / "manifest.json").is_file()]
        if not segments:
            raise GeocoderError(f"the geocoder index at {root} has no source yet")
        return cls(segments, root)

    def close(self) -> None:
        self.plans.clear()
        for segment in self.segments:
            segment.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sources(self) -> list[dict[str, Any]]:
        """Describe each source: counts, size, build time."""
        return [segment.manifest for segment in self.segments]

    def search(
        self,
        text: str,
        *,
        limit: int = 5,
        autocomplete: bool = True,
        lat: float | None = None,
        lon: float | None = None,
        type: str | None = None,
        postcode: str | None = None,
        citycode: str | None = None,
    ) -> list[Result]:
        """Return the best results for ``text``, best first.

        >>> index.search("rue de rivoli", type="street", limit=1)[0].name
        'Rue de Rivoli'
        """
        query, limit, filters, center, plan = self._prepare(
            text, limit=limit, autocomplete=autocomplete, type=type,
            postcode=postcode, citycode=citycode, lat=lat, lon=lon,
        )  # fmt: skip
        found: list[tuple[Segment, Ranked]] = []
        floor = -1.0
        for visit in plan.visits:
            found += [
                (visit.segment, ranked)
                for ranked in self._rank(plan, visit, query, filters, center,
                                         limit=limit, floor=floor)
            ]  # fmt: skip
            if len(found) >= limit:
                floor = sorted((f[0] for _s, f in found), reverse=True)[limit - 1]
        results = [build_result(segment, ranked) for segment, ranked in found]
        results.sort(key=lambda r: (-r.score, -r.importance, r.label))
        seen: set[tuple[str, str]] = set()
        unique = []
        for result in results:
            key = (result.type, result.id)
            if key not in seen:
                seen.add(key)
                unique.append(result)
                if len(unique) == limit:
                    break
        return unique

    def search_with_next(
        self,
        text: str,
        *,
        autocomplete: bool = True,
        lat: float | None = None,
        lon: float | None = None,
        type: str | None = None,
        postcode: str | None = None,
        citycode: str | None = None,
    ) -> tuple[Result | None, float | None]:
        """Return the best result and the next one's score, in one search.

        The same as ``search(text, limit=2)``'s first result and its second
        result's score (``None`` when missing), as batch geocoding writes
        them, for less work: a source that cannot give the best answer is
        asked for its best candidate's score only, and a result is built for
        the answer alone.
        """
        query, _limit, filters, center, plan = self._prepare(
            text, limit=2, autocomplete=autocomplete, type=type,
            postcode=postcode, citycode=citycode, lat=lat, lon=lon,
        )  # fmt: skip
        found: list[tuple[Segment, Ranked]] = []
        floor = -1.0
        for visit in plan.visits:
            # The places this source can still take among the first two: none
            # when two answers already beat its best, the second when one does.
            wanted = 2 - sum(1 for _s, f in found if f[0] > visit.bound)
            if wanted <= 0:
                continue
            found += [
                (visit.segment, ranked)
                for ranked in self._rank(plan, visit, query, filters, center,
                                         limit=wanted, floor=floor)
            ]  # fmt: skip
            if len(found) >= 2:
                floor = sorted((f[0] for _s, f in found), reverse=True)[1]
        if not found:
            return None, None
        keys = [ranked_key(segment, ranked) for segment, ranked in found]
        if len(set(keys)) < len(keys):
            # The same place held by two sources: search() drops the copy, which
            # a source asked for fewer candidates could not make up for.
            results = self.search(
                text, limit=2, autocomplete=autocomplete, lat=lat, lon=lon,
                type=type, postcode=postcode, citycode=citycode,
            )  # fmt: skip
            return results[0], results[1].score if len(results) > 1 else None
        top = max(f[0] for _s, f in found)
        # Ties on the best score are broken as search() breaks them.
        tied = [
            build_result(segment, ranked)
            for segment, ranked in found
            if ranked[0] == top
        ]
        best = min(tied, key=lambda r: (-r.importance, r.label))
        best_key = (best.type, best.id)
        following = [
            ranked[0]
            for key, (_s, ranked) in zip(keys, found, strict=True)
            if key != best_key
        ]
        return best, max(following) if following else None

    def _prepare(
        self,
        text: str,
        *,
        limit: int,
        autocomplete: bool,
        type: str | None,
        postcode: str | None,
        citycode: str | None,
        lat: float | None,
        lon: float | None,
    ) -> tuple[Query, int, Filters, tuple[float, float] | None, Plan]:
        """Parse and check a search (in the order errors are reported); return
        the query (glued words split) and the plan of its words."""
        query = parse_query(text)
        limit = check_limit(limit)
        filters = Filters(
            type=check_type(type),
            postcode=check_code("postcode", postcode),
            citycode=check_code("citycode", citycode),
        )
        center = check_point(lat, lon)
        # Everything the plan holds depends on these only (not on the house
        # number, unless it is the only word, nor on the point).
        key = (
            query.words, "" if query.words else query.housenumber, query.loose,
            query.typed_last, query.elided_last, autocomplete, filters.type,
            filters.postcode, filters.citycode,
        )  # fmt: skip
        plan = self.plans.get(
            key, lambda: self._plan(query, filters, autocomplete=autocomplete)
        )
        if plan.words != query.words:
            query = replace(query, words=plan.words)
        return query, limit, filters, center, plan

    def _plan(self, query: Query, filters: Filters, *, autocomplete: bool) -> Plan:
        """Return the sources, best first, with the query's words as each holds
        them and the best score it could give."""
        query = self._split_glued(query, autocomplete=autocomplete)
        known = frozenset(
            word
            for word in query.words
            if any(word in segment.word_ids for segment in self.segments)
        )
        typing = query.words[-1] if autocomplete and query.words else ""
        if typing and any(segment.prefixed(typing) for segment in self.segments):
            # The word being typed, which some source completes, is not a typo
            # in the others ("Rue des Bergero" is not "Rue des Bergers").
            known |= {typing}
        visits = []
        for segment in self.segments:
            words = query_words(segment, query, autocomplete=autocomplete)
            visits.append(Visit(segment, words, words_bound(segment, words, known)))
        # The most promising sources first, so the others can often be skipped
        # (a stable sort: equal bounds keep the folder's order).
        visits.sort(key=lambda visit: -visit.bound)
        return Plan(query.words, known, filters, visits, query.elided_last)

    @staticmethod
    def _rank(
        plan: Plan,
        visit: Visit,
        query: Query,
        filters: Filters,
        center: tuple[float, float] | None,
        *,
        limit: int,
        floor: float,
    ) -> list[Ranked]:
        """Return the ``limit`` best candidates of one source beating ``floor``."""
        # Scores never exceed the bound: a source that cannot beat the answers
        # in hand is skipped before its candidates are looked for.
        if visit.bound < floor:
            return []
        # The house number decides which candidates are kept when the words
        # find too many (search._candidates): the plan keeps them otherwise.
        asked = query.housenumber if query.words else ""
        return rank_candidates(
            visit.segment, query, plan.candidates(visit, asked), filters=filters,
            center=center, limit=limit, floor=floor,
        )  # fmt: skip

    def _known(self, word: str) -> bool:
        return any(word in segment.word_ids for segment in self.segments)

    def _sounds_known(self, word: str) -> bool:
        key = sounds_like(word)
        return any(segment.sounding(key) for segment in self.segments)

    def _split_glued(self, query: Query, *, autocomplete: bool) -> Query:
        """Split words typed glued ("ruelepic", "saintmartin") against the vocabulary.

        A word no source holds (nor completes, when it is being typed, nor
        holds with one edit: that is a typo) becomes the two known words it is
        made of, the most even cut first: a few hundred dictionary lookups a
        word, whatever the size of the index.
        """
        words: list[str] = []
        changed = False
        last = len(query.words) - 1
        for i, word in enumerate(query.words):
            parts = None
            # A loose word (maybe noise, query.py) is left whole.
            if (
                len(word) >= 5
                and word.isalpha()
                and word not in query.loose
                and not self._known(word)
            ):
                typing = autocomplete and i == last
                completes = typing and any(s.prefixed(word) for s in self.segments)
                # The cheap test first: most typos cannot be cut in two words.
                parts = None if completes else self._cut(word)
                # A word one edit from a known one is a typo ("pinle" is
                # "pinel"), and one that sounds like a known one is spelt as
                # heard ("fobourg" is "faubourg", not "fo bourg"), unless it
                # starts with a street type or an article typed in full
                # ("dubac" is "du bac", not "duban").
                if (
                    parts
                    and (parts[0] not in GLUED or not word.startswith(parts[0]))
                    and (
                        any(self._known(v) for v in one_edit_variants(word))
                        or self._sounds_known(word)
                    )
                ):
                    parts = None
            if parts is None:
                words.append(word)
            else:
                words += parts
                changed = True
        if not changed:
            return query
        return replace(query, words=tuple(words[:MAX_WORDS]))

    def _cut(self, word: str) -> list[str] | None:
        middle = len(word) / 2
        for at in sorted(range(2, len(word) - 1), key=lambda i: abs(i - middle)):
            # Each part as the index holds it: "trois" is "3", "st" "saint".
            parts = _as_indexed(word[:at]) + _as_indexed(word[at:])
            if len(parts) >= 2 and all(self._known(part) for part in parts):
                return parts
        return None

    def reverse(
        self,
        lat: float,
        lon: float,
        *,
        limit: int = 1,
        type: str | None = None,
        radius: float = DEFAULT_RADIUS,
    ) -> list[Result]:
        """Return the nearest results within ``radius`` metres, nearest first."""
        point = check_point(lat, lon)
        assert point is not None
        limit = check_limit(limit)
        kind = check_type(type)
        if not 0 < radius <= 50_000:
            raise GeocoderError(f"radius {radius} is not between 0 and 50000 metres")
        types = frozenset({kind}) if kind else DEFAULT_TYPES
        found: list[tuple[float, Result]] = []
        for segment in self.segments:
            found += reverse_segment(
                segment, point[0], point[1], radius=radius, types=types, limit=limit
            )
        found.sort(key=lambda item: (round(item[0], 1), -item[1].importance))
        return [result for _d, result in found[:limit]]
