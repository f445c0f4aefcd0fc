"""The query parser on made-up addresses of every failure shape, and its properties.

The small index below holds streets whose names recur in several towns, so
each answer depends on the part of the query under test: a number after
leading noise, a number after its street, glued words, the city or postcode,
a name spelt as it sounds.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fabrique.geocoder.errors import GeocoderError
from fabrique.geocoder.index import Index, build_source
from fabrique.geocoder.normalize import fold, sounds_like, tokenize
from fabrique.geocoder.query import Query, parse_query

HEADER = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;"
    "code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;"
    "alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;"
    "certification_commune;cad_parcelles"
)
# street, postcode, city code, city, lon, lat, house numbers
STREETS = [
    ("Rue des Tanneurs", "12000", "12202", "Rodez", 2.575, 44.350, range(1, 20)),
    ("Rue des Tanneurs", "59800", "59350", "Lille", 3.060, 50.630, range(1, 60)),
    ("Avenue Foch", "69006", "69386", "Lyon", 4.840, 45.770, range(1, 40)),
    ("Avenue Foch", "54000", "54395", "Nancy", 6.180, 48.690, range(1, 90)),
    ("Allée des Cerisiers", "33000", "33063", "Bordeaux", -0.58, 44.84, range(1, 12)),
    ("Allée des Cerises", "33000", "33063", "Bordeaux", -0.57, 44.84, range(1, 70)),
    ("Place Maubert", "75005", "75105", "Paris", 2.348, 48.850, range(1, 6)),
    ("Place Robert", "75005", "75105", "Paris", 2.350, 48.851, range(1, 60)),
    ("Rue Philippe Hecht", "75019", "75119", "Paris", 2.385, 48.880, range(1, 20)),
    ("Rue Filion", "75019", "75119", "Paris", 2.386, 48.881, range(1, 20)),
    ("Quai de la Tournelle", "75005", "75105", "Paris", 2.353, 48.851, range(1, 60)),
    ("Rue Mouffetard", "75005", "75105", "Paris", 2.350, 48.842, range(1, 99)),
]


@pytest.fixture(scope="module")
def towns(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    folder = tmp_path_factory.mktemp("towns")
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


def label(index: Index, text: str) -> str:
    results = index.search(text, limit=1)
    assert results, text
    return results[0].label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Boulangerie Martin 14 rue des Tanneurs 12000 Rodez",
         "14 Rue des Tanneurs 12000 Rodez"),
        ("escalier C 9 avenue Foch 69006 Lyon", "9 Avenue Foch 69006 Lyon"),
        ("pour Mme Roux 3 allée des Cerisiers Bordeaux",
         "3 Allée des Cerisiers 33000 Bordeaux"),
        ("Résidence du Parc, bât. 2, 5 rue des Tanneurs Rodez",
         "5 Rue des Tanneurs 12000 Rodez"),
    ],
)  # fmt: skip
def test_leading_noise_keeps_the_house_number(
    towns: Index, text: str, expected: str
) -> None:
    assert label(towns, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Avenue Foch 21 69006", "21 Avenue Foch 69006 Lyon"),
        ("Lyon 6e avenue Foch 21", "21 Avenue Foch 69006 Lyon"),
        ("Rodez rue des tanneurs 7", "7 Rue des Tanneurs 12000 Rodez"),
        ("allée des Cerisiers 3 bordeaux", "3 Allée des Cerisiers 33000 Bordeaux"),
    ],
)
def test_a_number_after_the_street_is_the_house_number(
    towns: Index, text: str, expected: str
) -> None:
    assert label(towns, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9 AvenueFoch 69006", "9 Avenue Foch 69006 Lyon"),
        ("3 allée desCerisiers Bordeaux", "3 Allée des Cerisiers 33000 Bordeaux"),
        ("11 QuaiDe la Tournelle", "11 Quai de la Tournelle 75005 Paris"),
    ],
)
def test_glued_words_are_split(towns: Index, text: str, expected: str) -> None:
    assert label(towns, text) == expected


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("14 rue des tanneurs rodez", "Rodez"),
        ("14 rue des tanneurs 12000", "Rodez"),
        ("14 rue des tanneurs lile", "Lille"),
        ("14 rue des tanneurs odez", "Rodez"),
        ("30 avenue foch lyon", "Lyon"),
        ("avenue foch 30 nancy", "Nancy"),
    ],
)
def test_a_recognised_city_or_postcode_decides(
    towns: Index, text: str, city: str
) -> None:
    assert towns.search(text, limit=1)[0].city == city


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 place Mobert Paris", "2 Place Maubert 75005 Paris"),
        ("4 rue Filippe Hecht 75019", "4 Rue Philippe Hecht 75019 Paris"),
        ("8 quai de la Tourneles Paris", "8 Quai de la Tournelle 75005 Paris"),
        ("40 rue Moufetar Paris", "40 Rue Mouffetard 75005 Paris"),
    ],
)
def test_a_name_spelt_as_it_sounds_finds_the_street(
    towns: Index, text: str, expected: str
) -> None:
    assert label(towns, text) == expected


def test_a_sound_alike_key_folds_french_spellings() -> None:
    assert sounds_like("maubert") == sounds_like("mobert")
    assert sounds_like("philippe") == sounds_like("filipe")
    assert sounds_like("raynal") == sounds_like("rainal")
    assert sounds_like("chantier") == sounds_like("chantie")
    assert sounds_like("maubert") != sounds_like("robert")


# Properties of the parser, on any text.

WORDS = ["rue", "de", "la", "paix", "chez", "dupont", "paris", "lyon", "hall",
         "batiment", "avenue", "victor", "hugo", "direction", "residence"]  # fmt: skip


@given(st.text(max_size=250))
def test_parsing_never_crashes(text: str) -> None:
    try:
        query = parse_query(text)
    except GeocoderError:
        return
    assert isinstance(query, Query)
    assert query.words or query.housenumber


@given(st.text(max_size=120))
def test_normalisation_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    tokens = tokenize(text)
    assert tokenize(" ".join(tokens)) == tokens


@given(
    before=st.lists(st.sampled_from(WORDS), max_size=4),
    after=st.lists(st.sampled_from(WORDS), min_size=1, max_size=5),
    number=st.integers(min_value=1, max_value=9999),
)
def test_a_number_typed_anywhere_is_kept(
    before: list[str], after: list[str], number: int
) -> None:
    query = parse_query(" ".join([*before, str(number), *after]))
    assert query.housenumber == str(number) or str(number) in query.words


@given(
    street=st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
    number=st.integers(min_value=1, max_value=9999),
    postcode=st.sampled_from(["75011", "12000", "69006"]),
)
def test_a_number_after_the_street_and_before_a_postcode_is_the_house_number(
    street: list[str], number: int, postcode: str
) -> None:
    query = parse_query(" ".join(["rue", *street, str(number), postcode]))
    assert query.housenumber == str(number)
