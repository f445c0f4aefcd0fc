"""The real-time page of a GTFS-RT feed in a browser, in French and English:
charts of errors, freshness and entities over time, notices and delays.

Writes ``docs/screenshots/transport-realtime-{fr,en}.png``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from fabrique.transport import realtime
from fabrique.transport.demo import DEMO_FEED_DIR, feed_zip
from tests.transport.factories import make_dataset, make_resource, make_user, upload
from tests.transport.realtime_producer import Producer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def feed(settings, tmp_path):
    settings.TRANSPORT_STORE = tmp_path / "transport"
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = True
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    owner = make_user()
    dataset = make_dataset(owner)
    upload(make_resource(dataset, owner), owner, feed_zip(version=1))
    with Producer(DEMO_FEED_DIR, step_seconds=30) as producer:
        resource = make_resource(
            dataset, owner, title="Bus en direct", format="gtfs-rt", url=producer.url
        )
        start = timezone.now()
        for i in range(6):
            realtime.poll(resource, now=start + timedelta(seconds=30 * i))
    return resource


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_realtime_page_charts_the_fetches(page, feed, screenshot_dir, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": page.base_url}]
    )
    page.goto(page.base_url + reverse("transport:realtime", args=[feed.pk]))
    heading = (
        "Bus en direct : temps réel" if language == "fr" else "Bus en direct: real time"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("#realtime-history svg")).to_have_count(3)
    expect(page.get_by_text("unknown_trip_id")).to_be_visible()
    path = screenshot_dir / f"transport-realtime-{language}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
