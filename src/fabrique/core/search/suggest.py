"""Did you mean: the closest words of the catalogue to a query that finds nothing.

The vocabulary is every word of the indexed titles and summaries, and each
word's stems, with how often they occur, built in the process on the first
empty search and kept until the index changes (at most once a minute). A
catalogue of more than :data:`SYNC_DOCUMENTS` documents is read in a thread
of its own: no request waits for it (reading 100,000 documents takes many
seconds), and searches go on with the previous vocabulary, or without a
suggestion, until it is ready. A word
is looked up by its deletions (the SymSpell idea): two words one edit apart
share a deletion of at most one letter each, so finding candidates is a few
dictionary reads, not a scan. Stems make that reach further: "trotinette"
and "trottinettes" are two edits apart, their stems "trotinet" and
"trottinet" one. The real edit distance then picks the closest key, the most
frequent first, and the word shown is the form seen most for that key.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from fabrique.core.search.index import generation
from fabrique.core.search.models import SearchDocument
from fabrique.core.search.text import Query, fold, stems, words

# Words shorter than this are not corrected: too many neighbours.
MIN_WORD = 4
MAX_DISTANCE = 2
REBUILD_EVERY = 60.0  # seconds, at most, between two builds
MAX_DOCUMENTS = 200_000
#: Catalogues up to this size build their vocabulary in the request itself.
SYNC_DOCUMENTS = 5_000


@dataclass
class Vocabulary:
    counts: Counter[str]  # folded word → occurrences
    shown: dict[str, str]  # folded word → the form seen most (accents kept)
    deletions: dict[str, set[str]]
    generation: object = None
    built: float = 0.0

    def __contains__(self, word: str) -> bool:
        return word in self.counts


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


def build() -> Vocabulary:
    """Read the indexed titles and summaries into a :class:`Vocabulary`."""
    # Words are counted first (in C), then each distinct word is folded and
    # stemmed once: a Zipf vocabulary has a few tens of thousands of them for
    # millions of occurrences.
    seen: Counter[str] = Counter()
    rows = SearchDocument.objects.values_list("title", "summary")[:MAX_DOCUMENTS]
    for title, summary in rows.iterator(chunk_size=2000):
        seen.update(words(f"{title} {summary}"))
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for word, n in seen.items():
        if len(word) >= MIN_WORD and not word.isdigit():
            for key in {fold(word), *stems(word)}:
                counts[key] += n
                forms[key][word] += n
    deletions: dict[str, set[str]] = defaultdict(set)
    for word in counts:
        for variant in _deletions(word):
            deletions[variant].add(word)
    shown = {word: form.most_common(1)[0][0] for word, form in forms.items()}
    return Vocabulary(counts, shown, dict(deletions))


def distance(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (with adjacent transpositions)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost
            )
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def closest(word: str, vocabulary: Vocabulary) -> str | None:
    """The vocabulary word nearest to ``word`` (folded), or None."""
    folded = fold(word)
    if len(folded) < MIN_WORD or folded in vocabulary or folded.isdigit():
        return None
    best: tuple[int, int, str] | None = None
    for form in {folded, *stems(word)}:
        candidates: set[str] = set()
        for variant in _deletions(form):
            candidates |= vocabulary.deletions.get(variant, set())
        for candidate in candidates:
            d = distance(form, candidate)
            if d <= MAX_DISTANCE:
                key = (d, -vocabulary.counts[candidate], candidate)
                best = key if best is None or key < best else best
    return vocabulary.shown[best[2]] if best else None


_lock = threading.Lock()
_current: Vocabulary | None = None
_building: threading.Thread | None = None


def _stale(current: Vocabulary | None, now: float) -> bool:
    return current is None or (
        current.generation != generation() and now - current.built > REBUILD_EVERY
    )


def _build_now(now: float) -> Vocabulary:
    global _current
    current = build()
    current.generation, current.built = generation(), now
    _current = current
    return current


def _build_in_background(now: float) -> None:
    global _building
    from django.db import connection

    try:
        _build_now(now)
    finally:
        connection.close()
        with _lock:
            _building = None


def vocabulary() -> Vocabulary | None:
    """This process's vocabulary, rebuilt when the index has changed.

    ``None`` while a large catalogue's first vocabulary is being read.
    """
    global _building
    with _lock:
        now = time.monotonic()
        current = _current
        if not _stale(current, now) or _building is not None:
            return current
        if not SearchDocument.objects.all()[SYNC_DOCUMENTS:].exists():
            return _build_now(now)
        _building = threading.Thread(
            target=_build_in_background,
            args=(now,),
            name="search-vocabulary",
            daemon=True,
        )
        _building.start()
        return current


def wait_for_vocabulary(timeout: float | None = None) -> Vocabulary | None:
    """Wait for a vocabulary being read in the background (benchmarks, tests)."""
    building = _building
    if building is not None:
        building.join(timeout)
    return _current


def reset() -> None:
    """Forget the vocabulary (tests, after loading documents)."""
    global _current
    with _lock:
        _current = None


def suggest(query: Query) -> str | None:
    """The query with its unknown words replaced by the closest known ones.

    Empty when every word is known or none has a close neighbour; ``None``
    while the vocabulary is still being read.
    """
    if not query:
        return ""
    known = vocabulary()
    if known is None:
        return None
    changed = False
    terms = []
    for term in query.terms:
        replacement = closest(term, known)
        if replacement and fold(replacement) != fold(term):
            changed = True
            terms.append(replacement)
        else:
            terms.append(term)
    return " ".join(terms) if changed else ""
