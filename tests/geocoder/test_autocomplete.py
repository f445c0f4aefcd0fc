"""Autocompletion: an address typed from its start, the last word cut short.

Each test reads a small index built here, so the answer depends on the
behaviour under test only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from fabrique.geocoder.index import Index, build_source

from .test_query_shapes import HEADER

# The many streets starting "Rue Saint-" of a big city, each with numbers 1–10,
# more important than the short one that alone has a 29 and a 29ba.
SAINTS = [f"Rue Saint-{a}{b}{c}ville" for a in "BCFGHJKLMNPRT" for b in "aeiou"
          for c in "ln"]  # fmt: skip
PARIS = [
    ("Passage Saint-Bernard", "75011", "75111", range(1, 60), ""),
    ("Passage Saint-Sébastien", "75011", "75111", range(1, 5), ""),
    ("Rue des Bergers", "75015", "75115", range(1, 60), ""),
    *((street, "75010", "75110", range(1, 11), "") for street in SAINTS),
    ("Rue Saint-Didier", "75016", "75116", range(29, 30), "ba"),
    ("Rue Saint-Didier", "75016", "75116", range(29, 30), ""),
    ("Rue Saint-Lô", "75010", "75110", range(1, 60), ""),
    ("Rue Portal", "75010", "75110", range(1, 60), ""),
    ("Rue de Port-Mahon", "75002", "75102", range(1, 5), ""),
    ("Rue des Arts", "75002", "75102", range(1, 5), ""),
    ("Rue des Arts Prolongée", "75002", "75102", range(1, 60), ""),
    ("Rue Ordener", "75018", "75118", range(1, 90), ""),
    ("Rue d'Orsel", "75018", "75118", range(1, 9), ""),
]
TOWNS = [("Rue des Bergeronnettes", "12850", "12176", range(1, 40), "")]


def write_ban(folder: Path, name: str, city: str, rows: Iterable[tuple]) -> Path:
    lines = [HEADER]
    for street, postcode, citycode, numbers, suffix in rows:
        for n in numbers:
            fields = [f"{citycode}_{street}_{n}{suffix}", "", str(n), suffix, street,
                      postcode, citycode, city, "", "", "0", "0",
                      f"{2.3 + n / 1e5:.6f}", "48.850000", "entrée", "", "",
                      city.upper(), street.upper(), "commune", "commune", "1",
                      ""]  # fmt: skip
            lines.append(";".join(fields))
    path = folder / f"{name}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    folder = tmp_path_factory.mktemp("autocomplete")
    for source, city, rows in (("paris", "Paris", PARIS), ("towns", "Onet", TOWNS)):
        path = write_ban(folder, source, city, rows)
        with open(path, "rb") as handle:
            build_source(folder / "index", source, "ban", [(handle, path.name)])
    index = Index.open(folder / "index")
    yield index
    index.close()


def first(index: Index, text: str) -> str:
    results = index.search(text, limit=1, autocomplete=True)
    assert results, text
    return results[0].label


def test_the_word_being_typed_does_not_match_a_word_already_typed(
    typed: Index,
) -> None:
    # "S" is the start of the word after "Saint", not "Saint" again.
    assert first(typed, "2 Passage Saint-S") == "2 Passage Saint-Sébastien 75011 Paris"
    assert first(typed, "2 Passage Saint-B") == "2 Passage Saint-Bernard 75011 Paris"


def test_a_word_one_source_completes_is_not_a_typo_in_another(typed: Index) -> None:
    # "bergero" is one edit from "bergers", but it starts "bergeronnettes".
    assert first(typed, "3 Rue des Bergero") == "3 Rue des Bergeronnettes 12850 Onet"
    assert first(typed, "3 Rue des Berger") == "3 Rue des Bergers 75015 Paris"


def test_the_street_that_has_the_number_is_kept_among_many_completions(
    typed: Index,
) -> None:
    # More than a hundred streets start so; the two with a 29 are among the
    # least important, and still the answer.
    assert len(SAINTS) > 100
    found = typed.search("29 Rue Saint-", limit=1, autocomplete=True)[0]
    assert (found.housenumber, found.name) in {
        ("29", "29 Rue Saint-Didier"),
        ("29", "29 Rue Saint-Lô"),
    }
    assert first(typed, "29ba Rue Saint-") == "29ba Rue Saint-Didier 75016 Paris"
    assert first(typed, "3 Rue Saint-Banv") == "3 Rue Saint-Banville 75010 Paris"


def test_the_words_left_to_type_do_not_favour_short_names(typed: Index) -> None:
    # Saint-Lô is shorter than Saint-Didier and has a 29, not a 29ba.
    assert first(typed, "29ba Rue Saint-") == "29ba Rue Saint-Didier 75016 Paris"
    # "Rue Portal" is all typed but for "de"; Port-Mahon is left to finish.
    assert first(typed, "3 Rue de Port-") == "3 Rue de Port-Mahon 75002 Paris"


def test_a_name_typed_in_full_comes_before_longer_ones(typed: Index) -> None:
    assert first(typed, "3 Rue des Arts") == "3 Rue des Arts 75002 Paris"
    assert first(typed, "3 Rue des Arts Pro") == "3 Rue des Arts Prolongée 75002 Paris"


def test_an_elided_article_typed_before_the_last_word_counts(typed: Index) -> None:
    assert first(typed, "3 Rue d'O") == "3 Rue d'Orsel 75018 Paris"
    assert first(typed, "3 Rue O") == "3 Rue Ordener 75018 Paris"
