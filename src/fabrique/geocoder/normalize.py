"""French text normalisation shared by the index and the queries.

Both sides go through the same pipeline, so "Av. du Général-Leclerc" in a
file and "av du gal leclerc" typed by a user become the same tokens:
``avenue du general leclerc``. The steps are ordered lists resolved once
(:data:`TOKEN_PROCESSORS`), in the spirit of Addok's processor paths.

Example::

    >>> tokenize("12 bis, Av. du Général-Leclerc")
    ['12', 'bis', 'avenue', 'du', 'general', 'leclerc']
    >>> housenumber_key("12", "bis")
    '12b'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

# Contractions a user may type, mapped to the full word written in BAN files.
ABBREVIATIONS: dict[str, str] = {
    "all": "allee",
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "bvd": "boulevard",
    "boul": "boulevard",
    "ch": "chemin",
    "che": "chemin",
    "chem": "chemin",
    "cite": "cite",
    "crs": "cours",
    "dr": "docteur",
    "esp": "esplanade",
    "fbg": "faubourg",
    "fg": "faubourg",
    "gal": "general",
    "gen": "general",
    "ham": "hameau",
    "imp": "impasse",
    "lot": "lotissement",
    "mal": "marechal",
    "mgr": "monseigneur",
    "pass": "passage",
    "pdt": "president",
    "pl": "place",
    "pont": "pont",
    "prof": "professeur",
    "prom": "promenade",
    "qu": "quai",
    "r": "rue",
    "res": "residence",
    "rpt": "rond point",
    "rte": "route",
    "sq": "square",
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "vla": "villa",
}

# Numbers written in words, mostly seen in street names ("Rue du Quatre-Septembre").
# "un" / "une" are left alone: they are ordinary words too often.
NUMBER_WORDS: dict[str, str] = {
    "premier": "1",
    "premiere": "1",
    "deux": "2",
    "deuxieme": "2",
    "second": "2",
    "seconde": "2",
    "trois": "3",
    "troisieme": "3",
    "quatre": "4",
    "quatrieme": "4",
    "cinq": "5",
    "cinquieme": "5",
    "six": "6",
    "sixieme": "6",
    "sept": "7",
    "septieme": "7",
    "huit": "8",
    "huitieme": "8",
    "neuf": "9",
    "neuvieme": "9",
    "dix": "10",
    "dixieme": "10",
    "onze": "11",
    "onzieme": "11",
    "douze": "12",
    "douzieme": "12",
    "treize": "13",
    "quatorze": "14",
    "quinze": "15",
    "seize": "16",
    "vingt": "20",
    "trente": "30",
}

# House-number suffix words, reduced to one letter so "12bis", "12 bis" and "12b"
# meet; other suffixes ("a", "bv", "ta" in Paris) are kept as they are.
SUFFIXES: dict[str, str] = {
    "bis": "b",
    "ter": "t",
    "quater": "q",
    "quinquies": "c",
    "sexies": "s",
}

# Elided articles and prepositions ("l'", "d'") carry no meaning once split.
ELISIONS = frozenset({"l", "d"})

_ORDINAL = re.compile(r"^(\d+)(?:er|ere|eme|e|nd|nde|ieme)$")
_NUMBER_WITH_SUFFIX = re.compile(r"^(\d{1,4})([a-z]+\d{0,2})$")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """Lower-case, strip accents, turn punctuation and controls into spaces."""
    if text.isascii():
        # No ligature nor accent to undo (most rows of a batch file): the
        # same as below, without the copies.
        return _NOT_WORD.sub(" ", text.lower()).strip()
    return _fold_unicode(text)


def _fold_unicode(text: str) -> str:
    text = text.translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_WORD.sub(" ", ascii_text).strip()


def _split(words: list[str]) -> list[str]:
    return [w for word in words for w in word.split()]


def _drop_elisions(words: list[str]) -> list[str]:
    # A lone letter before a word ("l eglise") is noise; keep a final one (the
    # prefix being typed) and one after a number (a house-number suffix).
    return [
        w
        for i, w in enumerate(words)
        if not (
            w in ELISIONS
            and i + 1 < len(words)
            and words[i + 1].isalpha()
            and not (i > 0 and words[i - 1].isdigit())
        )
    ]


def _expand_abbreviations(words: list[str]) -> list[str]:
    return _split([ABBREVIATIONS.get(w, w) for w in words])


def _numbers_in_words(words: list[str]) -> list[str]:
    out = []
    for w in words:
        match = _ORDINAL.match(w)
        out.append(match.group(1) if match else NUMBER_WORDS.get(w, w))
    return out


TOKEN_PROCESSORS: tuple[Callable[[list[str]], list[str]], ...] = (
    _drop_elisions,
    _expand_abbreviations,
    _numbers_in_words,
)


def tokenize(text: str) -> list[str]:
    """Return the normalised tokens of ``text`` (see the module example)."""
    return tokenize_words(fold(text).split())


def tokenize_words(words: list[str]) -> list[str]:
    """Return the normalised tokens of words already folded (:func:`fold`)."""
    for processor in TOKEN_PROCESSORS:
        words = processor(words)
    return words


def typed_as_is(typed: list[str], tokens: list[str]) -> list[bool]:
    """Tell, for each of ``tokens`` (the tokens of the folded words ``typed``),
    whether it stands as typed: "11" does, the "11" of "11e" or "onze" not.

    >>> typed_as_is(["paris", "11e", "r", "d", "artois", "4"],
    ...             ["paris", "11", "rue", "artois", "4"])
    [True, False, False, True, True]
    """
    kept = iter(_drop_elisions(typed))
    following = next(kept, None)
    flags = []
    for word in typed:
        if word != following:
            continue  # an elided article, dropped
        following = next(kept, None)
        for token in _numbers_in_words(_expand_abbreviations([word])):
            flags.append(token == word)
    # Aligned with ``tokens`` by construction; if not, trust no number.
    return flags if len(flags) == len(tokens) else [False] * len(tokens)


def housenumber_key(number: str, suffix: str = "") -> str:
    """Return the lookup key of a house number: digits plus one suffix letter.

    >>> housenumber_key("007", "Quater")
    '7q'
    """
    digits = number.strip().lstrip("0") or "0"
    folded = fold(suffix).replace(" ", "")
    return f"{digits}{SUFFIXES.get(folded, folded)}"


def housenumber_label(number: str, suffix: str = "") -> str:
    """Return the house number as displayed: ``12bis``, ``3 B`` → ``3b``."""
    digits = number.strip().lstrip("0") or "0"
    return f"{digits}{fold(suffix).replace(' ', '')}"


def split_housenumber(token: str) -> tuple[str, str] | None:
    """Split ``12bis`` into ``("12", "bis")``; ``None`` when not a house number."""
    if token.isdigit() and len(token) <= 4:
        return token, ""
    match = _NUMBER_WITH_SUFFIX.match(token)
    # Short suffixes only ("b", "ter", Paris's "bv" or "p3"), not words.
    if match and (match.group(2) in SUFFIXES or len(match.group(2)) <= 3):
        return match.group(1), match.group(2)
    return None


def is_suffix(token: str) -> bool:
    """Tell whether a token following a number is a house-number suffix."""
    return token in SUFFIXES or (len(token) == 1 and token.isalpha())


def edits1(
    word: str, alphabet: str = "abcdefghijklmnopqrstuvwxyz0123456789"
) -> set[str]:
    """Every string one edit away (deletion, transposition, substitution, insertion)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in alphabet]
    inserts = [a + c + b for a, b in splits for c in alphabet]
    return set(deletes + transposes + replaces + inserts)


def unique(tokens: Iterable[str]) -> list[str]:
    """Keep the first occurrence of each token, in order."""
    return list(dict.fromkeys(tokens))


# Spellings that sound alike in French, rewritten to one form, in order
# ("eau" before "au", "ain" before "ai"). A word typed as heard ("Mobert",
# "Filipe", "Chantié") meets the name as written ("Maubert", "Philippe",
# "Chantier") when both reduce to the same key.
_SOUNDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"(?<=[a-z])(?:er|ez|et|ed)$", "e"),
        (r"eaux?|aux?$|au", "o"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"(?:qu|ck|c(?=[aou])|k)", "k"),
        (r"c(?=[eiy])", "s"),
        (r"y", "i"),
        (r"[ae]i[nm](?![aeiou])", "in"),
        (r"[ae]i", "e"),
        (r"(?<=[^cs])h|^h", ""),
        (r"(?<=[a-z]{3})[stdx]$", ""),
        (r"(.)\1+", r"\1"),
    )
)


def sounds_like(word: str) -> str:
    """Return a key shared by French spellings that sound alike.

    >>> sounds_like("mobert") == sounds_like("maubert")
    True
    """
    for pattern, replacement in _SOUNDS:
        word = pattern.sub(replacement, word)
    return word
