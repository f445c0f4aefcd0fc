"""What an instance publishes: its description and its change feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from fabrique.catalog.models import Commons
from fabrique.federation import changes, instance
from fabrique.federation.models import ChangeEntry
from tests.catalog.factories import make_commons

pytestmark = pytest.mark.django_db(transaction=True)


def feed(client: Client, after: int = 0, limit: int = 100) -> dict:
    response = client.get(f"/federation/changes?after={after}&limit={limit}")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_instance_description_names_its_feeds_and_its_key(client, settings):
    settings.FEDERATION_REGION = "Québec"
    body = client.get("/.well-known/fabrique-instance").json()
    assert body["region"] == "Québec"
    assert body["changes"].endswith("/federation/changes")
    assert body["catalogue"].endswith("/catalogue.ttl")
    assert body["public_key"].startswith("ed25519:")
    assert body["data_licence"] == settings.FABRIQUE_DATA_LICENCE
    assert {"fr", "en"} <= set(body["languages"])
    assert instance.public_key_from(body["public_key"]) is not None


def test_creates_updates_and_deletes_come_in_order_after_a_cursor(client):
    first = make_commons(title="Vélos partagés")
    second = make_commons(title="Parkings relais")
    page = feed(client)
    assert [i["action"] for i in page["items"]] == ["create", "create"]
    assert page["items"][0]["commons"]["title"] == "Vélos partagés"
    assert "/membres/" in page["items"][0]["contributors"][0]["uri"]
    cursor = page["cursor"]
    assert feed(client, cursor)["items"] == []

    Commons.objects.filter(pk=first.pk).update(title="x")  # no signal: no change
    first.refresh_from_db()
    first.title = "Vélos partagés de Lyon"
    first.save()
    second.delete()
    later = feed(client, cursor)
    assert [(i["action"], i["uri"].rsplit("/", 2)[-2]) for i in later["items"]] == [
        ("update", first.slug),
        ("delete", second.slug),
    ]
    assert "commons" not in later["items"][1]
    # Compacted: a walk from 0 holds each commons once.
    assert len(feed(client)["items"]) == 2


def test_a_hidden_commons_is_a_tombstone(client):
    commons = make_commons()
    commons.hidden = True
    commons.save()
    (item,) = feed(client)["items"]
    assert item["action"] == "delete"


def test_a_cursor_older_than_the_pruned_tombstones_asks_for_a_resync(client):
    gone = make_commons()
    gone.delete()
    ChangeEntry.objects.update(at=timezone.now() - dt.timedelta(days=400))
    assert changes.prune() == 1
    response = client.get("/federation/changes?after=0")
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "cursor_too_old"
    assert (
        client.get(f"/federation/changes?after={changes.horizon()}").status_code == 200
    )


def test_a_paging_cursor_that_is_not_a_number_is_refused(client):
    assert client.get("/federation/changes?after=x").status_code == 400


def test_a_confirmed_ledger_line_moves_its_commons_and_travels_with_it(client):
    from fabrique.projects.models import Contribution

    commons = make_commons()
    cursor = feed(client)["cursor"]
    Contribution.objects.create(
        commons=commons,
        contributor=commons.created_by,
        kind="code",
        description="Le lecteur GBFS",
        status=Contribution.Status.CONFIRMED,
    )
    (moved,) = feed(client, cursor)["items"]
    (line,) = [x for x in moved["ledger"] if x["description"] == "Le lecteur GBFS"]
    assert "/membres/" in line["contributor"]["uri"]
