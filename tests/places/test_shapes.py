"""Our answers against answers recorded from a real Addok on the Paris BAN."""

from __future__ import annotations

import pytest


def shape(value):
    """Reduce JSON to its structure: keys and value types, not values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def answers_alike(ours: dict, theirs: dict) -> None:
    assert set(ours) - {"attribution", "licence"} == set(theirs) - {
        "attribution",
        "licence",
    }
    for ours_feature, their_feature in zip(
        ours["features"], theirs["features"], strict=False
    ):
        assert ours_feature["type"] == their_feature["type"] == "Feature"
        assert shape(ours_feature["geometry"]) == shape(their_feature["geometry"])
        assert shape(ours_feature["properties"]) == shape(their_feature["properties"])


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("search", "/search/?q=12+rue+de+rivoli+paris&limit=2"),
        ("municipality", "/search/?q=paris+4e&type=municipality&limit=1"),
        ("reverse", "/reverse/?lat=48.8556&lon=2.3599"),
        ("search_center", "/search/?q=rue+de+rivoli&lat=48.86&lon=2.34&limit=1"),
    ],
)
def test_answers_have_addok_shapes(client, addok_answers, name, path):
    response = client.get(path)
    assert response.status_code == addok_answers[name]["status"]
    answers_alike(response.json(), addok_answers[name]["body"])


@pytest.mark.parametrize(
    "name", ["missing_q", "bad_limit", "bad_lat", "reverse_missing_lon"]
)
def test_errors_match_addok_exactly(client, addok_answers, name):
    recorded = addok_answers[name]
    response = client.get(recorded["path"])
    assert response.status_code == recorded["status"]
    assert response.json() == recorded["body"]


def test_same_label_as_addok_for_the_same_address(client, addok_answers):
    theirs = addok_answers["search"]["body"]["features"][0]["properties"]
    ours = client.get("/search/?q=12+rue+de+rivoli+paris").json()["features"][0]
    for key in ("label", "name", "housenumber", "street", "postcode", "citycode",
                "city", "district", "type"):  # fmt: skip
        assert ours["properties"][key] == theirs[key], key
