"""Harvesting another Fabrique: its change feed, with provenance."""

from __future__ import annotations

import pytest
from django.test import Client

from fabrique.catalog.models import Commons
from fabrique.federation import harvest, instance
from fabrique.federation.models import (
    ChangeEntry,
    HarvestSource,
    RemoteCommons,
    RemoteInstance,
)
from tests.federation.feeds import REMOTE, description, feed_url, item, page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def source() -> HarvestSource:
    return HarvestSource.objects.create(name="Québec", url=REMOTE, kind="fabrique")


def answer_feed(recorded, *pages, base: str = REMOTE) -> None:
    recorded.add(f"{base}/.well-known/fabrique-instance", description(base))
    after = 0
    for one in pages:
        recorded.add(feed_url(after, base), one)
        after = one["cursor"]
    recorded.add(feed_url(after, base), page([], base=base) | {"cursor": after})


def test_a_first_harvest_creates_the_commons_with_their_origin(recorded, source):
    answer_feed(recorded, page([item(1, "velos"), item(2, "parkings")]))
    run = harvest.run_source(source)
    assert (run.created, run.failed, run.stopped) == (2, [], "")
    assert run.requests == 2
    assert run.bytes > 0
    remote = RemoteCommons.objects.get(origin_uri=f"{REMOTE}/communs/velos/")
    assert remote.origin_instance == REMOTE
    assert remote.contributors[0]["name"] == "Marie"
    assert remote.source == source
    known = RemoteInstance.objects.get(url=REMOTE)
    assert (known.region, known.healthy, known.lat) == ("Québec", True, 46.81)
    source.refresh_from_db()
    assert source.cursor == 2


def test_a_second_harvest_moves_only_what_changed(recorded, source):
    answer_feed(recorded, page([item(1, "velos"), item(2, "parkings")]))
    harvest.run_source(source)
    recorded.add(feed_url(2), page([item(3, "velos", title="Vélos", action="update")]))
    recorded.add(feed_url(3), page([]) | {"cursor": 3})
    run = harvest.run_source(source)
    assert (run.created, run.updated, run.unchanged, run.full) == (0, 1, 0, False)
    assert Commons.objects.filter(title="Vélos").count() == 1
    assert Commons.objects.count() == 2


def test_a_tombstone_deletes_the_copy(recorded, source):
    answer_feed(recorded, page([item(1, "velos")]))
    harvest.run_source(source)
    recorded.add(feed_url(1), page([item(2, "velos", action="delete")]))
    recorded.add(feed_url(2), page([]) | {"cursor": 2})
    run = harvest.run_source(source)
    assert run.deleted == 1
    assert not Commons.objects.exists()
    # ...and the deletion goes on in this instance's own feed.
    assert ChangeEntry.objects.get(uri=f"{REMOTE}/communs/velos/").action == "delete"


def test_a_cursor_too_old_makes_a_full_resync_that_deletes_the_missing(
    recorded, source
):
    answer_feed(recorded, page([item(1, "velos"), item(2, "parkings")]))
    harvest.run_source(source)
    recorded.add(feed_url(2), {"error": {"code": "cursor_too_old"}}, status=410)
    # From 0 again, the instance lists only one commons now.
    recorded.add(feed_url(0), page([item(9, "velos")]))
    recorded.add(feed_url(9), page([]) | {"cursor": 9})
    recorded.asked.clear()
    run = harvest.run_source(source)
    assert run.full
    assert run.deleted == 1
    assert run.unchanged == 1
    assert list(Commons.objects.values_list("title", flat=True)) == ["Velos"]


def test_a_harvested_commons_is_read_only_and_reexported_with_its_origin(
    recorded, source, client: Client
):
    from tests.catalog.factories import make_user

    answer_feed(recorded, page([item(1, "velos")]))
    harvest.run_source(source)
    commons = Commons.objects.get()
    user = make_user()
    from fabrique.core.permissions import can_edit

    assert not can_edit(user, commons)
    client.force_login(user)
    assert client.get(f"/communs/{commons.slug}/modifier/").status_code in (403, 404)
    page_html = client.get(f"/communs/{commons.slug}/").content.decode()
    assert "Propose a change at the origin" in page_html or "origine" in page_html
    assert f'href="{REMOTE}/communs/velos/"' in page_html
    # The feed and the DCAT export carry the origin, never this instance.
    (entry,) = client.get("/federation/changes").json()["items"]
    assert entry["uri"] == f"{REMOTE}/communs/velos/"
    assert entry["origin"] == REMOTE
    assert entry["contributors"][0]["name"] == "Marie"
    ttl = client.get(f"/communs/{commons.slug}.ttl").content.decode()
    assert f"<{REMOTE}/communs/velos/>" in ttl
    assert "wasDerivedFrom" in ttl


def test_our_own_commons_coming_back_creates_nothing(recorded, source):
    own = instance.base_url()
    loop = item(1, "chez-nous", origin=own)
    answer_feed(recorded, page([loop]))
    run = harvest.run_source(source)
    assert (run.created, run.skipped) == (0, 1)
    assert not Commons.objects.exists()


def test_a_relay_keeps_the_first_origin_and_never_duplicates(recorded, source):
    relay = HarvestSource.objects.create(
        name="Afrique", url="https://afrique.example", kind="fabrique"
    )
    answer_feed(recorded, page([item(1, "velos")]))
    harvest.run_source(source)
    # The other instance passes on the same commons, origin Québec.
    answer_feed(
        recorded,
        page([item(5, "velos", title="Vélos (copie)")], base="https://afrique.example"),
        base="https://afrique.example",
    )
    run = harvest.run_source(relay)
    assert (run.created, run.updated, run.skipped) == (0, 0, 1)
    assert Commons.objects.count() == 1
    assert RemoteCommons.objects.get().origin_instance == REMOTE


def test_a_feed_claiming_another_instances_uris_is_refused(recorded, source):
    stolen = item(1, "velos", uri="https://lyon.example/communs/velos/")
    answer_feed(recorded, page([stolen]))
    run = harvest.run_source(source)
    assert run.created == 0
    assert "claims an origin URI of another site" in run.failed[0]["reason"]


def test_a_dry_run_reports_and_writes_nothing(recorded, source):
    answer_feed(recorded, page([item(1, "velos")]))
    run = harvest.run_source(source, dry_run=True)
    assert run.created == 1
    assert run.changes[0]["action"] == "create"
    assert not Commons.objects.exists()
    source.refresh_from_db()
    assert source.cursor == 0


def test_a_cursor_that_does_not_move_is_a_loop(recorded, source):
    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    stuck = page([item(1, "velos")], more=True)
    recorded.add(feed_url(0), stuck)
    recorded.add(feed_url(1), stuck)
    run = harvest.run_source(source)
    assert "repeats an address" in run.stopped or "does not move" in run.stopped
    assert run.requests <= 4


def test_a_relay_does_not_bring_back_a_commons_deleted_at_its_origin(recorded, source):
    relay = HarvestSource.objects.create(
        name="Afrique", url="https://afrique.example", kind="fabrique"
    )
    answer_feed(recorded, page([item(1, "velos")]))
    harvest.run_source(source)
    recorded.add(feed_url(1), page([item(2, "velos", action="delete")]))
    recorded.add(feed_url(2), page([]) | {"cursor": 2})
    harvest.run_source(source)
    # The relay has not seen the deletion yet and still lists the commons.
    answer_feed(
        recorded,
        page([item(5, "velos")], base="https://afrique.example"),
        base="https://afrique.example",
    )
    run = harvest.run_source(relay)
    assert (run.created, run.skipped) == (0, 1)
    assert not Commons.objects.exists()
