from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_geocoder_search_is_in_the_json_api(client):
    response = client.get("/api/1/geocoder/search/", {"q": "12 rue de rivoli"})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["features"][0]["properties"]["id"] == "75104_8158_00012"


def test_geocoder_reverse_is_in_the_json_api(client):
    response = client.get("/api/1/geocoder/reverse/", {"lat": 44.3499, "lon": 2.5751})
    assert response.json()["features"][0]["properties"]["housenumber"] == "3ter"


def test_api_errors_use_the_envelope(client):
    for params in (
        {"q": "x", "limit": 1000},
        {"q": ""},
        {"q": "x", "type": "planet"},
        {"q": "x", "colour": "red"},
        {"q": "x", "lat": 100, "lon": 2},
    ):
        response = client.get("/api/1/geocoder/search/", params)
        assert response.status_code in (400, 422), params
        body = response.json()
        assert body["error"]["message"]
        # Addok's clients read title and description beside the envelope.
        if response.status_code == 400:
            assert body["title"]
            assert body["description"] in body["error"]["message"]


def test_unknown_parameters_are_named(client):
    response = client.get("/api/1/geocoder/search/", {"q": "x", "colour": "red"})
    assert response.status_code == 400
    assert "colour" in response.json()["error"]["message"]


def test_geocoder_routes_are_in_the_openapi_schema(client):
    paths = client.get("/api/1/openapi.json").json()["paths"]
    assert "/api/1/geocoder/search/" in paths
    assert "/api/1/geocoder/reverse/" in paths


def test_csv_geocoding_is_in_the_json_api(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/api/1/geocoder/search/csv/",
        {"data": SimpleUploadedFile("a.csv", b"q\n12 rue de rivoli\n", "text/csv")},
    )
    assert response.status_code == 200
    assert b"75104_8158_00012" in b"".join(response.streaming_content)
    response.close()  # closes the result file (and the request)
    response = client.post(
        "/api/1/geocoder/reverse/csv/",
        {"data": SimpleUploadedFile("a.csv", b"a,b\n1,2\n", "text/csv")},
    )
    assert response.status_code == 200
    assert b"no latitude/longitude columns" in b"".join(response.streaming_content)
    response.close()  # closes the result file (and the request)
