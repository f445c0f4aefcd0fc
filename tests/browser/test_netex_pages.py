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


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_visitor_validates_a_netex_file_from_the_keyboard(
    page, screenshot_dir, language, settings, tmp_path
) -> None:
    settings.TRANSPORT_STORE = tmp_path / "transport"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    settings.NETEX_XSD_DIR = str(tmp_path / "no-schema")
    broken = tmp_path / "offre.xml"
    broken.write_text(
        (NETEX / "fr_valid.xml")
        .read_text()
        .replace("<Name>Gare - Parc</Name>", "")
        .replace('<LineRef ref="EX:Line:1:LOC" version="1"/>', '<LineRef ref="X"/>')
    )
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": page.base_url}]
    )
    page.goto(page.base_url + "/transport/valider/")
    page.locator("#id_file").set_input_files(str(broken))
    page.locator("#id_file").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("form.validate-form button[type=submit]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#notices-title")).to_be_visible()
    expect(page.locator(".format-notices")).to_contain_text("fr_line_without_name")
    expect(page.locator(".format-notices")).to_contain_text("unresolved_reference")
    expect(page.locator(".error-text").first).to_be_visible()
    page.locator(".format-notice details summary").first.click()
    page.screenshot(
        path=str(screenshot_dir / f"netex-ondemand-{language}.png"), full_page=True
    )
