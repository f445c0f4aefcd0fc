import pytest

# The browser fixtures (headless Chromium against a live server).
from tests.browser.conftest import (  # noqa: F401
    browser,
    other_page,
    page,
    screenshot_dir,
)
from tests.credentials.conftest import ob3_schemas, standards  # noqa: F401


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are asserted on their English source text."""


@pytest.fixture(autouse=True)
def _assets(settings, context_files):
    """The JSON-LD context packages are installed (npm ci) before any badge test."""
    from fabrique.badges import issuing

    issuing._loader_for.cache_clear()
    yield
    issuing._loader_for.cache_clear()
