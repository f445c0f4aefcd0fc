"""``fabrique gbfs validate``."""

from __future__ import annotations

import json

from click.testing import CliRunner

from fabrique.cli import main
from tests.gbfs.conftest import edit


def test_validate_a_valid_folder_writes_the_report(gbfs_data, tmp_path):
    out = tmp_path / "report.json"
    geo = tmp_path / "feed.geojson"
    result = CliRunner().invoke(
        main,
        [
            "gbfs",
            "validate",
            str(gbfs_data / "v2_3"),
            "--json",
            str(out),
            "--geojson",
            str(geo),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "GBFS 2.3  Vélo Exemple" in result.output
    report = json.loads(out.read_text())
    assert report["summary"]["stations"] == 3
    assert len(json.loads(geo.read_text())["features"]) == 6


def test_errors_give_exit_status_1(feed_copy):
    folder = feed_copy("v2_3")
    edit(folder, "station_status", lambda d: d["data"]["stations"][0].pop("is_renting"))
    result = CliRunner().invoke(main, ["gbfs", "validate", str(folder)])
    assert result.exit_code == 1
    assert "missing_required_field" in result.output


def test_a_path_that_does_not_exist(tmp_path):
    result = CliRunner().invoke(main, ["gbfs", "validate", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "no such file, folder or URL" in result.output
