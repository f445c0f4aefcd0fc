from tests.browser.conftest import browser, page, screenshot_dir

__all__ = ["browser", "page", "screenshot_dir"]
