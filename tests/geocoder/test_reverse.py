from __future__ import annotations

import pytest

from fabrique.geocoder.errors import GeocoderError


def test_nearest_house_number_is_found_with_its_distance(index):
    [result] = index.reverse(44.349935, 2.575100)
    assert (result.type, result.id, result.housenumber) == (
        "housenumber",
        "12202_0450_00003_ter",
        "3ter",
    )
    assert result.distance == 1


def test_street_type_gives_the_street_of_the_nearest_number(index):
    [result] = index.reverse(48.85560, 2.35995, type="street")
    assert (result.type, result.name) == ("street", "Rue de Rivoli")
    assert result.citycode == "75104"


def test_stop_type_gives_the_station(index):
    [result] = index.reverse(48.8450, 2.3739, type="stop")
    assert result.name == "Gare de Lyon"


def test_results_are_sorted_by_distance(index):
    results = index.reverse(48.8556, 2.3599, limit=3)
    distances = [r.distance for r in results]
    assert len(results) == 3
    assert distances == sorted(distances)


def test_nothing_beyond_the_radius(index):
    assert index.reverse(45.0, 5.0) == []
    assert index.reverse(48.8560, 2.3605, radius=10) == []


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [((95.0, 2.0), {}, "lat 95.0"), ((48.0, 200.0), {}, "lon 200.0"),
     ((48.0, 2.0), {"radius": 0}, "radius"), ((48.0, 2.0), {"type": "x"}, "type")],
)  # fmt: skip
def test_bad_reverse_input_is_refused(index, args, options, message):
    with pytest.raises(GeocoderError, match=message):
        index.reverse(*args, **options)
