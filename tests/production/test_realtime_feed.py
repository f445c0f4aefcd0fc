"""A GTFS-RT feed followed over time by the real worker, end to end.

A small producer on loopback serves a feed generated from the demo GTFS that
changes at every request: trips later and later, a vehicle jumping 50 km,
then a 15-minute-old header and a trip the schedule does not know. The
worker (``fabrique worker``) fetches it every two seconds; the API then gives
the rule counts over time, the chart data and the caching proxy, which
answers many reusers with no extra request to the producer.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from google.transit import gtfs_realtime_pb2 as pb

from fabrique.transport.demo import DEMO_FEED_DIR, feed_zip
from tests.production.conftest import Instance, running, wait_for
from tests.transport.realtime_producer import Producer

pytestmark = pytest.mark.production

BOUND = 120


def _dataset_with_gtfs(instance: Instance, token: str) -> str:
    api = instance.client(token)
    dataset = api.post(
        "/api/1/transport/datasets/",
        json={"title": "Réseau suivi", "summary": "A feed followed in real time."},
    )
    assert dataset.status_code == 201, dataset.text
    slug = dataset.json()["slug"]
    resource = api.post(
        f"/api/1/transport/datasets/{slug}/resources/",
        json={"title": "Timetables", "format": "gtfs"},
    )
    assert resource.status_code == 201, resource.text
    upload = api.post(
        f"/api/1/transport/resources/{resource.json()['id']}/versions/",
        files={"file": ("feed.zip", feed_zip(version=1), "application/zip")},
    )
    assert upload.status_code == 201, upload.text
    version_id = upload.json()["id"]
    wait_for(
        "the GTFS version to be ready",
        lambda: (
            api.get(f"/api/1/transport/versions/{version_id}/").json()["status"]
            == "ready"
        ),
        within=BOUND,
    )
    return str(slug)


def test_the_worker_follows_a_changing_feed_and_the_proxy_relays_it(
    tmp_path: Path, queue: str
):
    with (
        Producer(DEMO_FEED_DIR) as producer,
        running(
            tmp_path,
            queue,
            FABRIQUE_TRANSPORT_REALTIME_EVERY="2",
            FABRIQUE_TRANSPORT_REALTIME_TIMEOUT="5",
            FABRIQUE_TRANSPORT_FETCH_ALLOW_PRIVATE="1",
        ) as instance,
    ):
        token = instance.token("operator")
        slug = _dataset_with_gtfs(instance, token)
        api = instance.client(token)
        created = api.post(
            f"/api/1/transport/datasets/{slug}/resources/",
            json={"title": "Temps réel", "format": "gtfs-rt", "url": producer.url},
        )
        assert created.status_code == 201, created.text
        rt_id = created.json()["id"]
        history = f"/api/1/transport/resources/{rt_id}/realtime/history/?hours=1"

        def points() -> list[dict]:
            response = instance.client().get(history)
            assert response.status_code == 200, response.text
            return list(response.json()["points"])

        wait_for(
            "five fetches by the worker",
            lambda: len(points()) >= 5,
            within=BOUND,
        )
        found = points()
        assert all(p["ok"] for p in found), instance.log("worker")
        assert [p["errors"] for p in found[:2]] == [0, 0]
        assert "vehicle_jump" in found[2]["rules"]
        assert found[3]["rules"].get("unknown_trip_id") == 1
        assert found[3]["rules"].get("stale_feed") == 1
        assert found[3]["ageSeconds"] >= 890
        assert [p["tripUpdates"] for p in found[:4]] == [3, 3, 3, 4]
        fetched_at = [p["at"] for p in found]
        assert fetched_at == sorted(fetched_at)

        delays = instance.client().get(
            f"/api/1/transport/resources/{rt_id}/realtime/delays/"
        )
        assert delays.json()["byRoute"], delays.text

        relay = f"/api/1/transport/resources/{rt_id}/realtime"
        before = producer.requests
        started = time.monotonic()
        for _ in range(50):
            response = instance.client().get(relay)
            assert response.status_code == 200
        elapsed = time.monotonic() - started
        message = pb.FeedMessage()
        message.ParseFromString(response.content)
        assert message.header.gtfs_realtime_version == "2.0"
        assert int(response.headers["Age"]) >= 0
        assert "max-age=" in response.headers["Cache-Control"]
        # Fifty reusers cost the producer only the worker's periodic fetches.
        assert producer.requests - before <= elapsed / 2 + 2

        page = instance.client().get(f"/transport/ressources/{rt_id}/temps-reel/")
        assert page.status_code == 200
        assert "unknown_trip_id" in page.text
