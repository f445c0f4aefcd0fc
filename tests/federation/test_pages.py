"""The network page, harvest reports, forks and the origin facet."""

from __future__ import annotations

import pytest
from django.test import Client

from fabrique.catalog.models import Commons
from fabrique.federation import harvest
from fabrique.federation.models import Fork, HarvestRun, HarvestSource
from tests.catalog.factories import make_commons, make_user
from tests.federation.feeds import REMOTE, description, feed_url, item, page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def harvested(recorded) -> HarvestRun:
    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    recorded.add(feed_url(0), page([item(1, "velos", title="Vélos du Québec")]))
    source = HarvestSource.objects.create(name="Québec", url=REMOTE, kind="fabrique")
    return harvest.run_source(source)


def admin_client() -> Client:
    admin = make_user("admin", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    return client


def test_the_network_page_lists_known_instances_for_everyone(harvested, client):
    html = client.get("/reseau/").content.decode()
    assert "Fabrique Québec" in html
    assert "Harvest sources" not in html
    assert "Sources moissonnées" not in html
    points = client.get("/reseau/instances.geojson").json()["features"]
    assert points[0]["geometry"]["coordinates"] == [-71.21, 46.81]


def test_administrators_see_sources_and_reports(harvested, english):
    client = admin_client()
    html = client.get("/reseau/").content.decode()
    assert "Harvest sources" in html
    assert "1 created" in html
    report = client.get(f"/reseau/moissons/{harvested.pk}/").content.decode()
    assert "Vélos du Québec" in report
    assert Client().get(f"/reseau/moissons/{harvested.pk}/").status_code == 404


def test_a_local_fork_is_derived_from_the_remote_commons(harvested, client):
    original = Commons.objects.get()
    client.force_login(make_user())
    response = client.post(f"/communs/{original.slug}/fork/")
    assert response.status_code == 302
    fork = Fork.objects.get()
    assert fork.derived_from == f"{REMOTE}/communs/velos/"
    assert fork.commons.title == original.title
    assert not hasattr(fork.commons, "remote") or fork.commons.pk != original.pk
    ttl = client.get(f"/communs/{fork.commons.slug}.ttl").content.decode()
    assert "velos" in ttl


def test_a_local_commons_cannot_be_forked(client):
    local = make_commons()
    client.force_login(make_user())
    assert client.post(f"/communs/{local.slug}/fork/").status_code == 403


def test_search_has_an_origin_facet(harvested, client):
    make_commons(title="Vélos de Lyon")
    from fabrique.core.search import service

    here = service.search("vélos", filters={"origin": ["here"]})
    there = service.search("vélos", filters={"origin": [REMOTE]})
    assert [h.title for h in here.hits] == ["Vélos de Lyon"]
    assert [h.title for h in there.hits] == ["Vélos du Québec"]
