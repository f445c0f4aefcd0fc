import pytest

# The browser fixtures (headless Chromium against a live server).
from tests.browser.conftest import (  # noqa: F401
    browser,
    other_page,
    page,
    screenshot_dir,
)


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are asserted on their English source text."""
