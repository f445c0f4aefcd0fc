"""The dataset page in a browser: its map over the instance's own base map
(and no request anywhere else), departures page by page from a chosen time,
following the dataset and declaring a reuse — in French and in English.

Writes ``docs/screenshots/transport-dataset-{map,engagement}-{fr,en}.png`` and
``ecosystem-map-{fr,en}.png``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from fabrique.catalog.demo import DEMO_PASSWORD, DEMO_USERNAME, load_demo
from fabrique.transport import basemap
from fabrique.transport.demo import DEMO_TITLE
from fabrique.transport.models import Dataset, Reuse
from tests.browser.steps import only_local, record_requests, switch_language

pytestmark = [
    pytest.mark.browser,
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def demo(settings, tmp_path):
    outcome = basemap.ensure_installed()
    if not basemap.installed():
        pytest.skip(f"the offline base map could not be installed: {outcome}")
    settings.MAP_TILES = ""
    settings.TRANSPORT_STORE = tmp_path / "transport"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert load_demo()
    return Dataset.objects.get(commons__title=DEMO_TITLE)


def shoot(page, directory, name: str, target=None) -> None:
    page.wait_for_load_state("networkidle")
    path = directory / f"{name}.png"
    (target or page).screenshot(
        path=str(path), **({} if target else {"full_page": True})
    )
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_map_draws_the_offline_base_map_and_asks_nothing_elsewhere(
    page, demo, screenshot_dir, language
):
    urls = record_requests(page)
    page.goto(page.base_url + demo.get_absolute_url())
    if language == "en":
        switch_language(page, "en")
    canvas = page.locator(".transport-map .map-canvas").first
    expect(canvas).to_have_attribute(
        "data-basemap", "/static/basemap/countries-50m.json"
    )
    expect(canvas).to_have_attribute("data-regions", "/static/basemap/regions-fra.json")
    page.wait_for_selector(".transport-map [data-basemap-drawn='1']")
    # The régions and départements of France are outlined too.
    expect(canvas).to_have_attribute("data-regions-drawn", "1")
    page.wait_for_selector(".transport-map [data-map-drawn]")
    assert int(canvas.get_attribute("data-map-drawn")) > 0
    # Land is drawn under the stops: the base map's pane holds paths.
    assert page.locator(".basemap-pane canvas, .basemap-pane path").count() > 0
    canvas.scroll_into_view_if_needed()
    shoot(page, screenshot_dir, f"transport-dataset-map-{language}",
          target=page.locator(".transport-map").first)  # fmt: skip
    assert only_local(urls, page.base_url) == []

    # The actors map too.
    page.goto(page.base_url + reverse("ecosystem:map"))
    page.wait_for_selector(".eco-map [data-basemap-drawn='1']")
    page.wait_for_selector(".eco-map [data-map-drawn]")
    shoot(page, screenshot_dir, f"ecosystem-map-{language}")
    assert only_local(urls, page.base_url) == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_departures_follow_and_reuse_on_the_dataset_page(
    page, demo, screenshot_dir, language
):
    urls = record_requests(page)
    page.goto(page.base_url + reverse("accounts:login"))
    page.locator("#id_username").fill(DEMO_USERNAME)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(page.base_url + demo.get_absolute_url())
    if language == "en":
        switch_language(page, "en")
    day = demo.valid_from
    while day.weekday() >= 5:
        day += timedelta(days=1)
    page.locator("#departures-stop").select_option("GARE")
    page.locator("#departures-date").fill(day.isoformat())
    page.locator("#departures-after").fill("07:30")
    page.locator(".departures-form button[type=submit]").click()
    rows = page.locator("#departures-results tbody tr")
    expect(rows.first).to_be_visible()
    first_time = rows.first.locator("time").inner_text()
    assert first_time >= "07:30"
    # From 07:30 there are earlier departures too.
    expect(page.locator("#departures-results a[rel=prev]")).to_be_visible()
    page.locator("#departures-results a[rel=next]").click()
    expect(rows.first.locator("time")).not_to_have_text(first_time)
    assert rows.first.locator("time").inner_text() > first_time
    page.locator("#departures-results a[rel=prev]").click()
    expect(rows.first.locator("time")).to_have_text(first_time)

    page.locator("#follow button[type=submit]").click()
    expect(page.locator("#follow button[aria-pressed=true]")).to_be_visible()

    page.locator("#reuses details summary").click()
    page.locator("#reuses #id_title").fill("Carte des bus de Belvallon")
    page.locator("#reuses #id_url").fill("https://exemple.org/carte-bus")
    page.locator("#reuses #id_kind").select_option("map")
    page.locator("#reuses #id_by").fill("Atelier numérique")
    page.locator("#reuses form button[type=submit]").click()
    expect(page.locator("#reuses .reuse a").first).to_have_text(
        "Carte des bus de Belvallon"
    )
    assert Reuse.objects.filter(dataset=demo).count() == 1
    page.locator("#reuses").scroll_into_view_if_needed()
    shoot(page, screenshot_dir, f"transport-dataset-engagement-{language}")
    assert only_local(urls, page.base_url) == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_demo_geocoder_finds_an_address_of_the_demo(
    page, settings, tmp_path, screenshot_dir, language
):
    from fabrique.places import demo as demo_places
    from fabrique.places.engine import reset

    settings.GEOCODER_INDEX = str(tmp_path / "geocoder")
    reset()
    try:
        demo_places.index_addresses(tmp_path / "geocoder")
        page.goto(page.base_url + "/")
        if language == "en":
            switch_language(page, "en")
        page.locator(f"footer a[href='{reverse('places:geocoder')}']").click()
        page.locator("#geocoder-q").fill("12 rue de la Gare, Belvallon")
        page.keyboard.press("Enter")
        first = page.locator("#geocoder-results li").first
        expect(first).to_contain_text("12 Rue de la Gare")
        expect(page.locator(".geocoder-sources")).to_contain_text("demo-adresses")
        expect(page.locator(".geocoder-sources code").last).to_contain_text(
            "fabrique geocoder index ban"
        )
        shoot(page, screenshot_dir, f"geocoder-demo-{language}")
    finally:
        reset()
