"""Text processing shared by every search backend: folding, tokens, stems, queries.

Text is folded (Unicode compatibility form, accents removed, lower case) and
cut into tokens made of letters and digits only, so a token can never carry an
operator of FTS5 or of PostgreSQL's ``tsquery`` syntax. The same functions run
at index time and at query time: "Vélos partagés" and "velo partage" meet.

>>> parse_query('Vélo "partagé" NEAR(')
Query(terms=('velo', 'partage', 'near'), prefix=True)
>>> stems("partager")
('partag',)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# Longest query we look at; anything past it is ignored, not an error.
MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 12
# Tokens longer than this are noise (hashes, base64): cut, not dropped.
MAX_TOKEN_CHARS = 40

_TOKEN = re.compile(r"[^\W_]+")
_FRENCH = snowballstemmer.stemmer("french")
_ENGLISH = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower-case ``text`` and remove its accents ("Vélo" → "velo")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def tokens(text: str) -> list[str]:
    """The folded words and numbers of ``text``, in order."""
    return [token[:MAX_TOKEN_CHARS] for token in _TOKEN.findall(fold(text))]


@lru_cache(maxsize=65536)
def stems(token: str) -> tuple[str, ...]:
    """The French stem of a folded token, then its English stem if different."""
    french = _FRENCH.stemWord(token)
    english = _ENGLISH.stemWord(token)
    return (french,) if english == french else (french, english)


def stemmed_text(text: str) -> str:
    """``text`` as space-separated stems, as stored in the SQLite FTS5 index."""
    return " ".join(stem for token in tokens(text) for stem in stems(token))


@dataclass(frozen=True)
class Query:
    """A parsed user query: folded terms, all required.

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
        return " ".join(self.terms) + ("*" if self.prefix and self.terms else "")


def parse_query(raw: object) -> Query:
    """Parse what a user typed; never raises, whatever the input.

    Operators of any search syntax (quotes, ``*``, ``NEAR``, ``AND``,
    parentheses, ``:``, ``&``, ``|``, ``!``) are plain text here: only letters
    and digits survive, and every term is required.
    """
    if not isinstance(raw, str):
        return Query(terms=())
    raw = raw[:MAX_QUERY_CHARS]
    found = tokens(raw)
    terms: list[str] = []
    for token in found:
        if token not in terms:
            terms.append(token)
    terms = terms[:MAX_QUERY_TERMS]
    # The last word is a prefix while it is being typed: the query ends in it.
    last_char = raw.rstrip("\x00")[-1:] if raw else ""
    typing = bool(terms) and bool(found) and bool(_TOKEN.match(fold(last_char)))
    prefix = typing and terms[-1] == found[-1]
    return Query(terms=tuple(terms), prefix=prefix)
