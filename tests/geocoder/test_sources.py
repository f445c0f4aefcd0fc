from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from fabrique.geocoder.builder import SegmentBuilder
from fabrique.geocoder.errors import GeocoderError
from fabrique.geocoder.index import Index, build_source
from fabrique.geocoder.sources import (
    city_and_district,
    read_ban,
    read_bano,
    read_gtfs_stops,
    read_places,
)

BAN_HEADER = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;"
    "code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;"
    "alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;"
    "certification_commune;cad_parcelles\n"
)


def ban_row(number="1", lon="2.35", lat="48.85", name="Rue A") -> str:
    return (
        f"75101_a_{number};;{number};;{name};75001;75101;Paris 1er Arrondissement;"
        f";;0;0;{lon};{lat};entrée;;;PARIS;RUE A;commune;commune;1;\n"
    )


def read(reader, content: bytes, name: str) -> int:
    return reader(SegmentBuilder("t"), io.BytesIO(content), name)


def test_ban_file_is_read_gzipped_or_not(geocoder_data):
    raw = (geocoder_data / "ban_sample.csv").read_bytes()
    assert read(read_ban, raw, "a.csv") == 20
    assert read(read_ban, gzip.compress(raw), "a.csv.gz") == 20


def test_paris_districts_belong_to_paris():
    assert city_and_district("Paris 1er Arrondissement") == (
        "Paris",
        "Paris 1er Arrondissement",
    )
    assert city_and_district("Lyon 3e Arrondissement")[0] == "Lyon"
    assert city_and_district("Rodez") == ("Rodez", "")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"a;b;c\n1;2;3\n", "line 1: not a BAN CSV header, missing id, numero"),
        ((BAN_HEADER + "1;2;3\n").encode(), "line 2: 3 columns, expected 23"),
        ((BAN_HEADER + ban_row(number="x")).encode(), "line 2: `numero` 'x'"),
        ((BAN_HEADER + ban_row(lat="91.5")).encode(), "line 2: lat '91.5' is not"),
        ((BAN_HEADER + ban_row(lon="east")).encode(), "line 2: lon 'east' is not"),
        ((BAN_HEADER + ban_row(name="Rue \xe9")).encode("latin-1"), "not UTF-8"),
    ],
)
def test_malformed_ban_files_name_the_line_and_column(content, message):
    with pytest.raises(GeocoderError, match=message):
        read(read_ban, content, "bad.csv")


def test_truncated_gzip_is_reported():
    content = gzip.compress((BAN_HEADER + ban_row() * 50).encode())[:-20]
    with pytest.raises(GeocoderError, match=r"bad\.csv\.gz"):
        read(read_ban, content, "bad.csv.gz")


def test_failed_build_keeps_the_previous_index(geocoder_data, tmp_path):
    with open(geocoder_data / "ban_sample.csv", "rb") as handle:
        build_source(tmp_path, "ban", "ban", [(handle, "ban_sample.csv")])
    bad = io.BytesIO((BAN_HEADER + ban_row() + ban_row(lat="x")).encode())
    with pytest.raises(GeocoderError):
        build_source(tmp_path, "ban", "ban", [(bad, "bad.csv")])
    with Index.open(tmp_path) as index:
        assert index.search("12 rue de rivoli")[0].type == "housenumber"


def test_bano_rows_need_eight_columns(geocoder_data):
    assert read(read_bano, (geocoder_data / "bano_sample.csv").read_bytes(), "b") == 5
    with pytest.raises(GeocoderError, match="line 1: 3 columns, expected 8"):
        read(read_bano, b"a,b,c\n", "b.csv")
    with pytest.raises(GeocoderError, match="`numero` 'abc'"):
        read(read_bano, b"1-1,abc,Rue,12000,Rodez,OSM,44.1,2.5\n", "b.csv")


def test_gtfs_without_stops_is_refused(tmp_path: Path):
    feed = tmp_path / "feed.zip"
    with zipfile.ZipFile(feed, "w") as archive:
        archive.writestr("agency.txt", "agency_id\n1\n")
    with pytest.raises(GeocoderError, match=r"stops\.txt is missing"):
        read_gtfs_stops(SegmentBuilder("t"), feed)
    feed.write_bytes(b"not a zip")
    with pytest.raises(GeocoderError, match="not a readable zip"):
        read_gtfs_stops(SegmentBuilder("t"), feed)


def test_gtfs_stop_with_bad_coordinates_is_named(tmp_path: Path):
    feed = tmp_path / "feed.zip"
    with zipfile.ZipFile(feed, "w") as archive:
        archive.writestr(
            "stops.txt", "stop_id,stop_name,stop_lat,stop_lon\nS1,Gare,north,2.3\n"
        )
    with pytest.raises(GeocoderError, match=r"stops\.txt line 2: document 'feed:S1'"):
        read_gtfs_stops(SegmentBuilder("t"), feed)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"{not json", "line 1: not JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"id": "a", "type": "planet", "name": "X", "lat": 1, "lon": 1}',
         "type 'planet' is not one of"),
        (b'{"id": "a", "type": "place", "name": "X", "lat": 1}', "lon"),
        (b'{"id": "a", "type": "place", "name": "", "lat": 1, "lon": 1}',
         "the name is empty"),
        (b'{"id": "a", "type": "place", "name": "X", "lat": 1, "lon": 1, "z": 1}',
         "unknown field"),
        (b'{"id": "a", "type": "place", "name": "X", "lat": 1, "lon": 1, '
         b'"importance": 3}', "importance must be within"),
    ],
)  # fmt: skip
def test_bad_place_records_are_refused_with_the_line(line, message):
    with pytest.raises(GeocoderError, match=message):
        read(read_places, line + b"\n", "places.jsonl")


def test_duplicate_place_ids_are_refused():
    line = b'{"id": "a", "type": "place", "name": "X", "lat": 1, "lon": 1}\n'
    with pytest.raises(GeocoderError, match="given twice"):
        read(read_places, line * 2, "places.jsonl")


def test_context_is_written_as_the_ban_writes_it():
    from fabrique.geocoder.departments import DEPARTMENTS, context

    assert context("75") == "75, Paris, Île-de-France"
    assert context("2A") == "2A, Corse-du-Sud, Corse"
    assert context("974") == "974, La Réunion"
    assert context("98") == "98"
    assert len(DEPARTMENTS) == 101
