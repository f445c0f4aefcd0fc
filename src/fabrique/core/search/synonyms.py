"""French and English words of the field that a search treats as one.

The groups are data (``synonyms.toml`` beside this module): "bike" finds the
commons that say "vélo", "covoiturage" those that say "carpooling". A word
belongs to a group when one of its stems is a stem of a word of the group, so
plurals and accents need no entry of their own ("vélos", "velo").

>>> alternatives("vélos")  # doctest: +SKIP
('bicyclette', 'bike', 'bicycle', 'cycle')
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from fabrique.core.search.text import fold, stems


@cache
def _groups() -> dict[str, tuple[str, ...]]:
    """Each stem of each word of a group → the group's words."""
    source = resources.files("fabrique.core.search") / "synonyms.toml"
    with source.open("rb") as handle:
        groups = tomllib.load(handle)["groups"]
    by_stem: dict[str, tuple[str, ...]] = {}
    for group in groups:
        words = tuple(dict.fromkeys(word.casefold() for word in group))
        for word in words:
            for stem in stems(word):
                by_stem.setdefault(stem, words)
    return by_stem


def alternatives(term: str) -> tuple[str, ...]:
    """The other words of ``term``'s group, or nothing."""
    by_stem = _groups()
    for stem in stems(term):
        group = by_stem.get(stem)
        if group:
            own = set(stems(term)) | {fold(term)}
            return tuple(
                word
                for word in group
                if fold(word) not in own and not own & set(stems(word))
            )
    return ()
