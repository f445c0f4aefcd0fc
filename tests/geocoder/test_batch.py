from __future__ import annotations

import csv
import io
import signal

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


def test_ragged_rows_are_geocoded_as_addok_does(index):
    out = io.StringIO()
    text = "q,b\n12 rue de rivoli,x,extra\nrue de rivoli\n"
    assert search_csv(index, io.StringIO(text), out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    header = rows[0]
    # The extra value is dropped, the missing one written empty.
    assert all(len(row) == len(header) for row in rows)
    assert rows[1][:2] == ["12 rue de rivoli", "x"]
    assert rows[2][:2] == ["rue de rivoli", ""]
    assert rows[1][header.index("result_status")] == "ok"


def test_malformed_csv_is_refused_with_the_line(index):
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


def test_reverse_csv_without_coordinates_answers_each_row_unresolved(index):
    out = io.StringIO()
    assert reverse_csv(index, io.StringIO("a,b\n1,2\n"), out) == 1
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["a"], row["b"], row["result_id"]) == ("1", "2", "")
    assert "no latitude/longitude columns" in row["result_status"]


def test_formulas_from_stored_data_are_defused_not_the_users_columns(tmp_path):
    from fabrique.geocoder.index import Index, build_source

    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(
        '{"id": "@evil", "type": "stop", "name": "=HYPERLINK(\\"http://x\\") Gare",'
        ' "lat": 45.1, "lon": 3.1, "city": "+Ville", "postcode": "43000"}\n',
        encoding="utf-8",
    )
    folder = tmp_path / "index"
    with hostile.open("rb") as handle:
        build_source(folder, "places", "places", [(handle, "hostile.jsonl")])
    opened = Index.open(folder)
    try:
        out = io.StringIO()
        text = "mine,lat,lon\n=SUM(1),45.1,3.1\n"
        reverse_csv(opened, io.StringIO(text), out)
        [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
        out = io.StringIO()
        search_csv(opened, io.StringIO("q\nhyperlink gare\n"), out)
        [found] = list(csv.DictReader(io.StringIO(out.getvalue())))
    finally:
        opened.close()
    # The user's own cell comes back as sent (as Addok does).
    assert row["mine"] == "=SUM(1)"
    for answer in (row, found):
        assert answer["result_label"].startswith("'=HYPERLINK")
        assert answer["result_name"].startswith("'=HYPERLINK")
        assert answer["result_city"] == "'+Ville"
        assert answer["result_id"] == "'@evil"
    assert found["result_score"][0].isdigit()


def test_progress_is_reported_and_can_stop_the_run(index):
    seen: list[int] = []
    text = "q\n" + "rue de rivoli\n" * 450
    search_csv(index, io.StringIO(text), io.StringIO(), progress=seen.append)
    assert seen == [200, 400]

    class Stop(Exception):
        pass

    def stop(rows: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        search_csv(index, io.StringIO(text), io.StringIO(), progress=stop)


def test_several_processes_write_what_one_writes_in_the_same_order(index):
    queries = ["12 rue de rivoli", "rue de rivoli", "", "zzz qqq", "3 ter rue"]
    text = "n;q\n" + "".join(f"{i};{queries[i % 5]}\n" for i in range(2_345))
    points = "n,lat,lon\n" + "".join(
        f"{i},{44.3 + i % 7 / 100},{2.57 + i % 3 / 100}\n" for i in range(1_234)
    )
    for geocode, source in ((search_csv, text), (reverse_csv, points)):
        one, two = io.StringIO(), io.StringIO()
        assert geocode(index, io.StringIO(source), one) == geocode(
            index, io.StringIO(source), two, jobs=2
        )
        assert two.getvalue() == one.getvalue()
        assert len(two.getvalue().splitlines()) == source.count("\n")


def test_a_wrongly_encoded_row_far_in_the_file_fails_the_run(index):
    text = b"q\n" + b"rue de rivoli\n" * 1_500 + b"caf\xe9\n" + b"rue\n" * 10
    source = io.TextIOWrapper(io.BytesIO(text), encoding="utf-8", newline="")
    with pytest.raises(GeocoderError, match="wrong encoding"):
        search_csv(index, source, io.StringIO(), jobs=2)


def test_a_failed_run_stops_its_processes_whatever_handlers_the_parent_has(index):
    # An RQ worker run in process leaves its SIGTERM handler installed; the
    # forked processes must still end when the pool stops them on an error.
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        text = b"q\n" + b"rue de rivoli\n" * 3_000 + b"caf\xe9\n"
        source = io.TextIOWrapper(io.BytesIO(text), encoding="utf-8", newline="")
        with pytest.raises(GeocoderError, match="wrong encoding"):
            search_csv(index, source, io.StringIO(), jobs=2)
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_rows_of_a_street_go_to_the_same_process_unless_one_would_get_most():
    from fabrique.geocoder.batch import _split

    def street(row: list[str]) -> str:
        return row[0].split(None, 1)[-1]

    # 200 streets: one process gets more than 3/4 of them with a chance of
    # about 1e-13 (the hash of a string changes from one run to the next).
    streets = [f"Rue {a}{b}" for a in "abcdefghij" for b in "abcdefghijklmnopqrst"]
    block = [[f"{n} {s}"] for n in range(1, 4) for s in streets]
    parts = _split(block, street, 2)
    assert sorted(at for part in parts for at in part) == list(range(len(block)))
    for part in parts:
        assert part == sorted(part)  # each process answers in the file's order
    held = [{street(block[at]) for at in part} for part in parts]
    assert held[0]
    assert held[1]
    assert not held[0] & held[1]
    # One street only: shared by row, as without a route.
    same = [[f"{n} Rue de Rivoli"] for n in range(10)]
    assert _split(same, street, 2) == [[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]]
    assert _split(same, None, 3) == [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]
