"""Production smoke test: the portal and its worker as separate processes.

``fabrique serve`` (gunicorn) and ``fabrique worker`` run with
``FABRIQUE_ENV=production`` on PostgreSQL, with RQ on Redis and with the
database queue. Everything that needs the worker is driven from outside,
through the API and the ``fabrique`` command, and must finish within a bound:
a GTFS version checked and stored with its report, an on-demand validation,
the geocoder's catalogue places, the open data archive.
"""

from __future__ import annotations

import io
import secrets
import time
import zipfile
from pathlib import Path

import pytest

from fabrique.transport.demo import feed_zip
from tests.production.conftest import Instance, running, wait_for

pytestmark = pytest.mark.production

#: Seconds each piece of background work may take on a loaded machine.
BOUND = 120


def _json_when(client, path: str, done) -> dict | None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    body = response.json()
    return body if done(body) else None


def _version_is_ready(instance: Instance, token: str, title: str) -> None:
    api = instance.client(token)
    dataset = api.post(
        "/api/1/transport/datasets/",
        json={"title": title, "summary": "Buses of a smoke test."},
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
    version = wait_for(
        "the GTFS version's check",
        lambda: _json_when(
            api,
            f"/api/1/transport/versions/{version_id}/",
            lambda body: body["status"] in ("ready", "failed"),
        ),
        within=BOUND,
    )
    assert version["status"] == "ready", version
    report = api.get(f"/api/1/transport/versions/{version_id}/report/")
    assert report.status_code == 200, report.text
    assert "notices" in report.json()
    departures = api.get(f"/api/1/transport/datasets/{slug}/")
    assert departures.json()["latest_gtfs_version"] == version_id


def _ondemand_validation_ends(instance: Instance) -> None:
    anonymous = instance.client()
    created = anonymous.post(
        "/api/1/transport/validations/",
        files={"file": ("feed.zip", feed_zip(version=2), "application/zip")},
    )
    assert created.status_code == 202, created.text
    url = created.json()["url"]
    job = wait_for(
        "the on-demand validation",
        lambda: _json_when(
            anonymous, url, lambda body: body["status"] in ("done", "failed")
        ),
        within=BOUND,
    )
    assert job["status"] == "done", job
    report = anonymous.get(f"{url}report/")
    assert report.status_code == 200, report.text
    assert report.json()["summary"]["gtfsInput"] == "feed.zip"


def _catalogue_places_are_indexed(instance: Instance, token: str, word: str) -> None:
    api = instance.client(token)
    actor = api.post(
        "/api/1/actors/",
        json={
            "name": f"Atelier {word}",
            "type": "association",
            "places": [
                {"name": f"Garage {word}", "city": "Lyon", "lat": 45.75, "lon": 4.85}
            ],
        },
    )
    assert actor.status_code == 201, actor.text

    def found() -> list[str]:
        response = instance.client().get("/search/", params={"q": f"Garage {word}"})
        if response.status_code != 200:
            return []
        names = [f["properties"].get("name", "") for f in response.json()["features"]]
        return [name for name in names if word in name]

    wait_for("the catalogue places in the geocoder", found, within=BOUND)


def _dump_is_rebuilt(instance: Instance, title: str) -> None:
    print(instance.fabrique("dump", "--background"))

    def rebuilt() -> bytes | None:
        response = instance.client().get("/donnees/fabrique-donnees.zip")
        if response.status_code != 200:
            return None
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            for name in archive.namelist():
                if title.encode() in archive.read(name):
                    return response.content
        return None

    wait_for("the open data archive with the new dataset", rebuilt, within=BOUND)


def test_production_topology_runs_every_background_task(
    tmp_path: Path, queue: str
) -> None:
    word = f"smoke{secrets.token_hex(3)}"
    title = f"Réseau {word}"
    with running(tmp_path, queue) as instance:
        started = time.monotonic()
        token = instance.token(f"admin{word}")
        try:
            _version_is_ready(instance, token, title)
            _ondemand_validation_ends(instance)
            _catalogue_places_are_indexed(instance, token, word)
            _dump_is_rebuilt(instance, title)
        except BaseException:
            print("--- worker log ---\n" + instance.log("worker"))
            print("--- serve log ---\n" + instance.log("serve"))
            raise
        print(f"{queue}: every task done in {time.monotonic() - started:.1f} s")
