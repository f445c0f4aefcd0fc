"""Forward search in one segment: find candidate documents, then score them.

Candidates are the documents holding the query's words: each word stands
for its exact token, its one-edit variants when the word (4 letters or more)
is not in the vocabulary, and, for the last word when autocompleting, the
tokens it starts (a word some source completes is not a typo in the others).
A document's token answers one word of the query: the word being typed
after "Saint" is not "Saint" again. Words are intersected rarest first,
skipping a word whose intersection would be empty (a wrong or extra word
must not lose the answer).

**The score** is in [0, 1] and built from four parts:

- *query coverage*: the share of the query's letters matched by the
  document, a word counting fully when exact, 0.9 when its prefix
  completes a longer token (falling to 0.7 for a short prefix), 0.9 when
  it sounds like the token (``normalize.sounds_like``: "Mobert" for
  Maubert), 0.8 for a one-edit match;
- *name coverage*: the share of the name's letters matched by some word, so
  "rue de la paix" prefers "Rue de la Paix" to "Rue de la Paix Prolongée";
  while autocompleting, the share of the letters up to the word being typed,
  times 0.9 when words are left to type (their length does not count: a
  short name is not a likelier completion than a long one);
- ``text = 0.6 × query coverage + 0.4 × name coverage``, times 0.9 when a
  house number was asked for and this document cannot give it, and, while
  autocompleting, 0.95 when the name lacks the elided article typed before
  the last word (``Rue d'O`` is Rue d'Orsel more than Rue Ordener);
- ``score = text × (0.9 + 0.1 × importance)``; with a ``lat``/``lon``
  bias, ``score = text × (0.75 + 0.1 × importance + 0.15 × proximity)`` where
  proximity is ``1 / (1 + km)``.

So an exact, complete match of an important place scores 1.0, and a
typo costs about 0.06 on a three-word query.

**Speed.** The score never exceeds ``text × (0.9 + 0.1 × importance)``, so
work stops early: at most :data:`MAX_CANDIDATES` candidates a source (those
that have the house number asked for first, each segment indexing its
streets' numbers as ``#n`` words; then the most important: documents are
numbered that way), house numbers looked up
only for candidates that can still enter the top ``limit``, sources visited
best-first and skipped when they cannot beat the answers already found, and
typo variants tried only for words that no source holds as typed. A
:class:`Result` is built only for the candidates answered, and batch
geocoding's "next score" (``Index.search_with_next``) asks a source that
cannot give the best answer for its best candidate's score alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .documents import SCALE, Result, distance_m
from .normalize import ABBREVIATIONS, edits1, fold, sounds_like
from .query import Query
from .segment import MIN_SOUND_LENGTH, Segment

MAX_CANDIDATES = 100
MAX_PREFIX_EXPANSION = 300
LONE_PREFIX_EXPANSION = 40
EXACT, PREFIX, FUZZY = 1.0, 0.9, 0.8
# A word spelt as it sounds ("Mobert" for Maubert) weighs as a prefix, more than
# a word one edit away ("Robert"): the sound was meant, the letter was not.
SOUNDS = 0.9
LOOSE = 0.25  # the share of an unmatched loose word's letters still asked for
ELSEWHERE = 0.85  # a candidate not in the city or postcode another one is in
UNTYPED = 0.9  # name coverage of a name with words left to type (autocomplete)
ELIDED = 0.95  # a completion without the elided article typed ("d'O", query.py)


@dataclass(slots=True)
class Filters:
    type: str | None = None
    postcode: str | None = None
    citycode: str | None = None


@dataclass(slots=True)
class _Word:
    text: str
    weights: dict[str, float]
    ids: list[int]
    fuzzy: bool
    prefix: str | None  # a prefix too common to expand, matched while scoring
    loose: bool = False  # maybe noise (query.py): counts fully only when held
    typing: bool = False  # the last word while autocompleting


#: A query's words as one segment holds them (:func:`query_words`).
QueryWords = list[_Word]


def _expand(
    segment: Segment,
    word: str,
    *,
    last: bool,
    autocomplete: bool,
    loose: bool,
    typed: str = "",
) -> _Word:
    weights: dict[str, float] = {}
    ids: list[int] = []
    word_ids = segment.word_ids
    exact = word_ids.get(word)
    if exact is not None:
        weights[word] = EXACT
        ids.append(exact)
    prefix = None
    if autocomplete and last:
        expansion = segment.prefixed(word)
        if len(expansion) > MAX_PREFIX_EXPANSION:
            prefix = word
        else:
            for word_id in expansion:
                token = segment.vocabulary[word_id]
                if token not in weights:
                    weights[token] = _prefix_weight(word, token)
                    ids.append(word_id)
        # A word being typed read as an abbreviation ("boul"): also the start
        # of the words it begins ("bouleaux"), weighed as any prefix.
        expansion = segment.prefixed(typed) if typed else range(0)
        if len(expansion) <= MAX_PREFIX_EXPANSION:
            for word_id in expansion:
                token = segment.vocabulary[word_id]
                if token not in weights:
                    weights[token] = _prefix_weight(typed, token)
                    ids.append(word_id)
    return _Word(word, weights, ids, False, prefix, loose, autocomplete and last)


def _needs_fuzzy(word: _Word, known: frozenset[str]) -> bool:
    # A word another source holds as typed is not a typo.
    # A loose word (maybe noise) is not corrected into some street's name.
    return (
        not word.ids
        and not word.loose
        and word.prefix is None
        and len(word.text) >= 4
        and word.text not in known
    )


def _add_fuzzy(segment: Segment, word: _Word) -> None:
    """Let a word missing from the vocabulary stand for its one-edit variants
    and for the words that sound alike."""
    word_ids = segment.word_ids
    for variant in one_edit_variants(word.text):
        variant_id = word_ids.get(variant)
        if variant_id is not None:
            word.weights[variant] = FUZZY
            word.ids.append(variant_id)
            word.fuzzy = True
    if len(word.text) < MIN_SOUND_LENGTH:
        return
    vocabulary = segment.vocabulary
    for word_id in segment.sounding(sounds_like(word.text)):
        token = vocabulary[word_id]
        if token not in word.weights:
            word.ids.append(word_id)
        word.weights[token] = SOUNDS
        word.fuzzy = True


@lru_cache(maxsize=4096)
def one_edit_variants(word: str) -> frozenset[str]:
    # Shared by every segment a query visits.
    return frozenset(edits1(word))


def _best_possible(words: list[_Word], known: frozenset[str]) -> float:
    """Return the best text score any document of the segment could reach."""
    total = 0
    reachable = 0.0
    for word in words:
        if word.ids or word.prefix is not None:
            reachable += len(word.text)
            total += len(word.text)
        elif _needs_fuzzy(word, known):
            # A word of MIN_SOUND_LENGTH letters or more may sound like one.
            long = len(word.text) >= MIN_SOUND_LENGTH
            reachable += (SOUNDS if long else FUZZY) * len(word.text)
            total += len(word.text)
        elif not word.loose:
            total += len(word.text)
    # An unmatched loose word counts a little (LOOSE): leaving it out bounds.
    return 0.6 * reachable / (total or 1) + 0.4


def _prefix_weight(prefix: str, token: str) -> float:
    return round(0.7 + (PREFIX - 0.7) * len(prefix) / len(token), 4)


def _postings(segment: Segment, ids: list[int]) -> frozenset[int]:
    if len(ids) == 1:
        return segment.postings(ids[0])
    union: set[int] = set()
    for word_id in ids:
        union |= segment.postings(word_id)
    return frozenset(union)


def _candidates(
    segment: Segment, words: list[_Word], filters: Filters, housenumber: str = ""
) -> tuple[list[int] | None, bool]:
    """Return the candidates, and whether there were more than
    :data:`MAX_CANDIDATES` (the ones kept then depend on ``housenumber``)."""
    sets = []
    loose = []
    for word in words:
        if word.ids and word.loose:
            loose.append(_postings(segment, word.ids))
        elif word.ids:
            postings = _postings(segment, word.ids)
            sets.append((word.fuzzy, len(word.ids) > 1, postings))
        elif word.prefix is not None and len(words) == 1:
            # A lone short prefix: its most frequent completions.
            expansion = sorted(segment.prefixed(word.prefix), key=segment.frequency)
            best = expansion[-LONE_PREFIX_EXPANSION:]
            sets.append((False, True, _postings(segment, best)))
    required = []
    for name, value in (("t", filters.type), ("c", filters.citycode),
                        ("p", filters.postcode)):  # fmt: skip
        if value:
            word_id = segment.word_ids.get(f"#{name}{value}")
            if word_id is None:
                return [], False
            required.append(segment.postings(word_id))
    if not sets and not loose:
        return None, False
    sets.sort(key=lambda item: (item[0], item[1], len(item[2])))
    ordered = [postings for *_flags, postings in sets] or sorted(loose, key=len)
    applied, found = _intersect(ordered)
    # A wrong seed (a rare word that is noise, as a lone letter typed last)
    # empties every intersection: retry without each of the rarest sets.
    for skip in range(min(3, len(ordered))):
        if applied == len(ordered):
            break
        retried, candidate = _intersect(ordered[:skip] + ordered[skip + 1 :])
        if retried > applied:
            applied, found = retried, candidate
    # Loose words (maybe noise) narrow the candidates, never seed them.
    if sets:
        for postings in sorted(loose, key=len):
            found = found & postings or found
    for postings in required:
        found = found & postings
    if len(found) > MAX_CANDIDATES:
        # Documents are numbered by decreasing importance. Those that have the
        # house number asked for come first: "29ba Rue Saint-" is one of the
        # streets starting so that has a 29ba, not the most important of all.
        # The number as asked, then its bare number (as _find_housenumber
        # falls back), then the others.
        kept: list[int] = []
        left = found
        bare = housenumber.rstrip("abcdefghijklmnopqrstuvwxyz")
        for key in dict.fromkeys((housenumber, bare)) if housenumber else ():
            word_id = segment.word_ids.get(f"#n{key}")
            if word_id is not None:
                held = left & segment.postings(word_id)
                kept += sorted(held)[: MAX_CANDIDATES - len(kept)]
                left = left - held
        if len(kept) < MAX_CANDIDATES:
            kept += sorted(left)[: MAX_CANDIDATES - len(kept)]
        return kept, True
    return list(found), False


def _intersect(ordered: list[frozenset[int]]) -> tuple[int, frozenset[int]]:
    """Intersect rarest first, skipping a set that would empty the result.

    Return how many sets were applied, and the documents left.
    """
    found = ordered[0]
    applied = 1
    for postings in ordered[1:]:
        narrower = found & postings
        if narrower:
            found, applied = narrower, applied + 1
    return applied, found


def _query_texts(query: Query) -> tuple[list[str], str]:
    """Return the words to look up and the house number (a lone number is a word)."""
    if not query.words:
        return [query.housenumber], ""
    return list(query.words), query.housenumber


def _words(
    segment: Segment, query: Query, texts: list[str], autocomplete: bool
) -> list[_Word]:
    last = len(texts) - 1
    # The last word as typed, when read as an abbreviation (query.py).
    typed = query.typed_last
    if typed and ABBREVIATIONS.get(typed) != texts[last]:
        typed = ""
    return [
        _expand(
            segment, text, last=i == last, autocomplete=autocomplete,
            loose=text in query.loose and len(texts) > 1,
            typed=typed if i == last else "",
        )
        for i, text in enumerate(texts)
    ]  # fmt: skip


#: A candidate kept by :func:`rank_segment`: score, document, house-number
#: index (-1 for the document itself), latitude, longitude, distance (metres,
#: with a ``lat``/``lon`` bias). A :class:`Result` is built only for those
#: answered (:func:`make_result`), not for every candidate that was scored.
Ranked = tuple[float, int, int, float, float, int | None]


def query_words(segment: Segment, query: Query, *, autocomplete: bool) -> list[_Word]:
    """Return the query's words as one segment holds them (for :func:`rank_segment`)."""
    texts, _number = _query_texts(query)
    return _words(segment, query, texts, autocomplete)


def words_bound(segment: Segment, words: list[_Word], known: frozenset[str]) -> float:
    """Return the best score a segment could give for these words."""
    # Documents are numbered by decreasing importance: the first has the most.
    best_factor = 0.9 + 0.1 * float(segment.doc_imp[0]) if segment.size else 0.0
    return _best_possible(words, known) * best_factor


def segment_bound(
    segment: Segment, query: Query, *, autocomplete: bool, known: frozenset[str]
) -> float:
    """Return the best score a segment could give (to visit the best first)."""
    words = query_words(segment, query, autocomplete=autocomplete)
    return words_bound(segment, words, known)


def search_segment(
    segment: Segment,
    query: Query,
    *,
    autocomplete: bool,
    filters: Filters,
    center: tuple[float, float] | None,
    limit: int,
    floor: float = -1.0,
    known: frozenset[str] = frozenset(),
) -> list[Result]:
    """Return the ``limit`` best results of one segment, best first.

    ``floor`` is the score to beat (the worst of the answers kept so far);
    ``known`` are query words some segment holds exactly (not typos).
    """
    words = query_words(segment, query, autocomplete=autocomplete)
    ranked = rank_segment(
        segment, query, words, filters=filters, center=center, limit=limit,
        floor=floor, known=known,
    )  # fmt: skip
    return [build_result(segment, found) for found in ranked]


def build_result(segment: Segment, found: Ranked) -> Result:
    """Return the result of a candidate kept by :func:`rank_segment`."""
    score, doc, hn_index, lat, lon, distance = found
    result = make_result(segment, doc, hn_index, score, lat, lon)
    result.distance = distance
    return result


def ranked_key(segment: Segment, found: Ranked) -> tuple[str, str]:
    """Return the ``(type, id)`` of a ranked candidate, as its result has."""
    _score, doc, hn_index, *_rest = found
    if hn_index >= 0:
        return "housenumber", segment.hn_id[hn_index]
    return segment.type_name(doc), segment.doc_fields(doc)[0]


def rank_segment(
    segment: Segment,
    query: Query,
    words: list[_Word],
    *,
    filters: Filters,
    center: tuple[float, float] | None,
    limit: int,
    floor: float = -1.0,
    known: frozenset[str] = frozenset(),
    bound: float | None = None,
) -> list[Ranked]:
    """Return the ``limit`` best candidates of one segment, best first.

    ``words`` come from :func:`query_words` for this segment (typo variants
    are added to them here), ``bound`` from :func:`words_bound` when already
    known; see :func:`search_segment` for the rest.
    """
    # Scores never exceed the text score: skip a segment that cannot beat the
    # answers other segments already gave (one source per department stays
    # cheap), before paying for typo variants.
    if bound is None:
        bound = words_bound(segment, words, known)
    if bound < floor:
        return []
    bounded, _by_number = segment_candidates(
        segment, words, filters=filters, known=known,
        housenumber=_query_texts(query)[1], elided=elided_of(query.elided_last, words),
    )  # fmt: skip
    return rank_candidates(
        segment, query, bounded, filters=filters, center=center, limit=limit,
        floor=floor,
    )  # fmt: skip


#: A candidate whose words were scored (:func:`segment_candidates`): the best
#: final score it could reach, its text score, its document.
Bounded = tuple[float, float, int]


def elided_of(elided_last: str, words: list[_Word]) -> str:
    """The elided article and word being typed (" d o" for "Rue d'O",
    ``Query.elided_last``), which a likelier completion's name holds; empty
    when not autocompleting."""
    if elided_last and words and words[-1].typing:
        return f" {elided_last}"
    return ""


def segment_candidates(
    segment: Segment,
    words: list[_Word],
    *,
    filters: Filters,
    known: frozenset[str] = frozenset(),
    housenumber: str = "",
    elided: str = "",
) -> tuple[list[Bounded], bool]:
    """Return a segment's candidates for these words, the most promising first,
    and whether they depend on ``housenumber``.

    Everything here depends on the words and filters, not on a ``lat``/``lon``
    bias, and not on the house number unless the words find more than
    :data:`MAX_CANDIDATES` (those having the number are kept first then):
    batch geocoding keeps the answer for the rows that repeat a street
    (``Index``'s plans) when it does not. Typo variants are added to
    ``words``.
    """
    for word in words:
        if _needs_fuzzy(word, known):
            _add_fuzzy(segment, word)
    asked = housenumber if filters.type != "street" else ""
    candidates, capped = _candidates(segment, words, filters, asked)
    if not candidates:
        return [], False
    # First the text score of every candidate (cheap), with the best final
    # score it could reach; then (rank_candidates) the house numbers and
    # positions of the most promising only.
    scored = [(doc, *_text_score(segment, doc, words)) for doc in candidates]
    # A city or postcode some candidate holds decides between homonymous
    # streets: the candidates that do not hold it there weigh less.
    places = frozenset().union(*(held for _doc, _score, held, _named in scored))
    doc_imp = segment.doc_imp
    bounded = []
    for doc, text_score, held, named in scored:
        if places - held - named:
            text_score *= ELSEWHERE
        if elided and elided not in f" {fold(segment.text['name'][doc])}":
            text_score *= ELIDED
        if text_score:
            # With or without proximity, the final score cannot exceed this.
            most = text_score * (0.9 + 0.1 * float(doc_imp[doc]))
            bounded.append((most, text_score, doc))
    bounded.sort(reverse=True)
    return bounded, capped


def rank_candidates(
    segment: Segment,
    query: Query,
    bounded: list[Bounded],
    *,
    filters: Filters,
    center: tuple[float, float] | None,
    limit: int,
    floor: float = -1.0,
) -> list[Ranked]:
    """Return the ``limit`` best of a segment's candidates, best first.

    House numbers and positions are looked up for the most promising
    candidates only, stopping when no remaining one can enter the top.
    """
    texts, housenumber = _query_texts(query)
    # A number with a digit in its suffix was also kept as a word (query.py);
    # typed once, it may be the name of a path rather than its house number.
    number_token = query.number_token
    named_path = bool(number_token) and texts.count(number_token) == 1
    best: list[Ranked] = []
    kept = -1.0  # the worst score kept here, once ``limit`` are kept
    for most, text_score, doc in bounded:
        if most < floor or (len(best) >= limit and most < kept):
            break
        number = housenumber
        if named_path and number_token in _name_tokens(segment, doc):
            number = ""  # the "number" is the first word of the name ("8P2 Rue …")
        found = _final(segment, doc, text_score, number, filters.type, center)
        if found is not None and (len(best) < limit or found[0] > kept):
            best.append(found)
            best.sort(key=lambda item: -item[0])
            del best[limit:]
            kept = best[-1][0]
    return best


def _name_tokens(segment: Segment, doc: int) -> tuple[str, ...]:
    return segment.doc_tokens(doc)[0]


def _text_score(
    segment: Segment, doc: int, words: list[_Word]
) -> tuple[float, frozenset[str], frozenset[str]]:
    """Score how well a document's words answer the query's (see the module doc).

    Return the score, the query words matched by the city or postcode, and
    those matched as typed (not as a typo) by the name.
    """
    name_tokens, city_tokens = segment.doc_tokens(doc)
    tokens = name_tokens + city_tokens
    matched: set[str] = set()
    places: set[str] = set()
    named: set[str] = set()
    covered = 0.0
    total = 0.0
    typed_to = len(name_tokens)  # the name's tokens typed so far
    for word in words:
        best = 0.0
        best_token = None
        weights = word.weights
        if word.prefix is None and len(weights) <= 1:
            # The common cases, a word standing for one token or none (held
            # by another source only): a membership test.
            for only, weight in weights.items():
                if only in tokens:
                    best, best_token = weight, only
        else:
            for token in tokens:
                if token in matched and tokens.count(token) == 1:
                    # Taken by an earlier word: "Passage Saint-S" asks for a
                    # word after "Saint", not "Saint" twice.
                    continue
                weight = weights.get(token, 0.0)
                if (
                    not weight
                    and word.prefix is not None
                    and token.startswith(word.prefix)
                ):
                    weight = _prefix_weight(word.prefix, token)
                if weight > best:
                    best, best_token = weight, token
        if best_token is not None:
            matched.add(best_token)
            covered += best * len(word.text)
            total += len(word.text)
            if best_token in city_tokens:
                places.add(word.text)
            if not word.fuzzy and best_token in name_tokens:
                named.add(word.text)
            if word.typing and best_token in name_tokens:
                typed_to = name_tokens.index(best_token) + 1
        else:
            total += LOOSE * len(word.text) if word.loose else len(word.text)
    if not covered:
        return 0.0, frozenset(), frozenset()
    # While autocompleting, the name's words after the one being typed are not
    # typed yet: they cost a flat share, whatever their length, so "Rue
    # Saint-" is as much Saint-Didier as Saint-Maur.
    typed = name_tokens[:typed_to]
    name_length = sum(map(len, typed)) or 1
    name_covered = sum(len(t) for t in typed if t in matched)
    name_score = name_covered / name_length
    if typed_to < len(name_tokens):
        name_score *= UNTYPED
    score = 0.6 * covered / total + 0.4 * name_score
    return score, frozenset(places), frozenset(named)


def _final(
    segment: Segment,
    doc: int,
    text_score: float,
    housenumber: str,
    want: str | None,
    center: tuple[float, float] | None,
) -> Ranked | None:
    """Return the final score and place of a candidate, ``None`` when filtered out."""
    hn_index = -1
    if housenumber and want != "street":
        hn_index = _find_housenumber(segment, doc, housenumber)
        if hn_index < 0:
            if want == "housenumber":
                return None
            text_score *= 0.9
        elif housenumber != segment.hn_key[hn_index]:
            text_score *= 0.97
    elif want == "housenumber":
        return None
    importance = float(segment.doc_imp[doc])
    if hn_index >= 0:
        lat = segment.hn_lat[hn_index] / SCALE
        lon = segment.hn_lon[hn_index] / SCALE
    else:
        lat, lon = segment.doc_lat[doc] / SCALE, segment.doc_lon[doc] / SCALE
    distance = None
    if center is None:
        score = text_score * (0.9 + 0.1 * importance)
    else:
        km = distance_m(center[0], center[1], lat, lon) / 1000
        score = text_score * (0.75 + 0.1 * importance + 0.15 / (1 + km))
        distance = round(km * 1000)
    return round(min(score, 1.0), 4), doc, hn_index, lat, lon, distance


def _find_housenumber(segment: Segment, doc: int, key: str) -> int:
    """Return the index of house number ``key`` in a document, -1 when absent.

    A suffix the street does not have falls back to the bare number.
    """
    found = segment.housenumber_at(doc, key)
    if found >= 0:
        return found
    bare = key.rstrip("abcdefghijklmnopqrstuvwxyz")
    if bare != key:
        return segment.housenumber_at(doc, bare)
    return -1


def make_result(
    segment: Segment, doc: int, hn_index: int, score: float, lat: float, lon: float
) -> Result:
    """Build the result for a document, or for one of its house numbers."""
    doc_id, name, postcode, citycode, city, district, context = segment.doc_fields(doc)
    kind = segment.type_name(doc)
    common = {
        "lat": lat,
        "lon": lon,
        "score": score,
        "importance": round(float(segment.doc_imp[doc]), 4),
        "postcode": postcode,
        "citycode": citycode,
        "city": city,
        "district": district,
        "context": context,
        "source": segment.source,
    }
    place = " ".join(part for part in (postcode, city) if part)
    if hn_index >= 0:
        number = segment.hn_label[hn_index]
        return Result(
            id=segment.hn_id[hn_index],
            type="housenumber",
            label=f"{number} {name} {place}".strip(),
            name=f"{number} {name}",
            street=name,
            housenumber=number,
            **common,  # type: ignore[arg-type]
        )
    if kind == "municipality":
        # As Addok: "Rodez", but "Paris 8e Arrondissement 75008 Paris".
        label = f"{name} {place}" if name != city else name
        return Result(
            id=doc_id,
            type=kind,
            label=label,
            name=name,
            **common,  # type: ignore[arg-type]
        )
    street = name if kind == "street" else ""
    return Result(
        id=doc_id,
        type=kind,
        label=f"{name} {place}".strip(),
        name=name,
        street=street,
        **common,  # type: ignore[arg-type]
    )
