"""Point the places app at an index built from the geocoder fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _geocoder_index(geocoder_index: Path) -> Path:
    return geocoder_index


@pytest.fixture(scope="session")
def addok_answers(test_data: Path) -> dict:
    import json

    return json.loads((test_data / "geocoder" / "addok_answers.json").read_text())
