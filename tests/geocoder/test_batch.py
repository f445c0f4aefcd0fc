from __future__ import annotations

import csv
import io

import pytest

from fabrique.geocoder.batch import reverse_csv, search_csv
from fabrique.geocoder.errors import GeocoderError


def run(index, text: str, **options) -> list[dict[str, str]]:
    out = io.StringIO()
    search_csv(index, io.StringIO(text), out, **options)
    value = out.getvalue()
    delimiter = ";" if ";" in value.splitlines()[0] else ","
    return list(csv.DictReader(io.StringIO(value), delimiter=delimiter))


def test_rows_are_geocoded_with_addok_result_columns(index):
    rows = run(
        index,
        "id;numero;voie;ville\n1;12;r de rivoli;paris\n2;;;\n3;1;zzzz qqqq;\n",
        columns=["numero", "voie", "ville"],
    )
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["result_id"] == "75104_8158_00012"
    assert rows[0]["result_label"] == "12 Rue de Rivoli 75004 Paris"
    assert rows[0]["latitude"] == "48.855602"
    assert rows[0]["result_citycode"] == "75104"
    assert rows[0]["result_status"] == "ok"
    assert rows[1]["result_status"].startswith("error: the query is empty")
    assert rows[2]["result_status"] == "not-found"


def test_filter_columns_apply_per_row(index):
    rows = run(
        index,
        "q,cp\nrue de rivoli,75001\nrue de rivoli,75004\n",
        columns=["q"],
        filters={"postcode": "cp"},
    )
    assert [r["result_postcode"] for r in rows] == ["75001", "75004"]


def test_unknown_columns_and_filters_are_refused(index):
    with pytest.raises(GeocoderError, match="column 'nope' is not in the header"):
        run(index, "a,b\n1,2\n", columns=["nope"])
    with pytest.raises(GeocoderError, match="unknown filter"):
        run(index, "a,b\n1,2\n", filters={"colour": "a"})


def test_malformed_csv_is_refused_with_the_line(index):
    with pytest.raises(GeocoderError, match="line 3: 3 values, the header has 2"):
        run(index, "a,b\n1,2\n1,2,3\n")
    with pytest.raises(GeocoderError, match="empty"):
        run(index, "")
    with pytest.raises(GeocoderError, match="longer than"):
        run(index, "a" * 20_000 + "\n")


def test_many_rows_stream_through(index):
    text = "q\n" + "12 rue de rivoli\n" * 2000
    out = io.StringIO()
    assert search_csv(index, io.StringIO(text), out) == 2000
    assert out.getvalue().count("75104_8158_00012") == 2000


def test_reverse_csv_adds_the_nearest_address(index):
    out = io.StringIO()
    text = "name,lat,lon\nA,44.349935,2.575100\nB,x,y\nC,10,10\n"
    assert reverse_csv(index, io.StringIO(text), out) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["result_id"] == "12202_0450_00003_ter"
    assert rows[0]["result_distance"] == "1"
    assert rows[1]["result_status"].startswith("error")
    assert rows[2]["result_status"] == "not-found"


def test_reverse_csv_needs_coordinates(index):
    with pytest.raises(GeocoderError, match="latitude and longitude"):
        reverse_csv(index, io.StringIO("a,b\n1,2\n"), io.StringIO())
