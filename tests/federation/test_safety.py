"""A harvest source is untrusted input: each hostile answer is contained."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from fabrique.catalog.models import Commons
from fabrique.federation import fetching, harvest
from fabrique.federation.fetching import Answer, Fetcher
from fabrique.federation.models import HarvestSource
from tests.federation.feeds import REMOTE, description, feed_url, item, page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def source() -> HarvestSource:
    return HarvestSource.objects.create(name="Québec", url=REMOTE, kind="fabrique")


def serve(recorded, *items) -> None:
    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    recorded.add(feed_url(0), page(list(items)))


def test_hostile_markdown_and_javascript_links_are_neutralised(
    recorded, source, client: Client
):
    hostile = item(
        1,
        "piege",
        description=(
            "<script>alert(1)</script>[clic](javascript:alert(2)) "
            '<img src=x onerror="alert(3)">'
        ),
        demo_url="javascript:alert(4)",
        download_url="data:text/html,<script>alert(5)</script>",
    )
    hostile["contributors"] = [{"uri": "javascript:alert(6)", "name": "<b>x</b>"}]
    serve(recorded, hostile)
    run = harvest.run_source(source)
    assert run.created == 1
    commons = Commons.objects.get()
    assert (commons.demo_url, commons.download_url) == ("", "")
    assert commons.remote.contributors[0]["uri"] == ""
    html = client.get(f"/communs/{commons.slug}/").content.decode()
    # Shown as text at most, never as a link, a script or an element.
    assert 'href="javascript' not in html.lower()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_an_answer_over_the_size_bound_stops_the_run(recorded, source, settings):
    settings.FEDERATION_MAX_PAGE_BYTES = 2_000
    serve(recorded, *(item(n, f"c-{n}") for n in range(1, 30)))
    run = harvest.run_source(source)
    assert "over 2,000 bytes" in run.stopped
    assert not Commons.objects.exists()


def test_a_run_stops_at_its_page_bound(recorded, source, settings):
    settings.FEDERATION_MAX_PAGES = 3
    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    for n in range(10):
        recorded.add(feed_url(n), page([item(n + 1, f"c-{n}")], more=True))
    run = harvest.run_source(source)
    assert "over 3 pages" in run.stopped
    assert run.requests == 3
    # Applied in order: the next run goes on from the cursor reached.
    assert HarvestSource.objects.get().cursor == 2


def test_a_slow_source_is_stopped_at_the_run_deadline(source):
    def slow(url: str, accept: str, max_bytes: int, timeout: float) -> Answer:
        time.sleep(0.3)
        return Answer(200, b"{}", "application/json", url)

    fetcher = Fetcher(get=slow, seconds=0.2)
    run = harvest.run_source(source, fetcher=fetcher)
    assert "took over" in run.stopped


def test_a_description_naming_another_site_is_refused(recorded, source):
    recorded.add(
        f"{REMOTE}/.well-known/fabrique-instance",
        description(changes="https://evil.example/federation/changes"),
    )
    run = harvest.run_source(source)
    assert "claims another site" in run.stopped


def test_a_source_on_a_private_address_is_refused(settings, monkeypatch, english):
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = False
    monkeypatch.setattr(fetching, "GETTER", [fetching.http_get])
    local = HarvestSource.objects.create(
        name="local", url="http://127.0.0.1:9/", kind="fabrique"
    )
    run = harvest.run_source(local)
    assert "private or local host" in run.stopped
