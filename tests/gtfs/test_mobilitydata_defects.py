"""Verdicts that follow MobilityData's validator on small synthetic feeds.

Each test reproduces a case where the engine and MobilityData's canonical
validator used to disagree (or where a feed lost data) and pins the behaviour
of MobilityData's own rule.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from fabrique.cli import main
from fabrique.gtfs import query
from fabrique.gtfs.errors import GTFSError
from fabrique.gtfs.sources import Limits, open_source
from fabrique.gtfs.store import ingest, open_store
from fabrique.gtfs.validator import validate

from .conftest import VALIDATION_DATE

SATURDAY = dt.date(2026, 2, 28)


def found(path: Path, code: str, today: dt.date = VALIDATION_DATE) -> list[dict]:
    result = validate(path, today=today)
    group = result.notices.groups.get(code)
    return group.samples if group else []


def total(path: Path, code: str, today: dt.date = VALIDATION_DATE) -> int:
    return validate(path, today=today).notices.count(code)


# 1. A reference to an absent optional file --------------------------------


def test_a_shape_id_without_shapes_txt_is_a_foreign_key_violation(make_feed):
    samples = found(make_feed(shapes=None), "foreign_key_violation")
    shape_refs = [s for s in samples if s["childFieldName"] == "shape_id"]
    assert len(shape_refs) == 3
    assert {s["parentFilename"] for s in shape_refs} == {"shapes.txt"}


def test_a_reference_to_an_absent_required_file_is_left_to_missing_required_file(
    make_feed,
):
    result = validate(make_feed(routes=None), today=VALIDATION_DATE)
    assert result.notices.count("missing_required_file") == 1
    group = result.notices.groups.get("foreign_key_violation")
    samples = group.samples if group else []
    assert "route_id" not in {s["childFieldName"] for s in samples}


# 2. Services only in calendar_dates.txt -------------------------------------


def test_dates_only_services_all_in_the_past_are_expired(make_feed):
    dates = (
        "service_id,date,exception_type\nWK,20250105,1\nWE,20250106,1\nWE,20250107,1\n"
    )
    samples = found(make_feed(calendar=None, calendar_dates=dates), "expired_calendar")
    assert [(s["serviceId"], s["csvRowNumber"]) for s in samples] == [
        ("WK", 2),
        ("WE", 3),
    ]


def test_dates_only_services_are_not_expired_while_one_still_runs(make_feed):
    dates = "service_id,date,exception_type\nWK,20250105,1\nWE,20260310,1\n"
    assert (
        total(make_feed(calendar=None, calendar_dates=dates), "expired_calendar") == 0
    )


# 3. Travel speed to the second ----------------------------------------------

FAR_STOPS = """\
stop_id,stop_name,stop_lat,stop_lon
A,Alpha,48.8500,2.3000
B,Beta,48.8500,2.3500
"""


def two_stops(make_feed, departure: str, arrival: str) -> Path:
    stop_times = (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        f"T1,{departure},{departure},A,1\nT1,{arrival},{arrival},B,2\n"
    )
    return make_feed(stops=FAR_STOPS, stop_times=stop_times)


def test_times_on_the_minute_get_one_more_minute(make_feed):
    # 3.66 km in one minute, both times on the minute: 3.66 km in 2 min is
    # 110 km/h, under the bus limit of 150.
    feed = two_stops(make_feed, "08:00:00", "08:01:00")
    assert total(feed, "fast_travel_between_consecutive_stops") == 0


def test_times_with_seconds_are_read_to_the_second(make_feed):
    # 3.66 km in 80 s: 165 km/h (rounded down to minutes it used to be 1 min).
    samples = found(
        two_stops(make_feed, "08:00:00", "08:01:20"),
        "fast_travel_between_consecutive_stops",
    )
    assert len(samples) == 1
    assert samples[0]["speedKph"] == pytest.approx(164.7, abs=0.5)
    # 10 s for the same distance within a minute: reported too.
    assert (
        total(
            two_stops(make_feed, "08:00:00", "08:00:10"),
            "fast_travel_between_consecutive_stops",
        )
        == 1
    )


def test_a_stop_without_times_is_passed_over(make_feed):
    stops = FAR_STOPS + "M,Mid,48.8500,2.3250\n"
    stop_times = (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        "T1,08:00:00,08:00:00,A,1\nT1,,,M,2\nT1,08:01:20,08:01:20,B,3\n"
    )
    samples = found(
        make_feed(stops=stops, stop_times=stop_times),
        "fast_travel_between_consecutive_stops",
    )
    assert [(s["stopId1"], s["stopId2"]) for s in samples] == [("A", "B")]


# 4. Short name inside the long name -----------------------------------------


@pytest.mark.parametrize(
    ("short", "long", "reported"),
    [
        ("Mu", "MuXpress", False),
        ("Mu", "Mu Xpress", True),
        ("Mu", "Mu-Xpress", True),
        ("Mu", "Mu (Xpress)", True),
        ("Mu", "mu", True),
        ("10", "100 Gare", False),
    ],
)
def test_the_long_name_must_continue_the_short_one_with_a_separator(
    make_feed, short, long, reported
):
    routes = (
        "route_id,agency_id,route_short_name,route_long_name,route_type\n"
        f"R1,A1,{short},{long},3\nR2,A1,T2,Tram Vert,0\n"
    )
    count = total(make_feed(routes=routes), "route_long_name_contains_short_name")
    assert count == (1 if reported else 0)


# 5. Mixed case ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reported"),
    [
        ("FABRIQUE TRANSIT", True),
        ("fabrique transit", True),
        ("FABRIQUE Transit", False),
        ("Fabrique Transit", False),
        ("FABRIQUE", False),  # a single word in capitals (an acronym)
        ("fabrique", True),  # a single word in lower case
        ("A B", False),  # words of one letter do not count
        ("1 RUE", True),  # Java's split keeps an empty first word
        ("RER B", False),
    ],
)
def test_mixed_case_follows_mobilitydata_word_rule(make_feed, name, reported):
    agency = (
        "agency_id,agency_name,agency_url,agency_timezone\n"
        f"A1,{name},https://transit.example.org,Europe/Paris\n"
    )
    samples = [
        s
        for s in found(make_feed(agency=agency), "mixed_case_recommended_field")
        if s["filename"] == "agency.txt"
    ]
    assert len(samples) == (1 if reported else 0)


def test_mixed_case_checks_trip_short_name_and_route_desc(make_feed):
    trips = (
        "route_id,service_id,trip_id,trip_headsign,trip_short_name\n"
        "R1,WK,T1,Parc Ouest,EXPRESS RAPIDE\n"
    )
    routes = (
        "route_id,agency_id,route_short_name,route_long_name,route_desc,route_type\n"
        "R1,A1,1,Gare Centrale - Parc Ouest,ligne de nuit,3\n"
    )
    samples = found(
        make_feed(trips=trips, routes=routes), "mixed_case_recommended_field"
    )
    assert {(s["filename"], s["fieldName"]) for s in samples} == {
        ("trips.txt", "trip_short_name"),
        ("routes.txt", "route_desc"),
    }


# 6. fare_attributes.agency_id -------------------------------------------------

FARES = "fare_id,price,currency_type,payment_method,transfers\nF1,1.90,EUR,0,0\n"


def test_a_fare_without_agency_id_is_a_missing_recommended_field(make_feed):
    samples = found(make_feed(fare_attributes=FARES), "missing_recommended_field")
    assert {"filename": "fare_attributes.txt", "csvRowNumber": 2,
            "fieldName": "agency_id"} in samples  # fmt: skip


def test_with_two_agencies_a_fare_without_agency_id_is_an_error(make_feed):
    agency = (
        "agency_id,agency_name,agency_url,agency_timezone\n"
        "A1,Un,https://a.example.org,Europe/Paris\n"
        "A2,Deux,https://b.example.org,Europe/Paris\n"
    )
    feed = make_feed(agency=agency, fare_attributes=FARES)
    missing = found(feed, "missing_required_agency_id")
    assert any(s["filename"] == "fare_attributes.txt" for s in missing)
    recommended = found(feed, "missing_recommended_field")
    assert not any(s["filename"] == "fare_attributes.txt" for s in recommended)


# 7. A file with a header and no rows ----------------------------------------


def test_stop_times_with_a_header_only_leaves_every_trip_and_stop_unused(make_feed):
    feed = make_feed(
        stop_times="trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    )
    result = validate(feed, today=VALIDATION_DATE)
    assert result.notices.count("unused_trip") == 3
    assert result.notices.count("unusable_trip") == 3
    assert result.notices.count("stop_without_stop_time") == 4


def test_without_stop_times_txt_the_trip_rules_stay_silent(make_feed):
    result = validate(make_feed(stop_times=None), today=VALIDATION_DATE)
    assert result.notices.count("missing_required_file") == 1
    for code in ("unused_trip", "unusable_trip", "stop_without_stop_time"):
        assert result.notices.count(code) == 0


# 8. Majority coverage for the next seven days -------------------------------


def test_a_weekday_feed_validated_on_a_weekend_is_covered(make_feed):
    calendar = (
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
        "start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20261231\n"
    )
    feed = make_feed(calendar=calendar, calendar_dates=None)
    code = "trip_coverage_not_active_for_next7_days"
    assert total(feed, code, SATURDAY) == 0
    assert total(feed, code, VALIDATION_DATE) == 0


def test_a_feed_whose_main_service_ends_within_a_week_is_reported(make_feed):
    calendar = (
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
        "start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20260304\n"
        "WE,0,0,0,0,0,1,1,20260101,20260304\n"
    )
    samples = found(
        make_feed(calendar=calendar, calendar_dates=None),
        "trip_coverage_not_active_for_next7_days",
    )
    assert samples == [
        {
            "currentDate": "20260301",
            "serviceWindowStartDate": "20260101",
            "serviceWindowEndDate": "20260304",
        }
    ]


def test_a_few_trips_running_on_far_dates_do_not_extend_the_window(make_feed):
    # 4 trips every weekday until 4 March; one trip on Sundays all year: the
    # Sundays are under 75 % of the usual count, so the window ends on 4 March.
    trips = (
        "route_id,service_id,trip_id\nR1,WK,T1\nR1,WK,T2\nR1,WK,T4\nR1,WK,T5\n"
        "R2,WE,T3\n"
    )
    calendar = (
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
        "start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20260304\n"
        "WE,0,0,0,0,0,0,1,20260101,20261231\n"
    )
    samples = found(
        make_feed(calendar=calendar, calendar_dates=None, trips=trips),
        "trip_coverage_not_active_for_next7_days",
    )
    assert [s["serviceWindowEndDate"] for s in samples] == ["20260304"]


# 9. Rows longer than DuckDB's line limit -------------------------------------

LONG = "x" * 2_100_000


def test_a_row_longer_than_two_megabytes_is_read_with_its_file(make_feed, tmp_path):
    stops = (
        "stop_id,stop_name,stop_desc,stop_lat,stop_lon,location_type,parent_station\n"
        "STA,Gare Centrale,,48.85,2.30,1,\nS1,Quai 1,,48.8501,2.3001,0,STA\n"
        f"S2,Place Verte,{LONG},48.85,2.31,0,\nS3,Rue Haute,,48.85,2.32,0,\n"
        "S4,Parc Ouest,,48.85,2.33,0,\n"
    )
    feed = make_feed(stops=stops)
    result = validate(feed, today=VALIDATION_DATE)
    assert result.notices.count("runtime_exception_in_loader_error") == 0
    assert result.notices.count("foreign_key_violation") == 0
    [long_row] = result.notices.groups["very_long_row"].samples
    assert long_row["filename"] == "stops.txt"
    assert long_row["csvRowNumber"] == 4
    stored = ingest(feed, tmp_path / "store")
    assert stored.tables["stops.txt"] == 5
    con = open_store(tmp_path / "store")
    try:
        row = con.execute("SELECT length(stop_desc) FROM stops WHERE stop_id = 'S2'")
        assert row.fetchone() == (2_100_000,)
    finally:
        con.close()


def test_a_long_row_in_a_file_with_blank_lines_is_kept_too(make_feed, tmp_path):
    stops = (
        "stop_id,stop_name,stop_desc,stop_lat,stop_lon\n"
        f"S1,Quai 1,{LONG},48.8501,2.3001\n\nS2,Place Verte,,48.85,2.31\n"
        "S3,Rue Haute,,48.85,2.32\nS4,Parc Ouest,,48.85,2.33\n"
    )
    result = validate(make_feed(stops=stops), today=VALIDATION_DATE)
    assert result.notices.count("runtime_exception_in_loader_error") == 0
    assert [
        s["csvRowNumber"] for s in result.notices.groups["very_long_row"].samples
    ] == [2]


def test_ingest_fails_when_rows_cannot_be_read(make_feed, tmp_path):
    stops = (
        "stop_id,stop_name,stop_lat,stop_lon\nS1,Quai 1,48.85,2.30\n"
        "S2,Place Verte,48.85,2.31,extra\nS3,Rue Haute,48.85,2.32\n"
    )
    feed = make_feed(stops=stops)
    with pytest.raises(GTFSError, match=r"invalid_row_length x1: stops\.txt row 3"):
        ingest(feed, tmp_path / "store")
    outcome = CliRunner().invoke(
        main, ["gtfs", "ingest", "--no-geojson", str(feed), str(tmp_path / "cli")]
    )
    assert outcome.exit_code != 0
    assert "invalid_row_length" in outcome.output


# 10. UTF-16 ----------------------------------------------------------------


def test_a_utf16_file_is_read_without_a_nul_byte_error(make_feed, gtfs_data):
    text = (gtfs_data / "base" / "stops.txt").read_text(encoding="utf-8")
    feed = make_feed(stops=text.encode("utf-16"))
    result = validate(feed, today=VALIDATION_DATE)
    assert result.notices.count("invalid_encoding") == 1
    assert result.notices.count("csv_parsing_failed") == 0
    assert result.notices.count("foreign_key_violation") == 0


def test_a_utf16_file_with_spaces_is_trimmed(make_feed, gtfs_data):
    text = (gtfs_data / "base" / "stops.txt").read_text(encoding="utf-8")
    feed = make_feed(
        stops=text.replace(",Place Verte,", ", Place Verte ,").encode("utf-16")
    )
    samples = found(feed, "leading_or_trailing_whitespaces")
    assert [s["fieldValue"] for s in samples] == [" Place Verte "]


# 11. Departures two or more days after their service day --------------------

RAIL_STOPS = """\
stop_id,stop_name,stop_lat,stop_lon
A,Alpha,48.85,2.30
B,Beta,45.00,5.00
"""
RAIL_TRIPS = "route_id,service_id,trip_id\nR1,ONCE,LONG\nR1,ONCE,SHORT\n"
RAIL_TIMES = """\
trip_id,arrival_time,departure_time,stop_id,stop_sequence
LONG,49:10:00,49:10:00,A,1
LONG,86:05:00,86:05:00,B,2
SHORT,02:00:00,02:00:00,A,1
SHORT,03:00:00,03:00:00,B,2
"""


@pytest.fixture(params=["prepared", "raw"])
def rail(request, make_feed, tmp_path) -> Path:
    directory = tmp_path / "rail"
    ingest(
        make_feed(
            stops=RAIL_STOPS,
            trips=RAIL_TRIPS,
            stop_times=RAIL_TIMES,
            calendar=None,
            calendar_dates="service_id,date,exception_type\nONCE,20260306,1\n",
        ),
        directory,
    )
    if request.param == "prepared":
        query.prepare(directory)
    yield directory
    query.forget(directory)


def test_a_time_past_48_00_departs_two_days_after_its_service_day(rail):
    assert query.departures(rail, "A", dt.date(2026, 3, 7)) == []
    board = query.departures(rail, "A", dt.date(2026, 3, 8))
    assert [(r["trip_id"], r["departure_time"]) for r in board] == [
        ("LONG", "01:10:00")
    ]
    row = board[0]
    assert row["service_date"] == "2026-03-06"
    assert row["previous_day"] is True
    assert row["gtfs_departure_time"] == "49:10:00"
    assert row["departure"] == "2026-03-08T01:10:00+01:00"


def test_a_time_past_72_00_arrives_three_days_later(rail):
    board = query.departures(rail, "B", dt.date(2026, 3, 9), include_terminus=True)
    assert [(r["trip_id"], r["arrival"]) for r in board] == [
        ("LONG", "2026-03-09T14:05:00+01:00")
    ]
    assert board[0]["service_date"] == "2026-03-06"


def test_the_board_of_the_service_day_orders_its_own_trips_only(rail):
    board = query.departures(rail, "A", dt.date(2026, 3, 6))
    assert [r["trip_id"] for r in board] == ["SHORT"]


# 12. Zip bombs and unknown files --------------------------------------------


def test_unknown_files_are_listed_never_extracted(make_feed, tmp_path):
    feed = make_feed()
    with zipfile.ZipFile(feed, "a", zipfile.ZIP_DEFLATED) as archive:
        for i in range(30):
            archive.writestr(f"filler{i}.bin", b"\0" * 200_000)
    work = tmp_path / "work"
    source = open_source(
        feed, work, limits=Limits(max_ratio=50, ratio_floor_bytes=10**6)
    )
    assert len(source.unknown) == 30
    assert not any(p.name.startswith("filler") for p in work.iterdir())
    result = validate(feed, today=VALIDATION_DATE)
    assert result.notices.count("unknown_file") == 30


def test_many_small_members_together_hit_the_ratio_cap(make_feed, tmp_path):
    zeros = "0" * 900_000
    feed = make_feed(stop_times=zeros, shapes=zeros, transfers=zeros)
    limits = Limits(max_ratio=50, ratio_floor_bytes=1_000_000)
    with pytest.raises(GTFSError, match="compression ratio of the archive"):
        open_source(feed, tmp_path / "w", limits=limits)


def test_the_uncompressed_cap_is_a_cli_option(make_feed, tmp_path):
    feed = make_feed(stop_times="0" * 600_000)
    outcome = CliRunner().invoke(
        main, ["gtfs", "validate", str(feed), "--max-uncompressed", "500kB"]
    )
    assert outcome.exit_code != 0
    assert "500,000" in outcome.output
    assert "zip bomb" in outcome.output
    wrong = CliRunner().invoke(
        main, ["gtfs", "validate", str(feed), "--max-uncompressed", "lots"]
    )
    assert wrong.exit_code == 2


@pytest.mark.parametrize("prepared", [True, False])
def test_a_board_on_the_spring_forward_day_is_in_the_order_of_instants(
    make_feed, tmp_path, prepared
):
    # Service day 29 March 2026 starts at 23:00 on the 28th (noon minus 12 h):
    # its 00:40 is 23:40 on the 28th, before the 28th's 24:30 (00:30 on the
    # 29th, still in winter time).
    directory = tmp_path / "dst"
    ingest(
        make_feed(
            stops=RAIL_STOPS,
            trips="route_id,service_id,trip_id\nR1,SAT,LATE\nR1,SUN,EARLY\n",
            stop_times=(
                "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                "LATE,24:30:00,24:30:00,A,1\nLATE,25:30:00,25:30:00,B,2\n"
                "EARLY,00:40:00,00:40:00,A,1\nEARLY,01:40:00,01:40:00,B,2\n"
            ),
            calendar=None,
            calendar_dates=(
                "service_id,date,exception_type\nSAT,20260328,1\nSUN,20260329,1\n"
            ),
        ),
        directory,
    )
    if prepared:
        query.prepare(directory)
    try:
        board = query.departures(directory, "A", dt.date(2026, 3, 29))
    finally:
        query.forget(directory)
    assert [(r["trip_id"], r["departure"]) for r in board] == [
        ("EARLY", "2026-03-28T23:40:00+01:00"),
        ("LATE", "2026-03-29T00:30:00+01:00"),
    ]


# Found by the long differential run -----------------------------------------


def test_feed_info_values_are_checked_when_agency_txt_is_absent(make_feed):
    feed_info = (
        "feed_publisher_name,feed_publisher_url,feed_lang,feed_start_date,"
        "feed_end_date\nFabrique,https://fabrique.example.org,fr,20260211,20260313\n"
    )
    samples = found(
        make_feed(agency=None, feed_info=feed_info), "missing_recommended_field"
    )
    assert [(s["filename"], s["fieldName"]) for s in samples] == [
        ("feed_info.txt", "feed_version")
    ]


def test_a_timepoint_without_both_times_is_reported_once_per_missing_time(make_feed):
    """Found by the differential run: MobilityData reports each missing time."""
    result = validate(
        make_feed("stop_time_timepoint_without_times"), today=VALIDATION_DATE
    )
    group = result.notices.groups["stop_time_timepoint_without_times"]
    assert group.total == 2
    assert [(s["csvRowNumber"], s["specifiedField"]) for s in group.samples] == [
        (3, "arrival_time"),
        (3, "departure_time"),
    ]
    only_departure = (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence,timepoint\n"
        "T1,08:00:00,08:00:00,S1,1,1\nT1,08:03:00,,S2,2,1\n"
        "T1,08:06:00,08:06:30,S3,3,1\n"
    )
    result = validate(make_feed(stop_times=only_departure), today=VALIDATION_DATE)
    group = result.notices.groups["stop_time_timepoint_without_times"]
    assert [(s["csvRowNumber"], s["specifiedField"]) for s in group.samples] == [
        (3, "departure_time")
    ]


TRANSFERS = "from_stop_id,to_stop_id,from_trip_id,to_trip_id,transfer_type\n"


def test_transfer_stop_ids_are_required_unless_in_seat_then_trip_ids(make_feed):
    """Found by the differential run (MobilityData's conditional requirement)."""
    transfers = TRANSFERS + ",S2,,,2\nS1,,,,0\n,,T1,T2,4\nS1,S2,,,\nS1,S2,T1,,5\n"
    result = validate(make_feed(transfers=transfers), today=VALIDATION_DATE)
    found = [
        (s["filename"], s["csvRowNumber"], s["fieldName"])
        for s in result.notices.groups["missing_required_field"].samples
    ]
    # Row 5 has no transfer_type: that is reported, its stops are not checked.
    assert found == [
        ("transfers.txt", 5, "transfer_type"),
        ("transfers.txt", 2, "from_stop_id"),
        ("transfers.txt", 3, "to_stop_id"),
        ("transfers.txt", 6, "to_trip_id"),  # in-seat: trips, not stops
    ]


def test_an_in_seat_transfer_may_not_name_a_station(make_feed):
    """Found by the differential run: stations are for walking transfers."""
    transfers = TRANSFERS + "STA,S2,T1,T2,4\nS4,STA,T1,T3,5\nSTA,S2,,,2\n"
    result = validate(make_feed(transfers=transfers), today=VALIDATION_DATE)
    found = [
        (s["csvRowNumber"], s["stopIdFieldName"], s["locationTypeValue"])
        for s in result.notices.groups[
            "transfer_with_invalid_stop_location_type"
        ].samples
    ]
    assert found == [(2, "from_stop_id", 1), (3, "to_stop_id", 1)]
