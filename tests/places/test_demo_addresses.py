"""The demo's addresses: its invented towns answer an address search, and the
geocoder page says which sources are loaded and how to add the BAN."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from fabrique.geocoder.index import Index
from fabrique.geocoder.sources import BAN_COLUMNS
from fabrique.places import demo
from fabrique.places.engine import reset


@pytest.fixture
def index_dir(tmp_path, settings):
    settings.GEOCODER_INDEX = str(tmp_path / "geocoder")
    reset()
    yield tmp_path / "geocoder"
    reset()


def test_the_demo_file_is_a_ban_file():
    text = demo.ban_csv().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert tuple(rows[0]) == BAN_COLUMNS
    assert len(rows) - 1 == sum(street[4] for street in demo.STREETS)
    ids = [row[0] for row in rows[1:]]
    assert len(set(ids)) == len(ids)
    for row in rows[1:]:
        lat, lon = (
            float(row[BAN_COLUMNS.index("lat")]),
            float(row[BAN_COLUMNS.index("lon")]),
        )
        assert 47.2 < lat < 47.4
        assert 0.3 < lon < 0.4


def test_an_address_of_the_demo_is_found(index_dir):
    count = demo.index_addresses(index_dir)
    assert count == sum(street[4] for street in demo.STREETS)
    index = Index.open(index_dir)
    first = index.search("12 rue de la Gare, Belvallon", limit=3)[0]
    assert first.type == "housenumber"
    assert (first.housenumber, first.street, first.city) == (
        "12",
        "Rue de la Gare",
        "Belvallon",
    )
    assert first.score > 0.5
    near = index.reverse(lat=first.lat, lon=first.lon, limit=1)[0]
    assert near.street == "Rue de la Gare"


def test_the_page_lists_its_sources_and_says_how_to_add_the_ban(
    client, index_dir, english
):
    page = client.get(reverse("places:geocoder")).content.decode()
    assert "No source is loaded yet" in page
    assert "fabrique geocoder index ban" in page
    demo.index_addresses(index_dir)
    page = client.get(reverse("places:geocoder")).content.decode()
    assert "addresses of the demo towns" in page
    assert "demo-adresses" in page
    assert "fabrique geocoder index ban" in page  # the demo is not real data
    found = client.get(reverse("places:geocoder"), {"q": "12 rue de la gare belvallon"})
    assert "12 Rue de la Gare" in found.content.decode()


@pytest.mark.django_db
def test_the_geocoder_and_dashboards_are_linked_from_every_page(client):
    page = client.get("/").content.decode()
    assert f'href="{reverse("places:geocoder")}"' in page
    assert f'href="{reverse("ecosystem:dashboard")}"' in page
