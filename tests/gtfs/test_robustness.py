"""Whatever the text of a file, validation ends with notices, never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabrique.gtfs.validator import validate

from .conftest import VALIDATION_DATE

FILES = ["stops", "stop_times", "calendar", "trips", "routes", "shapes", "agency"]
HEADERS = {
    "stops": "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station",
    "stop_times": "trip_id,arrival_time,departure_time,stop_id,stop_sequence",
    "calendar": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,"
    "sunday,start_date,end_date",
    "trips": "route_id,service_id,trip_id,shape_id,block_id",
    "routes": "route_id,agency_id,route_short_name,route_long_name,route_type",
    "shapes": "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence",
    "agency": "agency_id,agency_name,agency_url,agency_timezone",
}
cell = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "-1",
            "25:61:00",
            "20260230",
            "1e999",
            "NaN",
            "S1",
            "T1",
            "R1",
            "WK",
            "SH1",
            " x ",
            '"',
            "a,b",
            "é",
        ]
    ),
    st.text(max_size=6),
)


@st.composite
def csv_text(draw, name):
    header = HEADERS[name]
    width = header.count(",") + 1
    rows = draw(
        st.lists(st.lists(cell, min_size=width - 1, max_size=width + 1), max_size=6)
    )
    lines = [header] + [",".join(row) for row in rows]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(FILES).flatmap(lambda n: st.tuples(st.just(n), csv_text(n))))
def test_random_content_in_a_file_gives_notices_and_no_crash(make_feed, case):
    name, text = case
    result = validate(make_feed(**{name: text}), today=VALIDATION_DATE)
    assert "runtime_exception_in_validator_error" not in result.notices.codes()
    assert "runtime_exception_in_loader_error" not in result.notices.codes()


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(FILES), st.binary(max_size=300))
def test_random_bytes_in_a_file_give_notices_and_no_crash(make_feed, name, data):
    result = validate(make_feed(**{name: data}), today=VALIDATION_DATE)
    assert "runtime_exception_in_validator_error" not in result.notices.codes()


def test_a_block_of_thousands_of_overlapping_trips_is_checked_in_linear_time(
    make_feed,
):
    count = 3000
    trips = "route_id,service_id,trip_id,block_id\n" + "".join(
        f"R1,WK,X{i},B1\n" for i in range(count)
    )
    stop_times = (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        + "".join(
            f"X{i},08:00:00,08:00:00,S2,1\nX{i},08:10:00,08:10:00,S3,2\n"
            for i in range(count)
        )
    )
    result = validate(
        make_feed(trips=trips, stop_times=stop_times), today=VALIDATION_DATE
    )
    # Each trip overlaps the one started just before it in the block.
    assert result.notices.count("block_trips_with_overlapping_stop_times") == count - 1
