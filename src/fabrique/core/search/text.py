"""Text processing shared by every search backend: folding, tokens, stems, queries.

Text is folded (Unicode compatibility form, accents removed, lower case) and
cut into tokens made of letters and digits only, so a token can never carry an
operator of FTS5 or of PostgreSQL's ``tsquery`` syntax. The same functions run
at index time and at query time: "Vélos partagés" and "velo partage" meet.

>>> parse_query('Vélo "partagé" NEAR(')
Query(terms=('vélo', 'partagé', 'near'), prefix=False)
>>> stems("partager")
('partag',)
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer

# Longest query we look at; anything past it is ignored, not an error.
MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 12
# Tokens longer than this are noise (hashes, base64): cut, not dropped.
MAX_TOKEN_CHARS = 40

# Function words left out of queries (they stay indexed): "vélo de Lyon"
# must find "Vélos à Lyon". Folded forms, French then English.
STOPWORDS = frozenset(
    """
    a au aux avec ce ces cet cette d dans de des du elle elles en est et il ils
    je l la le les leur leurs ma mes mon n ne nos notre nous on ou par pas pour
    qu que qui s sa sans se ses son sont sur ta tes ton tu un une vos votre vous y
    an and are as at be by for from in is it of on or that the these this those
    to was were with
    """.split()  # noqa: SIM905 - a block of words reads better
)

_TOKEN = re.compile(r"[^\W_]+")
# A Snowball stemmer keeps the word it works on in itself: one shared by two
# threads (a request and the did-you-mean vocabulary read in the background)
# mixes their words up, giving wrong stems or failing. One pair per thread.
_stemmers = threading.local()


def _stemmer_pair() -> tuple[Any, Any]:
    pair: tuple[Any, Any] | None = getattr(_stemmers, "pair", None)
    if pair is None:
        pair = (snowballstemmer.stemmer("french"), snowballstemmer.stemmer("english"))
        _stemmers.pair = pair
    return pair


def fold(text: str) -> str:
    """Lower-case ``text`` and remove its accents ("Vélo" → "velo")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def words(text: str) -> list[str]:
    """The lower-case words and numbers of ``text``, accents kept, in order."""
    lowered = unicodedata.normalize("NFC", text).casefold()
    return [word[:MAX_TOKEN_CHARS] for word in _TOKEN.findall(lowered)]


def tokens(text: str) -> list[str]:
    """The folded words and numbers of ``text``, in order."""
    return [fold(word) for word in words(text)]


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, ...]:
    """The folded stems of a lower-case word: French, then English.

    French Snowball reads accents ("partagée" → "partag"), so the accented
    word is stemmed, then the folded one for users who type no accent
    ("partagee" → "partage"); the English stem of the folded word comes last.
    """
    folded = fold(word)
    french, english = _stemmer_pair()
    found = (
        fold(french.stemWord(word)),
        french.stemWord(folded),
        english.stemWord(folded),
    )
    return tuple(dict.fromkeys(stem for stem in found if stem))


def stemmed_text(text: str) -> str:
    """``text`` as space-separated stems, as stored in the SQLite FTS5 index."""
    return " ".join(stem for word in words(text) for stem in stems(word))


@dataclass(frozen=True)
class Query:
    """A parsed user query: lower-case terms (accents kept), all required.

    ``prefix`` is true when the last term is still being typed (the query did
    not end with a space), so it also matches longer words.
    """

    terms: tuple[str, ...]
    prefix: bool = False

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def text(self) -> str:
        """The normalised query, e.g. as a cache key."""
        return " ".join(self.terms) + ("*" if self.prefix else "")


def parse_query(raw: object) -> Query:
    """Parse what a user typed; never raises, whatever the input.

    Operators of any search syntax (quotes, ``*``, ``NEAR``, ``AND``,
    parentheses, ``:``, ``&``, ``|``, ``!``) are plain text here: only letters
    and digits survive, and every term is required. Function words
    (:data:`STOPWORDS`) are left out, unless nothing else was typed.
    """
    if not isinstance(raw, str):
        return Query(terms=())
    raw = raw[:MAX_QUERY_CHARS]
    found = words(raw)
    terms: list[str] = []
    for token in found:
        if token not in terms:
            terms.append(token)
    # The last word is a prefix while it is being typed: the query ends in it.
    prefix = bool(terms) and bool(_TOKEN.match(raw[-1:])) and terms[-1] == found[-1]
    kept = [
        term
        for position, term in enumerate(terms)
        if fold(term) not in STOPWORDS or (prefix and position == len(terms) - 1)
    ]
    if kept:
        prefix = prefix and kept[-1] == terms[-1]
        terms = kept
    return Query(terms=tuple(terms[:MAX_QUERY_TERMS]), prefix=prefix)
