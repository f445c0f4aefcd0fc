"""The format pages in a real browser: map drawn, filter by keyboard, screenshots."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.transport.factories import make_dataset, make_resource, make_user, upload
from tests.transport.formats.helpers import ready_gtfs_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DATA = Path(__file__).resolve().parents[2] / "data"


def _zip(folder: Path, pattern: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.glob(pattern)):
            archive.write(path, path.name)
    return buffer.getvalue()


@pytest.fixture
def versions():
    owner = make_user()
    dataset = make_dataset(owner, title="Mobilités de Belvallon")
    ready_gtfs_version(dataset, owner)
    bikes = make_resource(dataset, owner, title="Vélos en libre service", format="gbfs")
    rt = make_resource(dataset, owner, title="Alertes temps réel", format="gtfs-rt")
    netex = make_resource(dataset, owner, title="Offre NeTEx", format="netex")
    return {
        "gbfs": upload(bikes, owner, _zip(DATA / "gbfs" / "v2_3", "*.json"), "g.zip"),
        "gtfs-rt": upload(
            rt, owner, (DATA / "gtfs_rt" / "alerts.pb").read_bytes(), "a.pb"
        ),
        "netex": upload(netex, owner, _zip(DATA / "netex", "*.xml"), "netex.zip"),
    }


def test_gbfs_page_map_and_station_filter(page, live_server, versions, screenshot_dir):
    url = reverse("transport:format_version", args=[versions["gbfs"].pk])
    page.goto(live_server.url + url)
    assert page.locator("html").get_attribute("lang") == "fr"
    # six features: three stations and three located vehicles
    expect(page.locator("#gbfs-map")).to_have_attribute("data-map-drawn", "6")
    page.screenshot(path=str(screenshot_dir / "transport-gbfs.png"), full_page=True)
    # keyboard: reach the search field and type
    search = page.locator("#station-q")
    search.focus()
    page.keyboard.type("parc")
    expect(page.locator("#gbfs-stations tbody tr")).to_have_count(1)
    assert "Parc Ouest" in page.locator("#gbfs-stations").inner_text()


def test_gtfs_rt_page(page, live_server, versions, screenshot_dir):
    url = reverse("transport:format_version", args=[versions["gtfs-rt"].pk])
    page.goto(live_server.url + url)
    cards = page.locator(".alert-card")
    assert cards.count() == 2
    assert "R9" in page.locator(".unknown-ids").inner_text()
    page.screenshot(path=str(screenshot_dir / "transport-gtfs-rt.png"), full_page=True)


def test_netex_page(page, live_server, versions, screenshot_dir):
    url = reverse("transport:format_version", args=[versions["netex"].pk])
    page.goto(live_server.url + url)
    # One row per frame, the frames inside each file's CompositeFrame
    # included (the engine lists them all since the NeTEx validation).
    rows = page.locator(".frames-table tbody tr")
    assert rows.count() == 12
    assert "CompositeFrame" in rows.first.inner_text()
    page.screenshot(path=str(screenshot_dir / "transport-netex.png"), full_page=True)


def test_gbfs_page_of_a_real_system(page, live_server, shared_data, screenshot_dir):
    owner = make_user()
    dataset = make_dataset(owner, title="Vélib' Métropole")
    bikes = make_resource(dataset, owner, title="Vélib' GBFS", format="gbfs")
    version = upload(
        bikes, owner, _zip(shared_data / "gbfs" / "velib_2022", "*.json"), "velib.zip"
    )
    url = reverse("transport:format_version", args=[version.pk])
    page.goto(live_server.url + url)
    expect(page.locator("#gbfs-map")).to_have_attribute("data-map-drawn", "1439")
    assert page.locator("#gbfs-stations tbody tr").count() == 50
    page.locator("#gbfs-stations a[rel=next]").click()
    expect(page.locator("#gbfs-stations")).to_contain_text("29")
    assert "page=2" in page.url
    page.goto(live_server.url + url)
    expect(page.locator("#gbfs-map")).to_have_attribute("data-map-drawn", "1439")
    page.screenshot(path=str(screenshot_dir / "transport-gbfs-velib.png"))
