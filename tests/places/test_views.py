from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fabrique.places import engine

# Closing a response (its result file) sends request_finished, which touches
# the database connection.
pytestmark = pytest.mark.django_db


def test_search_answers_geocodejson(client):
    response = client.get("/search/", {"q": "12 r de rivoli paris", "limit": 2})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["query"] == "12 r de rivoli paris"
    assert body["limit"] == 2
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.35995, 48.855602]}
    assert feature["properties"]["label"] == "12 Rue de Rivoli 75004 Paris"
    assert feature["properties"]["street"] == "Rue de Rivoli"


def test_routes_answer_without_the_trailing_slash_too(client):
    assert client.get("/search", {"q": "rivoli"}).status_code == 200
    assert client.get("/reverse", {"lat": 48.8556, "lon": 2.3599}).status_code == 200


def test_filters_and_center_are_echoed(client):
    body = client.get(
        "/search/", {"q": "rivoli", "type": "street", "lat": 48.86, "lon": 2.34}
    ).json()
    assert body["filters"] == {"type": ["street"]}
    assert body["center"] == [2.34, 48.86]
    assert all(f["properties"]["type"] == "street" for f in body["features"])
    assert all("distance" in f["properties"] for f in body["features"])


def test_reverse_gives_the_distance(client):
    body = client.get("/reverse/", {"lat": 44.349935, "lon": 2.5751}).json()
    [feature] = body["features"]
    assert feature["properties"]["id"] == "12202_0450_00003_ter"
    assert feature["properties"]["distance"] == 1


@pytest.mark.parametrize(
    ("path", "params", "title", "description"),
    [
        ("/search/", {}, "Missing parameter", 'The "q" parameter is required.'),
        ("/search/", {"q": "   "}, "Missing parameter", '"q"'),
        ("/search/", {"q": "x", "limit": "1000"}, "Invalid parameter",
         'The "limit" parameter is invalid. out of range (1..100)'),
        ("/search/", {"q": "x", "limit": "ten"}, "Invalid parameter", "integer"),
        ("/search/", {"q": "x", "lat": "abc", "lon": "2"}, "Invalid parameter",
         'The "lat" parameter is invalid. invalid value'),
        ("/search/", {"q": "x", "lat": "95", "lon": "2"}, "Invalid parameter",
         "out of range"),
        ("/search/", {"q": "x", "lat": "48"}, "Missing parameter", '"lon"'),
        ("/search/", {"q": "x", "type": "planet"}, "Invalid parameter", '"type"'),
        ("/search/", {"q": "x", "postcode": "75; DROP"}, "Invalid parameter",
         '"postcode"'),
        ("/search/", {"q": "x", "autocomplete": "maybe"}, "Invalid parameter",
         "boolean"),
        ("/search/", {"q": "a" * 10_240}, "Invalid parameter", "10240 characters"),
        ("/search/", {"q": "\x00\x01\x02"}, "Invalid parameter", "empty"),
        ("/reverse/", {"lat": "48.8"}, "Missing parameter", '"lon"'),
        ("/reverse/", {"lat": "x", "lon": "2"}, "Invalid parameter", '"lat"'),
    ],
)  # fmt: skip
def test_bad_input_gets_addok_error_shape(client, path, params, title, description):
    response = client.get(path, params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"title", "description"}
    assert body["title"] == title
    assert description in body["description"]


def test_missing_index_is_a_503_not_a_500(client, settings, tmp_path):
    settings.GEOCODER_INDEX = tmp_path / "none"
    engine.reset()
    response = client.get("/search/", {"q": "rivoli"})
    assert response.status_code == 503
    assert "no geocoder index" in response.json()["description"]


def upload(client, path, content: bytes, **data):
    return client.post(
        path, {"data": SimpleUploadedFile("in.csv", content, "text/csv"), **data}
    )


def drain(response) -> bytes:
    """The streamed body; the file behind it closed."""
    try:
        return b"".join(response.streaming_content)
    finally:
        response.close()  # closes the result file (and the request)


def rows(response) -> list[dict[str, str]]:
    text = drain(response).decode("utf-8-sig")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_search_csv_adds_addok_columns(client):
    response = upload(
        client, "/search/csv/", b"num;rue;cp\n12;rue de rivoli;75004\n",
        columns=["num", "rue"], postcode="cp",
    )  # fmt: skip
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    [row] = rows(response)
    assert row["result_id"] == "75104_8158_00012"
    assert row["result_postcode"] == "75004"
    assert row["latitude"] == "48.855602"


def test_search_csv_reads_other_encodings_and_writes_a_bom(client):
    content = "rue\nrue du touat rod\xe8z\n".encode("latin-1")
    response = upload(client, "/search/csv/", content, encoding="latin-1")
    assert response.status_code == 200
    text = drain(response).decode("latin-1")
    assert "Rue du Touat" in text
    response = upload(client, "/search/csv/", b"q\nrodez\n", with_bom="1")
    assert drain(response).startswith("\ufeff".encode())


def test_reverse_csv(client):
    response = upload(client, "/reverse/csv/", b"lat,lon\n44.349935,2.5751\n")
    [row] = rows(response)
    assert row["result_id"] == "12202_0450_00003_ter"
    assert row["result_distance"] == "1"


@pytest.mark.parametrize(
    ("content", "data", "status", "title"),
    [
        (None, {}, 400, "Missing file"),
        (b"", {}, 400, "Invalid CSV"),
        (b"a,b\n1,2\n", {"columns": ["zz"]}, 400, "Invalid CSV"),
        ("q\nrod\xe8z\n".encode("latin-1"), {}, 400, "Unable to decode"),
        (b"q\nrodez\n", {"encoding": "klingon"}, 400, "Invalid parameter"),
        (b"q\nrodez\n", {"delimiter": ";;"}, 400, "Invalid CSV"),
    ],
)
def test_bad_csv_uploads_are_400s(client, content, data, status, title):
    if content is None:
        response = client.post("/search/csv/", data)
    else:
        response = upload(client, "/search/csv/", content, **data)
    assert response.status_code == status
    assert response.json()["title"].startswith(title)


def test_huge_csv_is_refused(client, settings):
    settings.GEOCODER_CSV_MAX_BYTES = 100
    response = upload(client, "/search/csv/", b"q\n" + b"rue de rivoli\n" * 20)
    assert response.status_code == 413
    assert "at most 100" in response.json()["description"]


def test_reverse_csv_without_coordinates_is_answered_as_addok(client):
    response = upload(client, "/reverse/csv/", b"a,b\n1,2\n")
    assert response.status_code == 200
    [row] = rows(response)
    assert (row["a"], row["result_label"]) == ("1", "")
    assert "latitude/longitude" in row["result_status"]


def test_csv_routes_only_take_post(client):
    assert client.get("/search/csv/").status_code == 405


def test_answers_are_written_as_addok_writes_them(client):
    response = client.get("/search", {"q": "12 rue de rivoli", "limit": 1})
    assert response["Content-Type"] == "application/json; charset=utf-8"
    # Non-ASCII escaped, as Python's json.dumps (Addok) writes it.
    assert b"\\u00ce" in response.content
    properties = response.json()["features"][0]["properties"]
    assert properties["context"] == "75, Paris, Île-de-France"


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_non_finite_coordinates_are_400s_where_addok_fails(client, value):
    response = client.get("/search/", {"q": "rivoli", "lat": value, "lon": "2.3"})
    assert response.status_code == 400
    assert response.json()["title"] == "Invalid parameter"
    response = client.get("/reverse/", {"lat": "48.8", "lon": value})
    assert response.status_code == 400


def test_a_filter_column_missing_from_the_csv_is_a_400(client):
    response = upload(client, "/search/csv/", b"q\nrivoli\n", postcode="cp")
    assert response.status_code == 400
    assert "'cp'" in response.json()["description"]


def test_the_json_api_answers_without_the_trailing_slash_too(client):
    response = client.get("/api/1/geocoder/search", {"q": "12 rue de rivoli"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    response = client.get("/api/1/geocoder/reverse", {"lat": "100", "lon": "2"})
    assert response.status_code == 400
    body = response.json()
    assert body["title"] == "Invalid parameter"
    assert body["error"]["code"] == "bad_request"
