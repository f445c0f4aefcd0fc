"""The transport API: datasets, resources, versions, reports, GeoJSON, queries."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fabrique.transport.demo import feed_zip
from fabrique.transport.models import Dataset, Version, VersionStatus
from tests.api.conftest import token_for
from tests.catalog.factories import make_user
from tests.transport.factories import make_actor, make_dataset, make_resource, upload

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/1/transport"


@pytest.fixture
def owner():
    return make_user()


@pytest.fixture
def ready(owner):
    """A dataset with a GTFS resource whose first version is ready."""
    dataset = make_dataset(owner, coverage="Belvallon")
    resource = make_resource(dataset, owner)
    version = upload(resource, owner, feed_zip(version=1))
    version.refresh_from_db()
    assert version.status == VersionStatus.READY, version.error
    return version


def get(path, **params):
    return Client().get(f"{API}{path}", params)


def error_code(response):
    return response.json()["error"]["code"]


def a_stop_time(version):
    """(stop_id, date) of some departure in the stored feed."""
    from fabrique.gtfs import query

    store = query.store(version.directory / "store")
    with store.cursor() as cur:
        stop_id, day = cur.execute(
            "SELECT d.stop_id, min(s.day) FROM q_departures d "
            "JOIN q_service_days s USING (service_id) "
            "WHERE NOT terminus GROUP BY d.stop_id ORDER BY d.stop_id LIMIT 1"
        ).fetchone()
    return stop_id, day


def test_datasets_list_and_detail(ready):
    response = get("/datasets/")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    item = body["data"][0]
    assert item["title"] == "Réseau de bus de Belvallon"
    assert item["formats"] == ["gtfs"]
    assert item["valid_until"] == ready.valid_until.isoformat()
    slug = item["slug"]
    detail = get(f"/datasets/{slug}/").json()
    assert detail["resources"][0]["latest_ready_version"] == ready.pk
    assert detail["latest_gtfs_version"] == ready.pk
    assert get("/datasets/nope/").status_code == 404


def test_dataset_filters(ready, owner):
    other = make_dataset(owner, title="Vélos en libre service")
    make_resource(other, owner, title="GBFS", format="gbfs")
    today = dt.date.today()
    Dataset.objects.filter(pk=ready.resource.dataset_id).update(
        valid_from=today - dt.timedelta(days=10),
        valid_until=today + dt.timedelta(days=10),
        has_errors=False,
    )
    Dataset.objects.filter(pk=other.pk).update(
        valid_until=today - dt.timedelta(days=1), has_errors=True
    )

    def slugs(**params):
        response = get("/datasets/", **params)
        assert response.status_code == 200, response.content
        return {d["title"] for d in response.json()["data"]}

    belvallon, velos = "Réseau de bus de Belvallon", "Vélos en libre service"
    assert slugs(format="gtfs") == {belvallon}
    assert slugs(format="gbfs") == {velos}
    assert slugs(validity="valid") == {belvallon}
    assert slugs(validity="expiring") == {belvallon}
    assert slugs(validity="expired") == {velos}
    assert slugs(has_errors="true") == {velos}
    assert slugs(q="vélos") == {velos}
    assert get("/datasets/", validity="soon").status_code == 422
    publisher = make_actor(name="Belvallon Mobilités")
    Dataset.objects.filter(pk=other.pk).update(publisher=publisher)
    assert slugs(publisher=publisher.slug) == {velos}


def test_resources_and_versions(ready):
    resource = ready.resource
    listed = get(f"/datasets/{resource.dataset.slug}/resources/").json()
    assert [r["id"] for r in listed] == [resource.pk]
    assert get(f"/resources/{resource.pk}/").json()["format"] == "gtfs"
    versions = get(f"/resources/{resource.pk}/versions/").json()
    assert versions["total"] == 1
    assert versions["data"][0]["number"] == 1
    version = get(f"/versions/{ready.pk}/").json()
    assert version["status"] == "ready"
    assert version["queryable"] is True
    assert get("/versions/999999/").status_code == 404
    assert get("/resources/999999/").status_code == 404


def test_report_and_geojson(ready):
    response = get(f"/versions/{ready.pk}/report/")
    assert response.status_code == 200
    report = json.loads(b"".join(response.streaming_content))
    assert "notices" in report
    assert "summary" in report
    for name in ("stops", "lines"):
        response = get(f"/versions/{ready.pk}/{name}.geojson")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/geo+json"
        body = b"".join(response.streaming_content)
        assert b'"FeatureCollection"' in body


def test_a_version_not_ready_answers_409(ready):
    Version.objects.filter(pk=ready.pk).update(
        status=VersionStatus.INGESTING, progress=80
    )
    for path in ("report/", "stops.geojson", "routes/", "stops/?bbox=0,0,1,1"):
        response = get(f"/versions/{ready.pk}/{path}")
        assert response.status_code == 409, path
        assert error_code(response) == "version_not_ready"
        assert "80%" in response.json()["error"]["message"]


def test_a_version_without_a_store_is_not_queryable(owner):
    dataset = make_dataset(owner)
    resource = make_resource(dataset, owner, title="NeTEx", format="netex")
    version = upload(resource, owner, b"<PublicationDelivery/>", name="netex.xml")
    version.refresh_from_db()
    assert version.status == VersionStatus.READY
    response = get(f"/versions/{version.pk}/routes/")
    assert response.status_code == 409
    assert error_code(response) == "version_not_queryable"
    assert get(f"/versions/{version.pk}/").json()["queryable"] is False
    shortcut = get(f"/datasets/{dataset.slug}/departures/", stop_id="S1")
    assert shortcut.status_code == 409


def test_stops_by_bbox_and_radius(ready):
    bbox = ready.summary["bbox"]
    box = ",".join(str(v) for v in bbox)
    page = get(f"/versions/{ready.pk}/stops/", bbox=box, page_size=2).json()
    assert page["total"] >= 2
    assert len(page["data"]) == 2
    assert page["next_page"]
    first = page["data"][0]
    near = get(
        f"/versions/{ready.pk}/stops/", lat=first["lat"], lon=first["lon"], radius=50
    ).json()
    assert near["data"][0]["stop_id"] == first["stop_id"]
    assert near["data"][0]["distance_m"] == 0
    one = get(f"/versions/{ready.pk}/stops/{first['stop_id']}/").json()
    assert one["stop_name"] == first["stop_name"]
    slug = ready.resource.dataset.slug
    shortcut = get(f"/datasets/{slug}/stops/", bbox=box).json()
    assert shortcut["total"] == page["total"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "nan,0,1,1"}, "bbox"),
        ({"bbox": "3,48,2,49"}, None),
        ({"bbox": "2,48,3,95"}, None),
        ({}, None),
        ({"lat": 48.8}, None),
        ({"bbox": "2,48,3,49", "lat": 48, "lon": 2}, None),
    ],
)
def test_bad_stop_searches_answer_400(ready, params, field):
    response = get(f"/versions/{ready.pk}/stops/", **params)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["message"]
    if field:
        assert error["details"][0]["field"] == field


def test_stop_search_out_of_range_is_422(ready):
    response = get(f"/versions/{ready.pk}/stops/", lat=100, lon=2)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "lat"


def test_routes_trips_and_trip(ready):
    routes = get(f"/versions/{ready.pk}/routes/").json()
    assert routes["total"] >= 1
    route_id = routes["data"][0]["route_id"]
    route = get(f"/versions/{ready.pk}/routes/{route_id}/").json()
    assert route["trips"] >= 1
    assert route["agency"]["timezone"]
    _stop_id, day = a_stop_time(ready)
    trips = get(
        f"/versions/{ready.pk}/trips/", route_id=route_id, date=day.isoformat()
    ).json()
    all_trips = get(f"/versions/{ready.pk}/trips/", route_id=route_id).json()
    assert trips["total"] <= all_trips["total"]
    trip_id = all_trips["data"][0]["trip_id"]
    trip = get(f"/versions/{ready.pk}/trips/{trip_id}/").json()
    assert trip["route"]["route_id"] == route_id
    assert trip["stop_times"][0]["stop_sequence"] is not None
    assert get(f"/versions/{ready.pk}/routes/NOPE/").status_code == 404
    assert get(f"/versions/{ready.pk}/trips/NOPE/").status_code == 404
    assert get(f"/versions/{ready.pk}/trips/", route_id="NOPE").status_code == 404
    bad = get(f"/versions/{ready.pk}/trips/", date="2026-02-30")
    assert bad.status_code == 400
    assert bad.json()["error"]["details"][0]["field"] == "date"


def test_departures_of_a_version_and_of_a_dataset(ready):
    stop_id, day = a_stop_time(ready)
    path = f"/versions/{ready.pk}/stops/{stop_id}/departures/"
    response = get(path, date=day.isoformat(), limit=3)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == ready.pk
    assert body["date"] == day.isoformat()
    assert 1 <= len(body["data"]) <= 3
    first = body["data"][0]
    assert first["stop_id"] == stop_id
    assert first["departure"].startswith(day.isoformat()) or first["previous_day"]
    later = get(path, date=day.isoformat(), after=first["departure_time"][:5]).json()
    assert later["after"] == first["departure_time"][:5] + ":00"
    slug = ready.resource.dataset.slug
    shortcut = get(
        f"/datasets/{slug}/departures/", stop_id=stop_id, date=day.isoformat(), limit=3
    ).json()
    assert shortcut["data"] == body["data"]
    assert shortcut["version"] == ready.pk
    today = get(path).json()
    assert today["date"]


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"date": "2026-13-01"}, 400, "date"),
        ({"date": "demain"}, 400, "date"),
        ({"after": "25:00"}, 400, "after"),
        ({"after": "8h"}, 400, "after"),
        ({"limit": 0}, 422, "limit"),
        ({"limit": 100000}, 422, "limit"),
    ],
)
def test_bad_departure_parameters(ready, params, status, field):
    stop_id, _day = a_stop_time(ready)
    response = get(f"/versions/{ready.pk}/stops/{stop_id}/departures/", **params)
    assert response.status_code == status, response.content
    assert response.json()["error"]["details"][0]["field"] == field


def test_departures_of_an_unknown_stop_is_404(ready):
    response = get(f"/versions/{ready.pk}/stops/NOPE/departures/", date="2026-03-02")
    assert response.status_code == 404
    assert "NOPE" in response.json()["error"]["message"]
    slug = ready.resource.dataset.slug
    missing = get(f"/datasets/{slug}/departures/")
    assert missing.status_code == 422
    assert missing.json()["error"]["details"][0]["field"] == "stop_id"


def test_the_dataset_departures_take_the_pages_stop_parameter(ready):
    """The dataset page says ``?stop=``; the API answers it as ``stop_id``."""
    stop_id, day = a_stop_time(ready)
    slug = ready.resource.dataset.slug
    path = f"/datasets/{slug}/departures/"
    by_stop = get(path, stop=stop_id, date=day.isoformat())
    assert by_stop.status_code == 200, by_stop.content
    by_id = get(path, stop_id=stop_id, date=day.isoformat())
    assert by_stop.json()["data"] == by_id.json()["data"]


def test_departures_come_in_pages_with_a_next_cursor(ready):
    stop_id, day = a_stop_time(ready)
    path = f"/versions/{ready.pk}/stops/{stop_id}/departures/"
    everything = get(path, date=day.isoformat(), limit=1000).json()["data"]
    assert len(everything) >= 3
    assert get(path, date=day.isoformat(), limit=1000).json()["next"] is None
    seen, params = [], {"date": day.isoformat(), "limit": 2}
    while True:
        body = get(path, **params).json()
        seen += body["data"]
        if body["next"] is None:
            break
        params.update(after=body["next"]["after"], skip=body["next"]["skip"])
    assert [(r["trip_id"], r["stop_sequence"]) for r in seen] == [
        (r["trip_id"], r["stop_sequence"]) for r in everything
    ]


def test_hidden_datasets_are_not_served(ready):
    commons = ready.resource.dataset.commons
    commons.hidden = True
    commons.save(update_fields=["hidden"])
    assert get("/datasets/").json()["total"] == 0
    assert get(f"/datasets/{commons.slug}/").status_code == 404
    assert get(f"/versions/{ready.pk}/").status_code == 404
    assert get(f"/versions/{ready.pk}/stops.geojson").status_code == 404
    departures = f"/versions/{ready.pk}/stops/ANY/departures/?date=2026-03-06"
    assert get(departures).status_code == 404


# Writes --------------------------------------------------------------------


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}


def test_create_dataset_resource_and_upload(owner):
    client = Client()
    created = client.post(
        f"{API}/datasets/",
        {
            "title": "Cars du Val",
            "summary": "Les cars.",
            "licence": "ODbL-1.0",
            "coverage": "Val",
        },
        content_type="application/json",
        **auth(owner),
    )
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    resource = client.post(
        f"{API}/datasets/{slug}/resources/",
        {"title": "Horaires", "format": "gtfs"},
        content_type="application/json",
        **auth(owner),
    )
    assert resource.status_code == 201, resource.content
    resource_id = resource.json()["id"]
    content = feed_zip(version=1)
    sent = client.post(
        f"{API}/resources/{resource_id}/versions/",
        {"file": SimpleUploadedFile("feed.zip", content, "application/zip")},
        **auth(owner),
    )
    assert sent.status_code == 201, sent.content
    version = get(f"/versions/{sent.json()['id']}/").json()
    assert version["status"] == "ready"
    again = client.post(
        f"{API}/resources/{resource_id}/versions/",
        {"file": SimpleUploadedFile("feed.zip", content, "application/zip")},
        **auth(owner),
    )
    assert again.status_code == 409
    assert error_code(again) == "duplicate_version"
    assert again.json()["error"]["details"]["version"] == version["id"]


def test_writes_refuse_anonymous_and_strangers(ready):
    client = Client()
    resource = ready.resource
    slug = resource.dataset.slug
    payload = {"title": "Intrus", "format": "gtfs"}
    anonymous = client.post(
        f"{API}/datasets/{slug}/resources/", payload, content_type="application/json"
    )
    assert anonymous.status_code == 401
    stranger = make_user()
    refused = client.post(
        f"{API}/datasets/{slug}/resources/",
        payload,
        content_type="application/json",
        **auth(stranger),
    )
    assert refused.status_code == 403
    upload_refused = client.post(
        f"{API}/resources/{resource.pk}/versions/",
        {"file": SimpleUploadedFile("feed.zip", b"PK", "application/zip")},
        **auth(stranger),
    )
    assert upload_refused.status_code == 403
    assert resource.versions.count() == 1


def test_a_bad_upload_is_refused_with_its_reason(ready, owner):
    response = Client().post(
        f"{API}/resources/{ready.resource.pk}/versions/",
        {"file": SimpleUploadedFile("feed.zip", b"not a zip", "application/zip")},
        **auth(owner),
    )
    assert response.status_code == 422
    assert "zip" in response.json()["error"]["message"]
    assert ready.resource.versions.count() == 1


def test_create_dataset_with_unknown_publisher_is_422(owner):
    response = Client().post(
        f"{API}/datasets/",
        {"title": "X", "summary": "Y", "publisher": "nobody"},
        content_type="application/json",
        **auth(owner),
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "publisher"
