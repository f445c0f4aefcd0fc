"""Shared fixtures. Data from the shared folder is reached through one fixture."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
SHARED_DATA = Path(
    os.environ.get("FABRIQUE_SHARED_DATA", TESTS_DIR.parent.parent / "shared" / "data")
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data folder next to the project; skip when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def test_data() -> Path:
    """The project's own small fixtures."""
    return TESTS_DIR / "data"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RATELIMIT_ENABLED = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: database ids are reused after a
    rolled-back test, so cache keys built on them must not leak across tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
