"""Harvest sources in the web: administrators list, add, change, run (now or
dry) and delete them; everyone else is refused and changes nothing."""

from __future__ import annotations

import socket

import pytest
from django.test import Client

from fabrique.catalog.models import Commons
from fabrique.federation.models import HarvestRun, HarvestSource, RemoteCommons
from fabrique.transport import services as transport
from tests.catalog.factories import make_user
from tests.federation.feeds import REMOTE, description, feed_url, item, page

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
HOSTS = {
    "quebec.example": "8.8.8.8",
    "dakar.example": "1.1.1.1",
    "lan.example": "10.0.0.7",
}


@pytest.fixture(autouse=True)
def _resolver(monkeypatch):
    """Names resolve as a public resolver would answer them, without a network."""

    def resolve(host: str, port: int, **kwargs):
        if host not in HOSTS:
            raise socket.gaierror(f"unknown host {host}")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (HOSTS[host], port))]

    monkeypatch.setattr(transport, "resolve", resolve)


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def admin() -> Client:
    return client_of(make_user("admin", is_superuser=True, is_staff=True))


@pytest.fixture
def source() -> HarvestSource:
    return HarvestSource.objects.create(name="Québec", url=REMOTE, kind="fabrique")


def form(**overrides) -> dict:
    data = {
        "name": "Dakar",
        "url": "https://dakar.example/",
        "kind": "fabrique",
        "every_seconds": "86400",
        "filter_kinds": ["data", "software"],
        "filter_themes": "Mobilité, Vélo",
        "filter_licences": "ODbL-1.0",
        "delete_missing": "on",
        "enabled": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_administrator_adds_a_source_with_its_filters(admin, english):
    response = admin.post("/reseau/sources/ajouter/", form())
    assert response.status_code == 302
    added = HarvestSource.objects.get()
    assert added.url == "https://dakar.example/"
    assert added.every_seconds == 86400
    assert added.filter_kinds == ["data", "software"]
    assert added.filter_themes == ["Mobilité", "Vélo"]
    assert added.filter_licences == ["ODbL-1.0"]
    assert added.delete_missing
    assert added.enabled
    listing = admin.get("/reseau/sources/").content.decode()
    assert "Dakar" in listing
    assert "every day" in listing
    assert "never harvested" in listing


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://lan.example/", "private or local host"),
        ("https://nowhere.example/", "cannot be found"),
        ("ftp://dakar.example/", "http:// or https://"),
        ("https://someone:secret@dakar.example/", "user name or password"),
        ("https://fabrique.example/", "this very instance"),
    ],
)
def test_an_unsafe_or_wrong_address_is_refused_with_the_reason(
    admin, english, settings, url, says
):
    settings.SITE_URL = "https://fabrique.example"
    response = admin.post("/reseau/sources/ajouter/", form(url=url))
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not HarvestSource.objects.exists()


def test_a_second_source_for_the_same_address_is_refused(admin, source, english):
    response = admin.post("/reseau/sources/ajouter/", form(url=REMOTE))
    assert "already harvests this address" in response.content.decode()
    assert HarvestSource.objects.count() == 1


def test_editing_keeps_a_schedule_set_by_the_command(admin, source):
    HarvestSource.objects.filter(pk=source.pk).update(every_seconds=120)
    page_html = admin.get(f"/reseau/sources/{source.pk}/").content.decode()
    assert 'value="120" selected' in page_html
    response = admin.post(
        f"/reseau/sources/{source.pk}/",
        form(name="Québec (paused)", url=REMOTE, every_seconds="120", enabled=None),
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.name, source.every_seconds, source.enabled) == (
        "Québec (paused)",
        120,
        False,
    )


def test_the_list_shows_each_source_last_run(admin, source, english):
    HarvestRun.objects.create(source=source, created=1, updated=9, unchanged=4)
    HarvestRun.objects.create(
        source=source, created=3, deleted=2, failed=[{"item": "x", "reason": "bad"}]
    )
    html = admin.get("/reseau/sources/").content.decode()
    assert "3 created, 0 updated, 2 deleted, 0 unchanged, 1 failed" in html
    assert "with failures" in html
    assert "9 updated" not in html


def test_run_now_queues_a_harvest_whose_report_is_listed(
    admin, source, recorded, settings, english
):
    settings.TASKS = IMMEDIATE
    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    recorded.add(feed_url(0), page([item(1, "velos", title="Vélos du Québec")]))
    response = admin.post(f"/reseau/sources/{source.pk}/moissonner/", {"mode": "run"})
    assert response.status_code == 302
    run = HarvestRun.objects.get()
    assert (run.dry_run, run.created) == (False, 1)
    assert Commons.objects.get().title == "Vélos du Québec"
    html = admin.get("/reseau/sources/").content.decode()
    assert "1 created" in html
    assert "complete" in html


def test_a_dry_run_reports_and_writes_nothing(admin, source, recorded, settings):
    settings.TASKS = IMMEDIATE
    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    recorded.add(feed_url(0), page([item(1, "velos")]))
    admin.post(f"/reseau/sources/{source.pk}/moissonner/", {"mode": "dry"})
    run = HarvestRun.objects.get()
    assert (run.dry_run, run.created) == (True, 1)
    assert not Commons.objects.exists()
    source.refresh_from_db()
    assert source.cursor == 0


def test_running_takes_post_only(admin, source, settings):
    settings.TASKS = DUMMY
    assert admin.get(f"/reseau/sources/{source.pk}/moissonner/").status_code == 405


def test_deleting_asks_first_and_keeps_the_harvested_commons(
    admin, source, recorded, english
):
    from fabrique.federation import harvest

    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    recorded.add(feed_url(0), page([item(1, "velos")]))
    harvest.run_source(source)
    confirm = admin.get(f"/reseau/sources/{source.pk}/supprimer/").content.decode()
    assert "stays here with its origin" in confirm
    assert HarvestSource.objects.exists()
    response = admin.post(f"/reseau/sources/{source.pk}/supprimer/")
    assert response.status_code == 302
    assert not HarvestSource.objects.exists()
    assert RemoteCommons.objects.get().source is None
    assert Commons.objects.count() == 1


@pytest.mark.parametrize("who", ["anonymous", "member", "moderator"])
def test_only_administrators_reach_the_sources(source, settings, who):
    settings.TASKS = IMMEDIATE
    user = {
        "anonymous": None,
        "member": make_user("member"),
        "moderator": make_user("moderator", role="moderator"),
    }[who]
    client = client_of(user)
    base = f"/reseau/sources/{source.pk}"
    answers = [
        client.get("/reseau/sources/"),
        client.get("/reseau/sources/ajouter/"),
        client.post("/reseau/sources/ajouter/", form()),
        client.post(f"{base}/", form(name="Taken")),
        client.post(f"{base}/moissonner/", {"mode": "run"}),
        client.post(f"{base}/supprimer/"),
    ]
    for answer in answers:
        if user is None:
            assert answer.status_code == 302
            assert "connexion" in answer["Location"]
        else:
            assert answer.status_code == 403
    assert list(HarvestSource.objects.values_list("name", flat=True)) == ["Québec"]
    assert not HarvestRun.objects.exists()


def test_the_network_page_links_administrators_to_the_sources(admin, client):
    assert "/reseau/sources/" in admin.get("/reseau/").content.decode()
    assert "/reseau/sources/" not in client.get("/reseau/").content.decode()
