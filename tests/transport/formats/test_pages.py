"""The pages of GBFS, GTFS-RT and NeTEx versions."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from fabrique.transport.formats import GBFS_GEOJSON
from fabrique.transport.models import VersionStatus
from tests.transport.factories import make_dataset, make_resource, make_user, upload
from tests.transport.formats.helpers import ready_gtfs_version

# The check runs on commit and may close its connection: real transactions.
pytestmark = pytest.mark.django_db(transaction=True)
DATA = Path(__file__).resolve().parents[2] / "data"


def zip_json(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.glob("*.json")):
            archive.write(path, path.name)
    return buffer.getvalue()


@pytest.fixture
def owner():
    return make_user()


@pytest.fixture
def dataset(owner):
    return make_dataset(owner)


@pytest.fixture
def add(owner):
    """Upload a file as a new version; its check runs at once."""

    def run(resource, content: bytes, name: str):
        version = upload(resource, owner, content, name)
        version.refresh_from_db()
        return version

    return run


def test_a_gbfs_version_page(client, dataset, owner, add):
    resource = make_resource(
        dataset, owner, title="Vélos en libre service", format="gbfs"
    )
    version = add(resource, zip_json(DATA / "gbfs" / "v2_3"), "gbfs.zip")
    version.refresh_from_db()
    assert version.status == VersionStatus.READY
    assert version.summary["stations"] == 3
    url = reverse("transport:format_version", args=[version.pk])
    page = client.get(url).content.decode()
    assert "Vélo Exemple" in page
    assert "Gare Centrale" in page
    assert "Parc Ouest" in page
    assert "scooter_standing" in page
    assert "data-map" in page
    assert reverse("transport:format_gbfs_geojson", args=[version.pk]) in page
    # the station filter, as htmx asks for it
    part = client.get(
        url, {"q": "marché", "part": "stations"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Place du Marché" in part
    assert "Gare Centrale" not in part
    assert "<html" not in part


def test_the_gbfs_geojson(client, dataset, owner, add):
    resource = make_resource(dataset, owner, title="Vélos", format="gbfs")
    version = add(resource, zip_json(DATA / "gbfs" / "v2_3"), "gbfs.zip")
    response = client.get(reverse("transport:format_gbfs_geojson", args=[version.pk]))
    assert response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    stations = [f for f in features if f["properties"]["kind"] == "station"]
    assert len(stations) == 3
    closed = next(f for f in stations if f["properties"]["id"] == "st2")
    assert closed["properties"]["color"] == "#8a1c1c"
    assert "12" in closed["properties"]["detail"]


def test_a_gtfs_rt_version_lists_alerts_and_unknown_ids(client, dataset, owner, add):
    ready_gtfs_version(dataset, owner)
    rt = make_resource(dataset, owner, title="Alertes", format="gtfs-rt")
    version = add(rt, (DATA / "gtfs_rt" / "alerts.pb").read_bytes(), "a.pb")
    version.refresh_from_db()
    assert version.status == VersionStatus.READY
    page = client.get(reverse("transport:format_version", args=[version.pk]))
    text = page.content.decode()
    assert "Ligne 1 déviée rue Haute" in text
    assert "Line 1 diverted via High Street" in text
    assert "STRIKE" in text
    assert "NO_SERVICE" in text
    assert 'datetime="2026-03-01T12:00:00+00:00"' in text
    assert "unknown_route_id" in text
    assert "<code>R9</code>" in text


def test_a_netex_version_lists_frames(client, dataset, owner, add):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("offer.xml", "stops.xml"):
            archive.write(DATA / "netex" / name, name)
    resource = make_resource(dataset, owner, title="Offre NeTEx", format="netex")
    version = add(resource, buffer.getvalue(), "netex.zip")
    page = client.get(reverse("transport:format_version", args=[version.pk]))
    text = page.content.decode()
    assert "ServiceFrame" in text
    assert "TimetableFrame" in text
    assert "FR:TypeOfFrame:NETEX_ARRET" in text
    # Whether the XML Schema is installed here or not, the page says what
    # was checked, references and ids always.
    assert "Checked: " in text
    assert "references and ids" in text


def test_a_broken_file_shows_its_notices(client, dataset, owner, add):
    resource = make_resource(dataset, owner, title="Alertes", format="gtfs-rt")
    version = add(resource, b"<html>502</html>", "alerts.pb")
    version.refresh_from_db()
    assert version.errors == 1
    text = client.get(reverse("transport:format_version", args=[version.pk])).content
    assert b"protobuf_decode_failed" in text


def test_gtfs_versions_have_no_format_page(client, dataset, owner, add):
    version = ready_gtfs_version(dataset, owner)
    assert (
        client.get(reverse("transport:format_version", args=[version.pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("transport:format_gbfs_geojson", args=[version.pk])
        ).status_code
        == 404
    )


def test_the_pages_are_read_only(client, dataset, owner, add):
    resource = make_resource(dataset, owner, title="Vélos", format="gbfs")
    version = add(resource, zip_json(DATA / "gbfs" / "v1_0"), "gbfs.zip")
    client.force_login(owner)
    for name in ("format_version", "format_gbfs_geojson"):
        response = client.post(reverse(f"transport:{name}", args=[version.pk]))
        assert response.status_code == 405


def test_the_version_and_report_pages_of_other_formats_answer(
    client, dataset, owner, add
):
    from fabrique.transport.views import report_url

    resource = make_resource(dataset, owner, title="Vélos", format="gbfs")
    version = add(resource, zip_json(DATA / "gbfs" / "v2_3"), "gbfs.zip")
    page = client.get(version.get_absolute_url())
    assert page.status_code == 200
    # the version page summarises the check and links to its detail
    assert (
        reverse("transport:format_version", args=[version.pk]) in page.content.decode()
    )
    assert (version.directory / GBFS_GEOJSON).is_file()
    assert client.get(report_url(version)).status_code == 200


def test_a_gtfs_rt_page_lists_trip_updates_and_vehicles(client, dataset, owner, add):
    from google.transit import gtfs_realtime_pb2 as pb

    feed = pb.FeedMessage()
    feed.header.gtfs_realtime_version = "2.0"
    feed.header.timestamp = 1772366400
    update = feed.entity.add(id="maj-1").trip_update
    update.trip.trip_id = "T1"
    update.stop_time_update.add(stop_sequence=1, stop_id="S1")
    vehicle = feed.entity.add(id="bus-7").vehicle
    vehicle.position.latitude = 48.85
    vehicle.position.longitude = 2.3
    resource = make_resource(dataset, owner, title="Temps réel", format="gtfs-rt")
    version = add(resource, feed.SerializeToString(), "tu.pb")
    text = client.get(reverse("transport:format_version", args=[version.pk])).content
    text = text.decode()
    assert "maj-1" in text
    assert "bus-7" in text
    assert "48.85000, 2.30000" in text or "48,85000, 2,30000" in text


def test_a_valid_netex_version_shows_its_offer_and_stops_on_a_map(
    client, dataset, owner, add
):
    resource = make_resource(dataset, owner, title="Offre NeTEx", format="netex")
    version = add(resource, (DATA / "netex" / "fr_valid.xml").read_bytes(), "o.xml")
    version.refresh_from_db()
    assert version.errors == 0
    text = client.get(reverse("transport:format_version", args=[version.pk])).content
    text = text.decode()
    assert "Gare - Parc" in text
    assert "2026-03-01 → 2026-06-30" in text
    assert "Régie Exemple" in text
    geojson_url = reverse("transport:format_netex_geojson", args=[version.pk])
    assert geojson_url in text
    data = client.get(geojson_url).json()
    assert len(data["features"]) == 4
    gbfs_url = reverse("transport:format_gbfs_geojson", args=[version.pk])
    assert client.get(gbfs_url).status_code == 404
