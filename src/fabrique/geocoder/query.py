"""Parse a search query into a house number and words, refusing bad input.

>>> q = parse_query("12 bis, av. du Général Leclerc 75014")
>>> q.housenumber, q.words
('12b', ('avenue', 'du', 'general', 'leclerc', '75014'))
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from .documents import RESULT_TYPES
from .errors import GeocoderError
from .normalize import (
    ABBREVIATIONS,
    ELISIONS,
    SUFFIXES,
    fold,
    housenumber_key,
    is_suffix,
    split_housenumber,
    tokenize_words,
    typed_as_is,
)

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
# Words before a number that belongs to the street's name ("Rue du 4 Septembre").
NAME_BEFORE_NUMBER = frozenset({"du", "de", "des"})
MAX_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: the house-number key (``""`` when none) and the words."""

    text: str
    housenumber: str
    words: tuple[str, ...]
    # Words that may be noise: a building name or "chez Dupont" before the
    # number, another number. They count when a document holds them, little
    # when it does not, and never narrow the candidates to nothing.
    loose: frozenset[str] = frozenset()
    # The house number as typed, also kept among the words when it may belong
    # to the name instead ("8P2 Rue …", "Rue du 8 Mai 1945"); search decides.
    number_token: str = ""
    # The last word as typed when it was read as an abbreviation ("boul" for
    # boulevard): while autocompleting, it may be the start of another word
    # ("Rue des Boul…" for Bouleaux); search tries both.
    typed_last: str = ""
    # The last word with the elided article typed before it ("d o" for
    # "Rue d'O"), which the words drop: while autocompleting, a name that
    # has it ("Rue d'Orsel") is a likelier completion than one that has not
    # ("Rue Ordener").
    elided_last: str = ""


def parse_query(text: object) -> Query:
    """Parse ``text``; raise :class:`GeocoderError` when it cannot be searched."""
    if not isinstance(text, str):
        raise GeocoderError(f"the query must be text, not {type(text).__name__}")
    if len(text) > MAX_QUERY_LENGTH:
        raise GeocoderError(
            f"the query is {len(text)} characters long, at most "
            f"{MAX_QUERY_LENGTH} are accepted"
        )
    # Only digits typed as digits make a house number ("quatre septembre" does not).
    typed = fold(text).split()
    tokens = _tokens(typed)
    if not tokens:
        raise GeocoderError("the query is empty (no letter or digit)")
    query = _parse(text, typed, tokens)
    last = typed[-1]
    if (
        len(typed) >= 2
        and typed[-2] in ELISIONS
        and last.isalpha()
        and not (len(typed) >= 3 and typed[-3].isdigit())
    ):
        query = replace(query, elided_last=f"{typed[-2]} {last}")
    if query.words and ABBREVIATIONS.get(last) == query.words[-1]:
        return replace(query, typed_last=last)
    return query


def _tokens(typed: list[str]) -> list[str]:
    """Return :func:`tokenize_words` of folded words, the same, faster for rows
    that start with a house number."""
    if typed and typed[0].isdigit():
        # A number is its own token, and the tokens after it depend on the
        # words after it only: kept for the rows of the same street.
        return [typed[0], *_tokens_after_number(tuple(typed[1:]))]
    return tokenize_words(typed)


@lru_cache(maxsize=8192)
def _tokens_after_number(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(tokenize_words(["0", *words])[1:])


def _parse(text: str, typed: list[str], tokens: list[str]) -> Query:
    housenumber = ""
    parts = split_housenumber(tokens[0]) if typed[0][:1].isdigit() else None
    if parts is not None and len(tokens) > 1:
        number, suffix = parts
        rest = tokens[1:]
        if not suffix and len(rest) > 1 and is_suffix(rest[0]):
            suffix, rest = rest[0], rest[1:]
        housenumber = housenumber_key(number, suffix)
        # Paris names some paths after a number ("8P2 Rue …"): such a token is
        # kept as a word too, and search decides which it was (see search.py).
        if any(c.isdigit() for c in suffix):
            return _query(text, housenumber, [tokens[0], *rest], tokens[0])
        return _query(text, housenumber, rest, "")
    found = _number_elsewhere(tokens, typed_as_is(typed, tokens))
    if found is None:
        return _query(text, "", tokens, "")
    at, end, housenumber = found
    before, after = tokens[:at], tokens[end:]
    words = [*before, tokens[at], *after]
    # Before a number followed by its street, words are noise or a city.
    loose = before if after and after[0].isalpha() else []
    return _query(text, housenumber, words, tokens[at], loose)


def _query(
    text: str,
    housenumber: str,
    words: list[str],
    number_token: str,
    loose: list[str] | tuple[str, ...] = (),
) -> Query:
    words = words[:MAX_WORDS]
    # A number that is not the house number ("Paris 11e") may be noise too.
    others = {w for w in words if w.isdigit() and len(w) <= 4}
    return Query(
        text=text,
        housenumber=housenumber,
        words=tuple(words),
        loose=frozenset(loose) | others | ({number_token} if number_token else set()),
        number_token=number_token,
    )


def _number_elsewhere(
    tokens: list[str], typed: list[bool]
) -> tuple[int, int, str] | None:
    """Find a house number that is not the first word.

    Return its position, the position after it (and its suffix), and its key:
    the first number followed by a street ("chez Dupont 7 rue Oberkampf")
    unless it is a date in the name with a number after it ("Avenue du 11
    Novembre 12"), else the last one ("Rue de Charonne 45 75011"). Only a
    number typed as such counts ("11e" or "onze" are not house numbers).
    """
    found: list[tuple[int, int, str, bool]] = []
    for i, token in enumerate(tokens):
        if i == 0 or not typed[i]:
            continue
        parts = split_housenumber(token)
        if parts is None:
            continue
        number, suffix = parts
        end = i + 1
        if not suffix and end < len(tokens) and tokens[end] in SUFFIXES:
            suffix, end = tokens[end], end + 1
        street_follows = (
            end < len(tokens) and tokens[end].isalpha() and not is_suffix(tokens[end])
        )
        found.append((i, end, housenumber_key(number, suffix), street_follows))
    if not found:
        return None
    for i, end, key, street_follows in found:
        # "Avenue du 11 Novembre 12": a number after "du" belongs to the name
        # when another number follows.
        dated = tokens[i - 1] in NAME_BEFORE_NUMBER and found[-1][0] > i
        if street_follows and not dated:
            return i, end, key
    i, end, key, _street_follows = found[-1]
    return i, end, key


def check_type(value: str | None) -> str | None:
    """Return a valid result type filter, or raise naming the allowed ones."""
    if value in (None, ""):
        return None
    if value not in RESULT_TYPES:
        raise GeocoderError(f"type {value!r} is not one of {', '.join(RESULT_TYPES)}")
    return value


def check_code(name: str, value: str | None) -> str | None:
    """Return a postcode or city code filter, refusing anything but 2–10 characters."""
    if value in (None, ""):
        return None
    assert value is not None
    if not (2 <= len(value) <= 10 and value.isalnum() and value.isascii()):
        raise GeocoderError(f"{name} {value!r} is not a valid code")
    return value.upper() if name == "citycode" else value


def check_point(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    """Return ``(lat, lon)`` when both are given and in range; ``None`` when neither."""
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise GeocoderError("lat and lon must be given together")
    for name, value, bound in (("lat", lat, 90), ("lon", lon, 180)):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise GeocoderError(f"{name} must be a number")
        if math.isnan(value) or not -bound <= value <= bound:
            raise GeocoderError(f"{name} {value!r} is not between -{bound} and {bound}")
    return float(lat), float(lon)


def check_limit(limit: int) -> int:
    """Return ``limit`` when it is between 1 and :data:`MAX_LIMIT`."""
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise GeocoderError("limit must be an integer")
    if not 1 <= limit <= MAX_LIMIT:
        raise GeocoderError(f"limit {limit} is not between 1 and {MAX_LIMIT}")
    return limit
