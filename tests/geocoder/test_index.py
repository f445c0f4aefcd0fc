from __future__ import annotations

from pathlib import Path

import pytest

from fabrique.geocoder.errors import GeocoderError
from fabrique.geocoder.index import Index, build_documents, build_source, remove_source

from .conftest import build_all


def top(index: Index, text: str, **options):
    results = index.search(text, **options)
    assert results, f"no result for {text!r}"
    return results[0]


def test_full_address_with_abbreviation_finds_the_house_number(index):
    result = top(index, "12 r de rivoli paris")
    assert result.type == "housenumber"
    assert result.label == "12 Rue de Rivoli 75004 Paris"
    assert result.id == "75104_8158_00012"
    assert result.city == "Paris"
    assert result.district == "Paris 4e Arrondissement"
    assert (result.lat, result.lon) == (48.855602, 2.35995)


def test_bis_suffix_finds_the_bis_number(index):
    assert top(index, "12 bis rue de rivoli").id == "75104_8158_00012_b"
    assert top(index, "12b rue de rivoli").housenumber == "12b"


def test_unknown_suffix_falls_back_to_the_bare_number(index):
    result = top(index, "14 ter rue de rivoli")
    assert result.housenumber == "14"


def test_missing_house_number_gives_the_street_with_a_lower_score(index):
    missing = top(index, "99 rue de rivoli")
    found = top(index, "12 rue de rivoli")
    assert missing.type == "street"
    assert missing.score < found.score


@pytest.mark.parametrize(
    "typo",
    ["12 rue de rivolli", "12 rue de rivli", "12 rue de rviloi", "12 rue de rivopi"],
)
def test_one_typo_per_long_word_is_tolerated(index, typo):
    assert top(index, typo).id == "75104_8158_00012"


def test_typo_costs_score(index):
    assert top(index, "12 rue de rivolli").score < top(index, "12 rue de rivoli").score


def test_autocomplete_completes_the_last_word(index):
    assert top(index, "8 bd hauss").label == "8 Boulevard Haussmann 75009 Paris"
    assert index.search("8 bd hauss", autocomplete=False) == [] or (
        top(index, "8 bd hauss", autocomplete=False).score
        < top(index, "8 bd hauss").score
    )


def test_number_written_in_words_matches_digits(index):
    assert top(index, "10 rue du 4 septembre").id == "75102_7932_00010"
    assert top(index, "rue du quatre septembre").name == "Rue du Quatre-Septembre"


def test_type_filter_returns_only_that_type(index):
    results = index.search("rivoli", type="street")
    assert results
    assert {r.type for r in results} == {"street"}
    municipality = top(index, "rodez", type="municipality")
    assert (municipality.type, municipality.citycode) == ("municipality", "12202")


def test_housenumber_filter_drops_streets(index):
    assert index.search("99 rue de rivoli", type="housenumber") == []


def test_postcode_and_citycode_filters_narrow_the_answers(index):
    assert {r.postcode for r in index.search("rue de rivoli", postcode="75001")} == {
        "75001"
    }
    assert {r.citycode for r in index.search("rivoli", citycode="75104")} == {"75104"}
    assert index.search("rue de rivoli", postcode="99999") == []


def test_proximity_bias_prefers_the_nearer_of_two_namesakes(index):
    near_first = top(index, "rue de rivoli", type="street", lat=48.8630, lon=2.3360)
    near_fourth = top(index, "rue de rivoli", type="street", lat=48.8556, lon=2.3599)
    assert near_first.citycode == "75101"
    assert near_fourth.citycode == "75104"


def test_scores_are_between_zero_and_one_and_sorted(index):
    for text in ["paris", "rivoli", "12 rue de rivoli", "gare", "rodez", "xyzzy"]:
        scores = [r.score for r in index.search(text, limit=20)]
        assert all(0 <= s <= 1 for s in scores)
        assert scores == sorted(scores, reverse=True)


def test_exact_name_ranks_above_a_longer_name(index):
    assert top(index, "rue saint antoine", type="street").name == "Rue Saint-Antoine"


def test_municipality_is_found_by_its_name(index):
    result = top(index, "rodez")
    assert (result.type, result.label) == ("municipality", "Rodez")


def test_locality_of_ban_is_indexed(index):
    result = top(index, "moulin de bourran")
    assert (result.type, result.id) == ("locality", "12202_b012")


def test_bano_addresses_are_searchable_with_suffix(index):
    result = top(index, "2 bis avenue de millau")
    assert (result.id, result.housenumber) == ("121450030A-2", "2bis")
    assert top(index, "260 route de rodez millau").housenumber == "260"


def test_gtfs_station_is_found_and_platforms_are_folded(index):
    results = index.search("gare de lyon", type="stop", limit=10)
    assert results[0].id == "demo_feed:GDL"
    assert results[0].name == "Gare de Lyon"
    assert not [r.name for r in results if "Quai" in r.name or "Entrée" in r.name]
    assert top(index, "chatelet").type == "stop"


def test_places_feed_is_searchable(index):
    assert top(index, "maison du velo").id == "actor-1"


def test_limit_caps_the_answers(index):
    assert len(index.search("rue", limit=2)) == 2


def test_unknown_words_give_no_result(index):
    assert index.search("xyzzy plugh") == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"type": "galaxy"}, "type 'galaxy'"),
        ({"limit": 1000}, "limit 1000"),
        ({"lat": 100.0, "lon": 2.0}, "lat 100.0"),
        ({"lat": 48.0}, "together"),
        ({"postcode": "x" * 50}, "postcode"),
    ],
)
def test_bad_options_raise_a_clear_error(index, options, message):
    with pytest.raises(GeocoderError, match=message):
        index.search("rivoli", **options)


def test_one_source_is_updated_without_touching_the_others(geocoder_data, tmp_path):
    folder = build_all(geocoder_data, tmp_path / "index")
    before = (folder / "ban" / "manifest.json").stat().st_mtime_ns
    build_documents(folder, "places", [
        {"id": "p2", "type": "place", "name": "Fabrique des Mobilités",
         "lat": 48.85, "lon": 2.35},
    ])  # fmt: skip
    assert (folder / "ban" / "manifest.json").stat().st_mtime_ns == before
    with Index.open(folder) as index:
        assert top(index, "fabrique des mobilites").id == "p2"
        assert index.search("maison du velo", type="place") == []
        assert top(index, "12 rue de rivoli").type == "housenumber"
    remove_source(folder, "places")
    with Index.open(folder) as index:
        assert "places" not in {s["source"] for s in index.sources()}


def test_opening_a_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(GeocoderError, match="no geocoder index"):
        Index.open(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(GeocoderError, match="has no source yet"):
        Index.open(tmp_path / "empty")


def test_a_corrupt_segment_is_reported(geocoder_data, tmp_path):
    folder = tmp_path / "index"
    with open(geocoder_data / "ban_sample.csv", "rb") as handle:
        build_source(folder, "ban", "ban", [(handle, "ban_sample.csv")])
    (folder / "ban" / "doc_lat.i32").write_bytes(b"abc")
    with pytest.raises(GeocoderError, match="truncated"):
        Index.open(folder)
    (folder / "ban" / "manifest.json").write_text('{"format": 99}')
    with pytest.raises(GeocoderError, match="rebuild the index"):
        Index.open(folder)


def test_bad_source_names_are_refused(tmp_path: Path):
    with pytest.raises(GeocoderError, match="source name"):
        build_documents(tmp_path, "../escape", [])


def test_house_number_equal_to_a_number_in_the_name_is_still_found(index):
    result = top(index, "4 rue du quatre septembre")
    assert (result.type, result.id) == ("housenumber", "75102_7932_00004")
