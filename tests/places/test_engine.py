from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from fabrique.geocoder.index import build_documents
from fabrique.places import engine


def shelter(name: str) -> dict:
    return {"id": "p1", "type": "place", "name": name, "lat": 44.35, "lon": 2.57}


@pytest.fixture
def index_copy(settings, places_index: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    shutil.copytree(places_index, folder)
    settings.GEOCODER_INDEX = folder
    engine.reset()
    return folder


def names(query: str) -> list[str]:
    return [r.name for r in engine.get_index().search(query, type="place")]


def test_the_open_index_is_reused_between_requests(index_copy):
    assert engine.get_index() is engine.get_index()


def test_a_rebuilt_source_is_seen_at_once_after_invalidate(index_copy):
    build_documents(index_copy, "extra", [shelter("Abri Lumière")])
    assert "Abri Lumière" in names("abri lumiere")
    build_documents(index_copy, "extra", [shelter("Abri Soleil")])
    engine.invalidate()
    assert "Abri Soleil" in names("abri soleil")
    assert "Abri Lumière" not in names("abri lumiere")


def test_two_rebuilds_with_the_same_timestamp_are_told_apart(index_copy):
    build_documents(index_copy, "extra", [shelter("Abri Lumière")])
    manifest = index_copy / "extra" / "manifest.json"
    stamp = manifest.stat().st_mtime_ns
    first = engine._signature(index_copy)
    build_documents(index_copy, "extra", [shelter("Abri Soleil")])
    os.utime(manifest, ns=(stamp, stamp))
    assert engine._signature(index_copy) != first
