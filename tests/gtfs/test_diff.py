"""Differences between two stored versions."""

from __future__ import annotations

from fabrique.gtfs.diff import diff_stores
from fabrique.gtfs.store import ingest


def test_the_same_feed_twice_has_no_difference(make_feed, tmp_path):
    ingest(make_feed(), tmp_path / "a")
    ingest(make_feed(), tmp_path / "b")
    changes = diff_stores(tmp_path / "a", tmp_path / "b")
    for entity in ("routes", "stops", "trips"):
        assert changes[entity]["counts"] == {"added": 0, "removed": 0, "changed": 0}
    assert changes["validity"]["changed"] is False


def test_added_removed_and_changed_entities_and_validity_are_reported(
    make_feed, gtfs_data, tmp_path
):
    base = tmp_path / "a"
    ingest(make_feed(), base)
    routes = (
        "route_id,agency_id,route_short_name,route_long_name,route_type\n"
        "R1,A1,1,Gare Centrale - Parc Ouest (nouveau),3\nR3,A1,3,Nuit,3\n"
    )
    changed = make_feed(
        routes=routes,
        trips=(gtfs_data / "base" / "trips.txt")
        .read_text()
        .replace("R2,WE,T3", "R3,WE,T3"),
        calendar="service_id,monday,tuesday,wednesday,thursday,friday,saturday,"
        "sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20270630\n"
        "WE,0,0,0,0,0,1,1,20260101,20270630\n",
    )
    ingest(changed, tmp_path / "b")
    changes = diff_stores(base, tmp_path / "b")
    assert changes["routes"]["added"] == ["R3"]
    assert changes["routes"]["removed"] == ["R2"]
    assert changes["routes"]["changed"] == ["R1"]
    assert changes["trips"]["changed"] == ["T3"]
    assert changes["stops"]["counts"]["changed"] == 0
    assert changes["validity"]["new"]["end"] == "2027-06-30"
    assert changes["validity"]["changed"] is True


def test_a_changed_stop_time_changes_its_trip(make_feed, gtfs_data, tmp_path):
    ingest(make_feed(), tmp_path / "a")
    text = (gtfs_data / "base" / "stop_times.txt").read_text()
    ingest(
        make_feed(stop_times=text.replace("T2,08:33:00", "T2,08:34:00")),
        tmp_path / "b",
    )
    changes = diff_stores(tmp_path / "a", tmp_path / "b")
    assert changes["trips"]["changed"] == ["T2"]
