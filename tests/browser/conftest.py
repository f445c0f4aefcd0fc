"""Headless Chromium (Debian's package) driven by Playwright against a live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the live server's
# database access happens in its own thread, so Django's async guard is moot.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# One Playwright and one Chromium per test process. Other test folders import
# these fixtures into their own conftest, which makes pytest create a second
# session fixture; a second sync Playwright in one process fails, so both
# share this one.
_SHARED: dict[str, object] = {}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    owner = "browser" not in _SHARED
    if owner:
        from playwright.sync_api import expect, sync_playwright

        # Generous waits: CI machines are shared and a page may take seconds.
        expect.set_options(timeout=15_000)
        playwright = sync_playwright().start()
        _SHARED["playwright"] = playwright
        _SHARED["browser"] = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
    yield _SHARED["browser"]
    if owner:
        _SHARED.pop("browser").close()  # type: ignore[attr-defined]
        _SHARED.pop("playwright").stop()  # type: ignore[attr-defined]


def _open_page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def page(browser, live_server):
    yield from _open_page(browser, live_server)


@pytest.fixture
def other_page(browser, live_server):
    """A second, independent browser: its own cookies, its own session."""
    yield from _open_page(browser, live_server)


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
