"""Reading CSV text into tables: real-world quirks become notices, not crashes."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabrique.gtfs.validator import validate

from .conftest import VALIDATION_DATE

STOPS_HEADER = "stop_id,stop_name,stop_lat,stop_lon\r\n"


def stops_names(path):
    """Validate a feed and return {stop_id: stop_name} as the reader loaded it."""
    from fabrique.gtfs.reader import Reader
    from fabrique.gtfs.sources import open_source
    from fabrique.gtfs.validator import connect
    from fabrique.notices import Notices

    work = path.parent / f"work-{path.stem}"
    work.mkdir()
    source = open_source(path, work)
    con = connect()
    feed = Reader(con, source, Notices()).read()
    rows = con.execute("SELECT stop_id, stop_name FROM stops ORDER BY __row")
    return dict(rows.fetchall()), feed


def test_crlf_bom_and_quoted_commas_and_newlines_are_read(make_feed):
    stops = (
        "\ufeff" + STOPS_HEADER + 'S1,"Gare, quai 1",48.85,2.30\r\n'
        'S2,"Place\r\nVerte",48.85,2.31\r\n' + 'S3,"Dit ""le Parc""",48.85,2.32\r\n'
    )
    names, feed = stops_names(make_feed(stops=stops))
    assert names == {
        "S1": "Gare, quai 1",
        "S2": "Place\r\nVerte",
        "S3": 'Dit "le Parc"',
    }
    assert feed.files["stops.txt"].rows == 3


def test_stray_spaces_are_trimmed_and_reported(make_feed):
    result = validate(
        make_feed(stops=STOPS_HEADER + "S1 , Gare ,48.85,2.30\n"), today=VALIDATION_DATE
    )
    group = result.notices.groups["leading_or_trailing_whitespaces"]
    assert group.total == 2
    assert {s["fieldName"] for s in group.samples} == {"stop_id", "stop_name"}


def test_a_ragged_row_is_skipped_with_its_row_number_and_others_are_kept(make_feed):
    stops = STOPS_HEADER + "S1,Gare,48.85,2.30\nS2,Place,48.85\nS3,Parc,48.85,2.32\n"
    result = validate(make_feed(stops=stops), today=VALIDATION_DATE)
    sample = result.notices.groups["invalid_row_length"].samples[0]
    assert sample == {
        "filename": "stops.txt",
        "csvRowNumber": 3,
        "rowLength": 3,
        "headerCount": 4,
    }
    names, _feed = stops_names(make_feed(stops=stops))
    assert list(names) == ["S1", "S3"]


def test_row_numbers_after_a_skipped_row_stay_those_of_the_file(make_feed):
    stops = STOPS_HEADER + "S1,Gare,48.85,2.30\nS2,x\nS3,,48.85,2.32\n"
    result = validate(make_feed(stops=stops), today=VALIDATION_DATE)
    sample = result.notices.groups["missing_stop_name"].samples[0]
    assert sample["csvRowNumber"] == 4


def test_a_windows_1252_file_is_read_and_reported(make_feed):
    feed = make_feed("invalid_encoding")
    names, _feed = stops_names(feed)
    assert names["S2"] == "Place de l'Écluse"


def test_binary_garbage_gives_notices_not_a_crash(make_feed):
    garbage = bytes(range(256)).decode("latin-1") * 20
    result = validate(make_feed(stop_times=garbage), today=VALIDATION_DATE)
    assert result.notices.has_errors


def test_an_unclosed_quote_is_a_parsing_notice(make_feed):
    stops = STOPS_HEADER + 'S1,"Gare,48.85,2.30\nS2,Place,48.85,2.31\n'
    result = validate(make_feed(stops=stops), today=VALIDATION_DATE)
    assert result.notices.has_errors


def test_missing_optional_columns_are_null_and_unknown_columns_ignored(make_feed):
    names, feed = stops_names(
        make_feed(stops="stop_id,stop_name,colour\nS1,Gare,red\n")
    )
    assert names == {"S1": "Gare"}
    assert feed.files["stops.txt"].present == {"stop_id", "stop_name"}


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=20,
)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(text, text), min_size=1, max_size=8))
def test_any_csv_written_by_a_conforming_writer_reads_back_trimmed(make_feed, rows):
    buffer = io.StringIO()
    # With "\r\n" as terminator the writer quotes any value holding \r or \n.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["stop_id", "stop_name"])
    ids = [f"S{i}" for i in range(len(rows))]
    for stop_id, (_, name) in zip(ids, rows, strict=True):
        writer.writerow([stop_id, name])
    names, _feed = stops_names(make_feed(stops=buffer.getvalue()))
    expected = {
        stop_id: (name.strip(" \t") or None)
        for stop_id, (_, name) in zip(ids, rows, strict=True)
    }
    assert names == expected


def test_spaces_inside_the_quotes_of_a_value_are_trimmed(make_feed):
    names, _feed = stops_names(make_feed(stops='stop_id,stop_name\r\nS0," 0\r"\r\n'))
    assert names == {"S0": "0\r"}
