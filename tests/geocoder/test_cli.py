from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fabrique.cli import main


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("FABRIQUE_GEOCODER_INDEX", str(tmp_path / "index"))
    return CliRunner()


def test_index_then_search_and_reverse_from_the_shell(runner, geocoder_data):
    result = runner.invoke(
        main, ["geocoder", "index", "ban", str(geocoder_data / "ban_sample.csv")]
    )
    assert result.exit_code == 0, result.output
    assert "Indexed source ban_sample" in result.output
    result = runner.invoke(main, ["geocoder", "search", "12 r de rivoli paris"])
    assert result.exit_code == 0
    assert "12 Rue de Rivoli 75004 Paris" in result.output.splitlines()[0]
    result = runner.invoke(
        main, ["geocoder", "search", "rivoli", "--type", "street", "--json"]
    )
    features = json.loads(result.output)["features"]
    assert {f["properties"]["type"] for f in features} == {"street"}
    result = runner.invoke(main, ["geocoder", "reverse", "44.349935", "2.5751"])
    assert "3ter Rue du Touat 12000 Rodez" in result.output
    result = runner.invoke(main, ["geocoder", "sources"])
    assert "ban_sample: 20 documents, 19 house numbers" in result.output


def test_index_bano_places_and_gtfs(runner, geocoder_data, tmp_path):
    from .conftest import zip_feed

    for fmt, path in (("bano", geocoder_data / "bano_sample.csv"),
                      ("places", geocoder_data / "places.jsonl")):  # fmt: skip
        result = runner.invoke(main, ["geocoder", "index", fmt, str(path)])
        assert result.exit_code == 0, result.output
    feed = zip_feed(geocoder_data / "stops_feed", tmp_path / "feed.zip")
    result = runner.invoke(main, ["geocoder", "index", "gtfs", str(feed), "--json"])
    assert json.loads(result.output)["documents"] == 2
    result = runner.invoke(main, ["geocoder", "search", "gare de lyon"])
    assert "Gare de Lyon" in result.output


def test_csv_command_writes_the_output(runner, geocoder_data, tmp_path):
    runner.invoke(
        main, ["geocoder", "index", "ban", str(geocoder_data / "ban_sample.csv")]
    )
    source = tmp_path / "in.csv"
    source.write_text("num,rue\n12,rue de rivoli\n")
    target = tmp_path / "out.csv"
    result = runner.invoke(
        main, ["geocoder", "csv", str(source), str(target), "-c", "num", "-c", "rue"]
    )
    assert result.exit_code == 0, result.output
    assert "75104_8158_00012" in target.read_text()
    source.write_bytes("num,rue\n12,rue \xe9\n".encode("latin-1"))
    result = runner.invoke(main, ["geocoder", "csv", str(source), str(target)])
    assert result.exit_code == 1
    assert "is not utf-8-sig" in result.output
    assert not target.exists()


def test_user_errors_are_clean_messages(runner, geocoder_data, tmp_path):
    result = runner.invoke(main, ["geocoder", "search", "rivoli"])
    assert result.exit_code == 1
    assert "no geocoder index" in result.output
    assert "Traceback" not in result.output
    runner.invoke(
        main, ["geocoder", "index", "ban", str(geocoder_data / "ban_sample.csv")]
    )
    result = runner.invoke(main, ["geocoder", "search", ""])
    assert result.exit_code == 1
    assert "the query is empty" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("x;y\n1;2\n")
    result = runner.invoke(main, ["geocoder", "index", "ban", str(bad)])
    assert result.exit_code == 1
    assert "bad.csv line 1: not a BAN CSV header" in result.output


def test_index_folder_follows_the_portal_settings():
    from fabrique.geocoder.cli import default_index

    assert default_index({"FABRIQUE_GEOCODER_INDEX": "/x/idx"}) == "/x/idx"
    assert default_index({"FABRIQUE_DATA_DIR": "/srv/data"}) == "/srv/data/geocoder"
    assert default_index({}) == "./var/geocoder"
