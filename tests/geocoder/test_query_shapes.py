"""Queries shaped as people type them: noise first, number last, glued words.

Each test builds a small index of homonymous streets, so the answer depends
on the part of the query under test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fabrique.geocoder.index import Index, build_source
from fabrique.geocoder.normalize import tokenize, typed_as_is
from fabrique.geocoder.query import parse_query

HEADER = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;"
    "code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;"
    "alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;"
    "certification_commune;cad_parcelles"
)
# street, postcode, city code, city, lon, lat, house numbers
STREETS = [
    ("Rue de Rivoli", "75004", "75104", "Paris", 2.355, 48.856, range(1, 30)),
    ("Rue de Rivoli", "06000", "06088", "Nice", 7.262, 43.697, range(1, 60)),
    ("Rue Oberkampf", "75011", "75111", "Paris", 2.374, 48.865, range(1, 20)),
    ("Rue de Turenne", "75003", "75103", "Paris", 2.364, 48.859, range(30, 50)),
    ("Rue des Arts", "59000", "59350", "Lille", 3.06, 50.63, range(1, 50)),
    ("Rue de Charonne", "75011", "75111", "Paris", 2.381, 48.853, range(1, 60)),
    ("Rue de Charonne", "69003", "69383", "Lyon", 4.85, 45.76, range(1, 60)),
    ("Rue Saint-Martin", "69002", "69382", "Lyon", 4.83, 45.75, range(1, 10)),
    ("Rue Saint-Marin", "13001", "13201", "Marseille", 5.37, 43.29, range(1, 80)),
    ("Rue Lepic", "75018", "75118", "Paris", 2.334, 48.886, range(1, 30)),
    ("Place de Fontenoy", "75007", "75107", "Paris", 2.306, 48.850, range(1, 5)),
    ("Place de Fontaine", "75007", "75107", "Paris", 2.310, 48.851, range(1, 60)),
    ("Avenue du 8 Mai 1945", "95200", "95585", "Sarcelles", 2.38, 48.99, range(1, 9)),
    ("Rue du 8 Mai 1945", "95200", "95585", "Sarcelles", 2.37, 48.98, range(1, 9)),
    ("Rue Pinel", "75013", "75113", "Paris", 2.36, 48.835, range(1, 30)),
    (
        "Rue Patrice de la Tour du Pin",
        "75020",
        "75120",
        "Paris",
        2.40,
        48.86,
        range(1, 30),
    ),
    ("Rue Le Regrattier", "75004", "75104", "Paris", 2.354, 48.852, range(1, 9)),
    ("Rue du Bac", "75007", "75107", "Paris", 2.325, 48.855, range(1, 20)),
    ("Rue Cler", "75007", "75107", "Paris", 2.305, 48.856, range(1, 90)),
    ("Rue Duban", "75016", "75116", "Paris", 2.275, 48.857, range(1, 20)),
    ("Rue Saint-Martin", "75004", "75104", "Paris", 2.351, 48.860, range(1, 5)),
    ("Rue Saint-Martin des Arts", "59000", "59350", "Lille", 3.07, 50.63, range(1, 99)),
]


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    folder = tmp_path_factory.mktemp("shapes")
    csv = folder / "ban.csv"
    lines = [HEADER]
    for street, postcode, citycode, city, lon, lat, numbers in STREETS:
        for n in numbers:
            fields = [f"{citycode}_{street}_{n}", "", str(n), "", street, postcode,
                      citycode, city, "", "", "0", "0", f"{lon + n / 1e5:.6f}",
                      f"{lat:.6f}", "entrée", "", "", city.upper(), street.upper(),
                      "commune", "commune", "1", ""]  # fmt: skip
            lines.append(";".join(fields))
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open(csv, "rb") as handle:
        build_source(folder / "index", "ban", "ban", [(handle, "ban.csv")])
    index = Index.open(folder / "index")
    yield index
    index.close()


def top(index: Index, text: str) -> str:
    results = index.search(text, limit=1)
    assert results, text
    return results[0].label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("a 12 rue de rivoli 75004 Paris", "12 Rue de Rivoli 75004 Paris"),
        ("chez Dupont 7 rue Oberkampf 75011 Paris", "7 Rue Oberkampf 75011 Paris"),
        ("Musée des Arts 40 rue de Turenne 75003 PARIS",
         "40 Rue de Turenne 75003 Paris"),
        ("bâtiment B 3 rue Oberkampf Paris", "3 Rue Oberkampf 75011 Paris"),
        ("direction 5 rue Lepic", "5 Rue Lepic 75018 Paris"),
    ],
)  # fmt: skip
def test_words_before_the_number_do_not_lose_it(
    shapes: Index, text: str, label: str
) -> None:
    assert top(shapes, text) == label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Rue de Charonne 45 75011", "45 Rue de Charonne 75011 Paris"),
        ("Paris 11e rue de Charonne 45", "45 Rue de Charonne 75011 Paris"),
        ("rue de charonne 45 lyon", "45 Rue de Charonne 69003 Lyon"),
    ],
)
def test_a_number_after_the_street_is_its_house_number(
    shapes: Index, text: str, label: str
) -> None:
    assert top(shapes, text) == label


@pytest.mark.parametrize(
    ("text", "number"),
    [("Avenue du 8 Mai 1945 3 Sarcelles", "3"), ("Rue du 8 Mai 1945 4", "4")],
)
def test_the_number_after_a_dated_street_is_its_house_number(
    shapes: Index, text: str, number: str
) -> None:
    result = shapes.search(text, limit=1)[0]
    assert (result.housenumber, result.city) == (number, "Sarcelles")


def test_a_number_in_the_street_name_stays_a_word(shapes: Index) -> None:
    result = shapes.search("avenue du 8 mai 1945 sarcelles", limit=1)[0]
    assert (result.type, result.name) == ("street", "Avenue du 8 Mai 1945")


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("5 RueLepic 75018", "5 Rue Lepic 75018 Paris"),
        ("4 Rue SaintMartin Lyon", "4 Rue Saint-Martin 69002 Lyon"),
        # "dubac" is one edit from "duban", yet "du" + "bac" was meant.
        ("11 Rue duBac 75007", "11 Rue du Bac 75007 Paris"),
        # "pinle" is a typo of "Pinel", not "pin" + "le".
        ("18 Rue Pinle", "18 Rue Pinel 75013 Paris"),
    ],
)
def test_glued_words_are_split_against_the_vocabulary(
    shapes: Index, text: str, label: str
) -> None:
    assert top(shapes, text) == label


def test_a_lone_glued_word_being_typed_is_split(shapes: Index) -> None:
    street = shapes.search("SaintMartin", limit=1)[0].street
    assert street.startswith("Rue Saint-Martin")


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("12 rue de rivoli aris", "Paris"),
        ("12 rue de rivoli nice", "Nice"),
        ("12 rue de rivoli 75004", "Paris"),
        ("rue de charonne 3 lyon", "Lyon"),
    ],
)
def test_the_city_decides_between_homonymous_streets(
    shapes: Index, text: str, city: str
) -> None:
    assert shapes.search(text, limit=1)[0].city == city


def test_a_mistyped_city_still_decides(shapes: Index) -> None:
    # "aris" is one edit from Paris's name and from Lille's street's "arts";
    # Paris's street has no number 12, Lille's has: the city asked for wins.
    assert shapes.search("12 rue saint martin aris", limit=1)[0].city == "Paris"


def test_a_variant_spelling_finds_the_street_not_another_square(
    shapes: Index,
) -> None:
    assert top(shapes, "2 place de Fontenoi Paris") == "2 Place de Fontenoy 75007 Paris"


@given(
    noise=st.lists(st.sampled_from(["chez", "dupont", "batiment", "direction", "hall"]),
                   max_size=3),
    number=st.integers(min_value=1, max_value=9999),
)  # fmt: skip
def test_the_number_before_a_street_is_found_after_any_noise(
    noise: list[str], number: int
) -> None:
    query = parse_query(" ".join([*noise, str(number), "rue", "lepic"]))
    assert query.housenumber == str(number)
    assert {"rue", "lepic"} <= set(query.words) - query.loose


@given(st.text(alphabet="abcdeéèrst 0123456789'-,", max_size=60))
def test_parsing_keeps_only_the_typed_words(text: str) -> None:
    tokens = tokenize(text)
    if not tokens:
        return
    query = parse_query(text)
    assert query.loose <= set(query.words)
    assert set(query.words) <= set(tokens)
    if query.housenumber:
        assert query.housenumber[:1].isdigit()


def test_only_numbers_typed_as_digits_are_marked_typed() -> None:
    typed = ["paris", "onze", "11e", "r", "d", "artois", "4"]
    tokens = tokenize(" ".join(typed))
    assert tokens == ["paris", "11", "11", "rue", "artois", "4"]
    assert typed_as_is(typed, tokens) == [True, False, False, False, True, True]
