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
def context_files() -> dict[str, Path]:
    """The JSON-LD contexts of the npm packages in ``package.json``.

    Runs ``npm ci`` beside ``package.json`` when a package is missing (the npm
    registry is reachable wherever the tests run); fails, never skips, when
    the install does not bring them: the conformance tests must run in CI.
    """
    import fcntl
    import shutil
    import subprocess

    from fabrique.credentials import contexts

    project = TESTS_DIR.parent
    assets = Path(os.environ.get("FABRIQUE_ASSETS_DIR", project / "node_modules"))
    if contexts.missing_packages(assets):
        npm = shutil.which("npm")
        assert npm, "npm is needed to install the JSON-LD contexts (npm ci)"
        with open(project / ".npm-install.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if contexts.missing_packages(assets):
                subprocess.run(
                    [
                        npm,
                        "ci",
                        "--omit=dev",
                        "--no-audit",
                        "--no-fund",
                        "--ignore-scripts",
                    ],
                    cwd=project,
                    check=True,
                    capture_output=True,
                    timeout=600,
                )
    missing = contexts.missing_packages(assets)
    assert not missing, f"npm ci did not install {missing}"
    return contexts.context_files(assets)


@pytest.fixture(scope="session", autouse=True)
def _json_ld_contexts(context_files):
    """Every test session has the JSON-LD contexts badges are signed with: any
    page of the site may sign (a status list, an endorsement), not only the
    badge tests'. The README's test command thus needs npm, and nothing else."""


@pytest.fixture(scope="session")
def test_data() -> Path:
    """The project's own small fixtures."""
    return TESTS_DIR / "data"


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Passwords are hashed with MD5 in tests: the production hasher costs
    0.3 s a password by design, which made user-heavy tests and the demo
    fixtures pay seconds each. Servers started as processes keep the real one."""
    from django.test import override_settings

    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        yield


@pytest.fixture(scope="session", autouse=True)
def _transport_store(tmp_path_factory):
    """Transport files of every test (demo loads included) go to a temporary
    folder of this test process, never to the instance's store."""
    from django.test import override_settings

    with override_settings(TRANSPORT_STORE=tmp_path_factory.mktemp("transport")):
        yield


@pytest.fixture(scope="session")
def places_index(test_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A geocoder index built once from the geocoder fixtures."""
    from tests.geocoder.conftest import build_all

    folder = tmp_path_factory.mktemp("places") / "index"
    return build_all(test_data / "geocoder", folder)


@pytest.fixture
def geocoder_index(settings, places_index: Path):
    """Point the places app at :func:`places_index` for one test."""
    from fabrique.places import engine

    settings.GEOCODER_INDEX = places_index
    engine.reset()
    yield places_index
    engine.reset()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RATELIMIT_ENABLED = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: database ids are reused after a
    rolled-back test, so cache keys built on them must not leak across tests."""
    from django.core.cache import cache

    from fabrique.catalog.views.pagecache import local_pages
    from fabrique.core.search import suggest

    cache.clear()
    local_pages.clear()
    suggest.reset()
    yield
    cache.clear()
    local_pages.clear()
    suggest.reset()


@pytest.fixture
def english(settings):
    """Pages and messages in English, the source language tests assert on.

    French is the site's default; a request's own Accept-Language or language
    cookie still wins over this default."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
