"""The rules' texts in other languages than English, held as data.

Each language has a TOML file beside this module (``texts_fr.toml``) with a
table per code: ``description`` (one line) and, where the rule has one,
``doc``. English is the registry itself.

>>> from fabrique.gtfs.rules.registry import RULES
>>> text = rule_text(RULES["unused_trip"], "fr")  # doctest: +SKIP
>>> text.language, text.description  # doctest: +SKIP
('fr', 'Un voyage n’a aucun horaire.')
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fabrique.gtfs.rules.registry import Rule

LANGUAGES = ("fr",)


@dataclass(frozen=True)
class RuleText:
    """A rule's description and documentation in one language."""

    description: str
    doc: str
    language: str


@cache
def texts(language: str) -> dict[str, dict[str, str]]:
    """Every translated text of ``language``, by code (empty for English)."""
    if language not in LANGUAGES:
        return {}
    source = resources.files("fabrique.gtfs.rules") / f"texts_{language}.toml"
    with source.open("rb") as handle:
        loaded = tomllib.load(handle)
    return {code: dict(entry) for code, entry in loaded.items()}


def rule_text(rule: Rule, language: str) -> RuleText:
    """``rule``'s texts in ``language``, or in English where none is written."""
    language = language.split("-")[0].lower()
    entry = texts(language).get(rule.code)
    if not entry:
        return RuleText(rule.description, rule.doc, "en")
    return RuleText(entry["description"], entry.get("doc", ""), language)
