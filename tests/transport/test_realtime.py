"""GTFS-RT over time: fetches from a loopback producer, rule counts per fetch,
chart data, delays, vehicles, warnings to followers and the caching proxy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fabrique.core.models import Activity
from fabrique.notifications.models import Notification
from fabrique.transport import realtime
from fabrique.transport.demo import DEMO_FEED_DIR, feed_zip
from fabrique.transport.models import RealtimeFetch
from fabrique.transport.tasks import fetch_realtime_feeds
from tests.transport.factories import make_dataset, make_resource, make_user, upload
from tests.transport.realtime_producer import Producer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def producer():
    with Producer(DEMO_FEED_DIR, step_seconds=30) as running:
        yield running


@pytest.fixture
def feed(settings, producer):
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = True
    settings.TRANSPORT_REALTIME_EVERY = 30
    settings.TRANSPORT_REALTIME_TIMEOUT = 1
    owner = make_user()
    dataset = make_dataset(owner)
    gtfs = make_resource(dataset, owner)
    upload(gtfs, owner, feed_zip(version=1))
    return make_resource(
        dataset, owner, title="Temps réel", format="gtfs-rt", url=producer.url
    )


def polls(resource, count: int) -> list[RealtimeFetch]:
    start = timezone.now()
    return [
        realtime.poll(resource, now=start + timedelta(seconds=30 * i))
        for i in range(count)
    ]


def test_each_fetch_keeps_its_rule_counts_age_and_entity_counts(feed):
    first, second, jumped, stale = polls(feed, 4)
    assert first.ok
    assert first.errors == 0, first.rule_counts
    assert (first.trip_updates, first.vehicles) == (3, 2)
    assert first.rule_counts == {}
    assert second.errors == 0
    assert jumped.rule_counts.get("vehicle_jump") == 1
    assert stale.rule_counts["unknown_trip_id"] == 1
    assert stale.rule_counts["stale_feed"] == 1
    assert stale.rule_counts["header_timestamp_decreased"] == 1
    assert stale.age_seconds >= 890
    assert stale.trip_updates == 4


def test_the_chart_data_follows_the_fetches(feed):
    polls(feed, 4)
    data = realtime.series(feed, hours=1)
    assert [p["errors"] for p in data["points"]] == [0, 0, 0, 2]
    assert [p["tripUpdates"] for p in data["points"]] == [3, 3, 3, 4]
    assert data["points"][-1]["ageSeconds"] >= 890
    assert data["rules"]["unknown_trip_id"] == 1
    api = Client().get(f"/api/1/transport/resources/{feed.pk}/realtime/history/")
    assert api.status_code == 200
    assert len(api.json()["points"]) == 4


def test_delays_per_route_and_stop_grow_as_trips_run_late(feed):
    polls(feed, 2)
    found = Client().get(f"/api/1/transport/resources/{feed.pk}/realtime/delays/")
    assert found.status_code == 200
    body = found.json()
    assert body["byRoute"][0]["maxSeconds"] == 360  # third trip, second fetch
    assert {row["id"] for row in body["byStop"]} >= {"GARE_A"}


def test_vehicles_are_served_as_geojson(feed):
    polls(feed, 1)
    found = Client().get(
        f"/api/1/transport/resources/{feed.pk}/realtime/vehicles.geojson"
    )
    assert found["Content-Type"] == "application/geo+json"
    assert {f["properties"]["id"] for f in found.json()["features"]} == {
        "vp-0",
        "vp-1",
    }


def test_the_proxy_serves_many_reusers_with_one_upstream_request(feed, producer):
    client = Client()
    url = f"/api/1/transport/resources/{feed.pk}/realtime"
    assert client.get(url).status_code == 404  # never fetched yet
    realtime.poll(feed, now=timezone.now() - timedelta(seconds=12))
    for _ in range(100):
        response = client.get(url)
        assert response.status_code == 200
    assert producer.requests == 1
    assert response["Content-Type"] == "application/x-protobuf"
    assert 11 <= int(response["Age"]) <= 15
    assert response["Cache-Control"].startswith("public, max-age=")
    assert int(response["Cache-Control"].rsplit("=", 1)[1]) <= 19
    from google.transit import gtfs_realtime_pb2 as pb

    message = pb.FeedMessage()
    message.ParseFromString(response.content)
    assert len(message.entity) == 5
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304
    assert again.content == b""


def test_the_worker_task_respects_the_period_and_max_age(feed, producer):
    producer.max_age = 120
    assert fetch_realtime_feeds.call() == 1
    assert fetch_realtime_feeds.call() == 0  # not due yet
    (row,) = RealtimeFetch.objects.all()
    assert (row.next_after - row.fetched_at).total_seconds() == 120
    assert realtime.due(timezone.now() + timedelta(seconds=121)) == [feed]


def test_followers_hear_once_when_the_feed_goes_stale(feed):
    fan = make_user()
    fan_client = Client()
    fan_client.force_login(fan)
    fan_client.post(reverse("transport:dataset_follow", args=[feed.dataset.slug]))
    polls(feed, 5)
    stale = Activity.objects.filter(verb="transport_realtime_stale")
    assert stale.count() == 1
    assert Notification.objects.filter(
        user=fan, activity__verb="transport_realtime_stale"
    ).exists()
    assert "s old when fetched" in stale.get().summary


def test_followers_hear_when_errors_jump(feed, settings):
    settings.TRANSPORT_REALTIME_STALE_SECONDS = 10_000
    start = timezone.now()
    for i in range(3):
        RealtimeFetch.objects.create(
            resource=feed, fetched_at=start - timedelta(minutes=10 - i), ok=True
        )
    row = RealtimeFetch.objects.create(
        resource=feed, fetched_at=start, ok=True, errors=40
    )
    assert realtime.warn_followers(feed, row) == "errors"
    again = RealtimeFetch.objects.create(
        resource=feed, fetched_at=start + timedelta(seconds=30), ok=True, errors=41
    )
    assert realtime.warn_followers(feed, again) == ""


def test_a_hanging_feed_is_a_clear_failed_fetch(feed, producer):
    feed.url = producer.url.replace("/feed.pb", "/hang")
    feed.save()
    row = realtime.poll(feed)
    assert not row.ok
    assert row.rule_counts == {"fetch_failed": 1}
    assert "did not answer" in row.error
    assert realtime.relayed(feed) is None


def test_another_protobuf_is_counted_and_never_relayed(feed, producer):
    feed.url = producer.url.replace("/feed.pb", "/junk")
    feed.save()
    row = realtime.poll(feed)
    assert not row.ok
    assert row.rule_counts == {"protobuf_decode_failed": 1}
    assert realtime.relayed(feed) is None


def test_a_body_above_the_cap_is_refused(feed, settings):
    settings.TRANSPORT_REALTIME_MAX_BYTES = 100
    row = realtime.poll(feed)
    assert "larger than 100 bytes" in row.error


def test_fetches_older_than_the_kept_period_are_pruned(feed):
    old = RealtimeFetch.objects.create(
        resource=feed, fetched_at=timezone.now() - timedelta(days=31)
    )
    polls(feed, 1)
    assert not RealtimeFetch.objects.filter(pk=old.pk).exists()
    assert RealtimeFetch.objects.count() == 1


def test_the_resource_page_charts_the_fetches(feed):
    polls(feed, 4)
    page = Client().get(reverse("transport:realtime", args=[feed.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "unknown_trip_id" in text
    assert 'id="realtime-history"' in text


def test_private_addresses_stay_refused_by_default(feed, settings):
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = False
    row = realtime.poll(feed)
    assert "private or local" in row.error


def test_the_dataset_map_draws_the_vehicles_of_the_feed(feed):
    polls(feed, 1)
    page = Client().get(feed.dataset.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/api/1/transport/resources/{feed.pk}/realtime/vehicles.geojson" in text
    assert reverse("transport:realtime", args=[feed.pk]) in text


def test_ids_are_checked_against_the_gtfs_version_in_force(feed):
    from fabrique.transport.models import Version

    gtfs = Version.objects.get(resource__format="gtfs")
    assert realtime.gtfs_store_of(feed) == gtfs.directory / "store"
    # A newer version that starts next year is not yet in force.
    today = timezone.localdate()
    Version.objects.filter(pk=gtfs.pk).update(
        valid_from=today - timedelta(days=1), valid_until=today + timedelta(days=1)
    )
    newer = Version.objects.get(pk=gtfs.pk)
    newer.pk = None
    newer.number = 2
    newer.sha256 = "0" * 64
    newer.valid_from = today + timedelta(days=365)
    newer.valid_until = today + timedelta(days=730)
    newer.save()
    assert realtime.gtfs_store_of(feed) == gtfs.directory / "store"
