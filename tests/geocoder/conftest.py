"""An index built once from the project's small geocoder fixtures."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from fabrique.geocoder.index import (
    Index,
    build_gtfs_source,
    build_source,
)


@pytest.fixture(scope="session")
def geocoder_data(test_data: Path) -> Path:
    return test_data / "geocoder"


def zip_feed(folder: Path, target: Path) -> Path:
    """Zip a fixture folder into a GTFS feed."""
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return target


def build_all(geocoder_data: Path, folder: Path) -> Path:
    with open(geocoder_data / "ban_sample.csv", "rb") as handle:
        build_source(folder, "ban", "ban", [(handle, "ban_sample.csv")])
    with open(geocoder_data / "bano_sample.csv", "rb") as handle:
        build_source(folder, "bano", "bano", [(handle, "bano_sample.csv")])
    with open(geocoder_data / "places.jsonl", "rb") as handle:
        build_source(folder, "places", "places", [(handle, "places.jsonl")])
    feed = zip_feed(geocoder_data / "stops_feed", folder.parent / "demo_feed.zip")
    build_gtfs_source(folder, "stops", [feed])
    return folder


@pytest.fixture(scope="session")
def index_dir(geocoder_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_all(geocoder_data, tmp_path_factory.mktemp("geocoder") / "index")


@pytest.fixture
def index(index_dir: Path) -> Iterator[Index]:
    opened = Index.open(index_dir)
    yield opened
    opened.close()
