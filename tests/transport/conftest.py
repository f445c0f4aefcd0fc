"""Transport fixtures: a store per test, tasks run at once, small feeds."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from fabrique.transport.demo import DEMO_FEED_DIR


@pytest.fixture(autouse=True)
def _english(request):
    """Messages are asserted on their English source text; pages seen in the
    browser keep the site's default, French."""
    if request.node.get_closest_marker("browser") is None:
        request.getfixturevalue("english")


@pytest.fixture(autouse=True)
def _transport_store(settings, tmp_path):
    settings.TRANSPORT_STORE = tmp_path / "transport"
    settings.GEOCODER_INDEX = tmp_path / "geocoder"
    settings.GEOCODER_JOBS = tmp_path / "geocoder-jobs"  # swept by recovery
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


def zip_folder(folder: Path, *, replace: dict[str, str] | None = None) -> bytes:
    """The .txt files of ``folder`` as zip bytes; ``replace`` overrides files."""
    buffer = io.BytesIO()
    replace = replace or {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("*.txt")):
            if path.name in replace:
                continue
            archive.write(path, path.name)
        for name, text in replace.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture
def demo_zip() -> bytes:
    """The team-written demo feed of Belvallon, zipped."""
    return zip_folder(DEMO_FEED_DIR)


@pytest.fixture
def annarbor(shared_data) -> Path:
    path = shared_data / "gtfs" / "annarbor.zip"
    if not path.is_file():
        pytest.skip(f"{path.name} not found in the shared data folder")
    return path
