"""GBFS fixtures: small hand-written feeds copied to a temporary folder."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

# The fixtures' last_updated is 2026-01-01T00:00:00Z with a ttl of 60 s.
NOW = datetime(2026, 1, 1, 0, 0, 30, tzinfo=UTC)
FeedCopy = Callable[[str], Path]


@pytest.fixture
def gbfs_data(test_data: Path) -> Path:
    return test_data / "gbfs"


@pytest.fixture
def feed_copy(gbfs_data: Path, tmp_path: Path) -> FeedCopy:
    """Copy a fixture feed (``v1_0``, ``v2_3``, ``v3_0``) to edit it."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(gbfs_data / name, target)
        return target

    return copy


def edit(folder: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Load ``name``.json of a feed folder, change it in place, write it back."""
    path = folder / f"{name}.json"
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))
