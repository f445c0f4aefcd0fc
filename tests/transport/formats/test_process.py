"""``transport.formats.process``: the entry point of the background task."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from fabrique.transport.formats import GBFS_GEOJSON, process

DATA = Path(__file__).resolve().parents[2] / "data"


def test_gbfs_writes_the_map_products(tmp_path):
    result = process("gbfs", DATA / "gbfs" / "v2_3", products_dir=tmp_path / "out")
    assert result.summary["stations"] == 3
    assert result.report["summary"] is result.summary
    geojson = json.loads((tmp_path / "out" / GBFS_GEOJSON).read_text())
    assert len(geojson["features"]) == 6
    # the fixture is from 2026-01-01: only staleness may be reported
    assert result.errors == result.warnings == 0
    assert {n["code"] for n in result.report["notices"]} <= {"stale_feed"}


def test_gtfs_rt_and_netex(tmp_path):
    rt = process("gtfs-rt", DATA / "gtfs_rt" / "alerts.pb")
    assert rt.summary["alertCount"] == 2
    assert rt.infos == 1  # ids not checked: no GTFS given
    archive = tmp_path / "netex.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(DATA / "netex" / "offer.xml", "offer.xml")
    netex = process("netex", archive)
    assert netex.summary["lines"] == 2
    # offer.xml names the French profile but has no passing times: invalid.
    assert netex.summary["verdict"] == "invalid"
    assert netex.errors > 0


@pytest.mark.parametrize("fmt", ["gbfs", "gtfs-rt", "netex"])
def test_garbage_gives_errors_not_exceptions(tmp_path, fmt):
    path = tmp_path / "garbage.bin"
    path.write_bytes(b"\x00\xff" * 500)
    result = process(fmt, path)
    assert result.errors >= 1
    json.dumps(result.report)


def test_an_unknown_format_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError, match="unknown format"):
        process("kml", tmp_path)


def test_a_lone_discovery_file_never_fetches_local_addresses(tmp_path):
    discovery = {
        "last_updated": 1767225600,
        "ttl": 0,
        "version": "2.3",
        "data": {
            "en": {
                "feeds": [
                    {"name": "system_information", "url": "http://127.0.0.1:9/s.json"},
                    {"name": "station_status", "url": "http://169.254.169.254/x.json"},
                ]
            }
        },
    }
    path = tmp_path / "original.json"
    path.write_text(json.dumps(discovery))
    result = process("gbfs", path)
    failed = next(
        n for n in result.report["notices"] if n["code"] == "feed_fetch_failed"
    )
    assert failed["totalNotices"] == 2
    assert all("private or local" in s["reason"] for s in failed["sampleNotices"])
