"""NeTEx in the browser: the version page with its map, an on-demand result."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from fabrique.transport.tasks import process_version
from tests.transport.factories import make_dataset, make_resource, make_user, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NETEX = Path(__file__).resolve().parents[1] / "data" / "netex"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_netex_version_shows_its_verdict_offer_and_map(
    page, screenshot_dir, language, settings, tmp_path
) -> None:
    settings.NETEX_XSD_DIR = str(tmp_path / "no-schema")
    owner = make_user("owner-netex")
    dataset = make_dataset(owner)
    resource = make_resource(dataset, owner, title="Offre NeTEx", format="netex")
    version = upload(resource, owner, (NETEX / "fr_valid.xml").read_bytes(), "o.xml")
    process_version.call(version.pk)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": page.base_url}]
    )
    page.goto(page.base_url + f"/transport/versions/{version.pk}/apercu/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#netex-offer-title")).to_be_visible()
    expect(page.locator(".leaflet-container")).to_be_visible()
    page.locator(".leaflet-container").scroll_into_view_if_needed()
    page.wait_for_timeout(2000)
    page.screenshot(
        path=str(screenshot_dir / f"netex-version-{language}.png"), full_page=True
    )
