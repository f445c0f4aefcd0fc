"""The skills taxonomy, and free-text skills mapped onto it.

The taxonomy is data (``skills_data/taxonomy.toml``): five families —
vehicle, infrastructure, energy, information, system — each with skills
labelled in French and English and the other words people use for them.
People and actors write their skills as free text ("réparation vélo",
"GTFS"); :func:`codes_for` maps such text onto skill codes, folding accents,
case, punctuation and plurals, so matching compares like with like.

>>> codes_for(["Réparation Vélo", "GTFS-RT"])
['vehicle.bike_mechanics', 'information.transport_data']
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TAXONOMY_FILE = Path(__file__).with_name("skills_data") / "taxonomy.toml"
FAMILIES = ("vehicle", "infrastructure", "energy", "information", "system")


@dataclass(frozen=True)
class Skill:
    code: str  # "family.skill"
    family: str
    fr: str
    en: str
    aliases: tuple[str, ...]
    exact: tuple[str, ...] = ()  # aliases that count only written alone

    def label(self, language: str = "fr") -> str:
        return self.en if language.startswith("en") else self.fr


@dataclass(frozen=True)
class Family:
    code: str
    fr: str
    en: str
    skills: tuple[Skill, ...]

    def label(self, language: str = "fr") -> str:
        return self.en if language.startswith("en") else self.fr


def fold(text: str) -> str:
    """Lower case, no accents, words separated by one space, plurals dropped.

    >>> fold("  Vélos-Cargo  ")
    'velo cargo'
    """
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", plain)
    return " ".join(_singular(word) for word in words)


def _singular(word: str) -> str:
    # One letter at most, and never one that leaves a word folding again
    # ("boxs" stays): folding a folded text changes nothing.
    if len(word) > 3 and word[-1] in "sx" and word[-2] not in "sx":
        return word if word.endswith("us") else word[:-1]
    return word


@cache
def taxonomy() -> tuple[Family, ...]:
    """The families and their skills, in the file's order."""
    with TAXONOMY_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    unknown = set(data) - set(FAMILIES)
    if unknown:
        raise ValueError(
            f"{TAXONOMY_FILE.name}: unknown families {sorted(unknown)}; "
            f"expected {', '.join(FAMILIES)}"
        )
    families = []
    for code in FAMILIES:
        entry = data[code]
        skills = tuple(
            Skill(
                code=f"{code}.{key}",
                family=code,
                fr=value["fr"],
                en=value["en"],
                aliases=tuple(value.get("aliases", ())),
                exact=tuple(value.get("exact", ())),
            )
            for key, value in entry.get("skills", {}).items()
        )
        families.append(Family(code, entry["fr"], entry["en"], skills))
    return tuple(families)


@cache
def skills_by_code() -> dict[str, Skill]:
    return {skill.code: skill for family in taxonomy() for skill in family.skills}


@cache
def _terms(exact: bool = False) -> tuple[tuple[tuple[str, ...], str], ...]:
    """(folded words of a label or alias, skill code), longest terms first;
    with ``exact``, also the aliases that count only written alone."""
    terms: dict[tuple[str, ...], str] = {}
    for skill in skills_by_code().values():
        texts = (skill.fr, skill.en, *skill.aliases, *(skill.exact if exact else ()))
        for text in texts:
            words = tuple(fold(text).split())
            if words:
                terms.setdefault(words, skill.code)
    return tuple(sorted(terms.items(), key=lambda item: -len(item[0])))


def code_for(text: str) -> str | None:
    """The skill code a free-text skill stands for, or None.

    An exact match of a label or alias wins; otherwise the longest label or
    alias whose every word is in the text ("mécanique vélo cargo" is a cargo
    bike skill).
    """
    folded = fold(text)
    if not folded:
        return None
    if folded in skills_by_code():
        return folded
    words = folded.split()
    exact = tuple(words)
    for term, code in _terms(exact=True):
        if term == exact:
            return code
    present = set(words)
    for term, code in _terms():
        if set(term) <= present:
            return code
    return None


def codes_for(texts: Iterable[str]) -> list[str]:
    """The skill codes of free-text skills, in order, without repeats."""
    codes: dict[str, None] = {}
    for text in texts:
        if isinstance(text, str) and text in skills_by_code():
            codes[text] = None
            continue
        code = code_for(str(text)) if isinstance(text, str | int) else None
        if code:
            codes[code] = None
    return list(codes)


def codes_in_text(text: str) -> list[str]:
    """Skill codes whose label or an alias appears as words in ``text``."""
    words = fold(text).split()
    if not words:
        return []
    found: dict[str, None] = {}
    joined = f" {' '.join(words)} "
    for term, code in _terms():
        if f" {' '.join(term)} " in joined:
            found[code] = None
    return list(found)


def label(code: str, language: str = "fr") -> str:
    skill = skills_by_code().get(code)
    return skill.label(language) if skill else code


def choices(language: str = "fr") -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a form field: (family label, [(code, label), …])."""
    return [
        (family.label(language), [(s.code, s.label(language)) for s in family.skills])
        for family in taxonomy()
    ]


def merge(
    existing: Iterable[str], picked: Iterable[str], language: str = "fr"
) -> list[str]:
    """A person's free-text skills after picking taxonomy skills ``picked``.

    Texts that map to no taxonomy skill stay as written; a taxonomy skill kept
    keeps the person's own wording; one newly picked is added by its label;
    one no longer picked goes.

    >>> merge(["réparation vélo", "cuisine", "GTFS"], ["information.transport_data",
    ...        "energy.batteries"], "fr")
    ['cuisine', 'GTFS', 'Batteries']
    """
    wanted = [code for code in dict.fromkeys(picked) if code in skills_by_code()]
    result: list[str] = []
    kept: set[str] = set()
    for text in existing:
        code = code_for(text)
        if code is None:
            result.append(text)
        elif code in wanted and code not in kept:
            result.append(text)
            kept.add(code)
    result += [label(code, language) for code in wanted if code not in kept]
    return result
