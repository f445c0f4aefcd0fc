"""The transport datasets' stops as a source of the geocoder."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from fabrique.core import moderation
from fabrique.transport import geocoding
from fabrique.transport.demo import DEMO_FEED_DIR, feed_zip
from fabrique.transport.models import Version, VersionStatus
from tests.transport.conftest import zip_folder
from tests.transport.factories import make_dataset, make_resource, make_user, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def index(settings, tmp_path):
    """An index of our own (tasks run at once: see the transport conftest)."""
    from fabrique.places import engine

    folder = tmp_path / "geocoder"
    settings.GEOCODER_INDEX = folder
    engine.reset()
    yield folder
    engine.reset()


def search(q: str, **params) -> list[dict]:
    response = Client().get("/search/", {"q": q, **params})
    assert response.status_code == 200, response.content
    return [f["properties"] for f in response.json()["features"]]


def transport_ids(q: str) -> list[str]:
    return [p["id"] for p in search(q) if p["id"].startswith("transport:")]


@pytest.fixture
def published():
    user = make_user()
    dataset = make_dataset(user)
    resource = make_resource(dataset, user)
    version = upload(resource, user, feed_zip(version=1))
    version.refresh_from_db()
    assert version.status == VersionStatus.READY, version.error
    return version


def test_a_published_version_puts_its_stops_in_the_search(published, index):
    slug = published.resource.dataset.slug
    assert (index / geocoding.SOURCE / "manifest.json").is_file()
    found = search("hopital sainte radegonde")
    assert found[0]["id"] == f"transport:{slug}:HOPITAL"
    assert found[0]["type"] == "stop"
    assert found[0]["name"] == "Hôpital Sainte-Radegonde"
    assert found[0]["context"] == "Réseau de bus de Belvallon"


def test_platforms_fold_into_their_station(published):
    slug = published.resource.dataset.slug
    ids = transport_ids("gare de belvallon")
    assert f"transport:{slug}:GARE" in ids
    assert f"transport:{slug}:GARE_A" not in ids
    assert f"transport:{slug}:GARE_B" not in ids


def test_a_hidden_dataset_leaves_the_search(published, index):
    commons = published.resource.dataset.commons
    moderator = make_user(role="moderator", charter_accepted_at=timezone.now())
    assert (index / geocoding.SOURCE).exists()
    moderation.hide(commons, moderator=moderator, reason="Données trompeuses")
    # Its only dataset hidden, the source is gone (the search has no stop).
    assert not (index / geocoding.SOURCE).exists()
    moderation.restore(commons, moderator=moderator, reason="Vérifié, rétabli")
    assert transport_ids("hopital sainte radegonde")


def test_the_command_rebuilds_and_an_empty_catalogue_removes_the_source(
    published, index, capsys
):
    Version.objects.filter(pk=published.pk).update(status=VersionStatus.FAILED)
    call_command("index_transport_stops")
    assert "0 transport stops indexed" in capsys.readouterr().out
    assert not (index / geocoding.SOURCE).exists()
    Version.objects.filter(pk=published.pk).update(status=VersionStatus.READY)
    call_command("index_transport_stops", index=str(index))
    assert "transport stops indexed" in capsys.readouterr().out
    assert transport_ids("port fluvial")


def test_a_newer_version_replaces_the_older_stops(published):
    resource = published.resource
    user = resource.dataset.commons.created_by
    stops = (DEMO_FEED_DIR / "stops.txt").read_text(encoding="utf-8")
    changed = zip_folder(
        DEMO_FEED_DIR,
        replace={"stops.txt": stops.replace("Port fluvial", "Quai Ouest")},
    )
    version = upload(resource, user, changed)
    version.refresh_from_db()
    assert version.status == VersionStatus.READY, version.error
    slug = resource.dataset.slug
    assert f"transport:{slug}:PORT" in transport_ids("quai ouest")
    assert f"transport:{slug}:PORT" not in transport_ids("port fluvial")


def test_a_damaged_store_is_skipped_not_fatal(published, index):
    store = published.directory / "store"
    for path in store.glob("*.parquet"):
        path.write_bytes(b"not parquet")
    (store / "query.duckdb").unlink(missing_ok=True)
    assert geocoding.rebuild(index) == 0
