"""Point the places app at an index built from the geocoder fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from fabrique.places import engine
from tests.geocoder.conftest import build_all


@pytest.fixture(scope="session")
def places_index(test_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("places") / "index"
    return build_all(test_data / "geocoder", folder)


@pytest.fixture(autouse=True)
def _geocoder_index(settings, places_index):
    settings.GEOCODER_INDEX = places_index
    engine.reset()
    yield
    engine.reset()


@pytest.fixture(scope="session")
def addok_answers(test_data: Path) -> dict:
    import json

    return json.loads((test_data / "geocoder" / "addok_answers.json").read_text())
