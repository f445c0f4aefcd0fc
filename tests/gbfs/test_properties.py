"""Property tests: whatever JSON a feed holds, the check reports, never crashes."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabrique.gbfs import validate
from fabrique.gbfs.schema import known, parse_version
from tests.gbfs.conftest import NOW

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from(
    [
        "station_id",
        "num_bikes_available",
        "num_docks_available",
        "is_installed",
        "is_renting",
        "last_reported",
        "vehicle_types_available",
        "lat",
        "lon",
        "name",
        "capacity",
    ]
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    version=st.sampled_from(["1.0", "1.1", "2.0", "2.1", "2.2", "2.3", "3.0", "x"]),
    station=st.dictionaries(FIELDS, JSON, max_size=8),
    extra=JSON,
)
def test_any_station_record_is_checked_without_crashing(
    tmp_path_factory, version, station, extra
):
    folder: Path = tmp_path_factory.mktemp("feed")
    header = {"last_updated": 1767225600, "ttl": 0, "version": version}
    (folder / "station_status.json").write_text(
        json.dumps({**header, "data": {"stations": [station, extra]}})
    )
    (folder / "station_information.json").write_text(
        json.dumps({**header, "data": {"stations": extra}})
    )
    result = validate(folder, now=NOW)
    json.dumps(result.report())
    assert result.summary["stations"] >= 0


@given(st.text(max_size=12))
def test_version_parsing_accepts_only_major_dot_minor(text):
    parsed = parse_version(text)
    if parsed is not None:
        major, minor = text.split("-", 1)[0].split(".")
        assert parsed == (int(major), int(minor))
        assert known(text) in (None, f"{parsed[0]}.{parsed[1]}")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(discovery=JSON, version=JSON)
def test_any_discovery_file_is_checked_without_fetching_or_crashing(
    tmp_path_factory, discovery, version
):
    folder: Path = tmp_path_factory.mktemp("feed")
    (folder / "gbfs.json").write_text(
        json.dumps({"last_updated": 0, "ttl": 0, "version": version, "data": discovery})
    )
    result = validate(folder, now=NOW)
    json.dumps(result.report())
    assert "feed_fetch_failed" not in result.notices.codes()
