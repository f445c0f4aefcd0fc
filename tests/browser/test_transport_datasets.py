"""Transport datasets in a browser: list and filters, the dataset page with its
map, calendar and departures, and a new version checked while the page waits.

Writes ``docs/screenshots/transport-{datasets,dataset,version-progress,version}.png``.
"""

from __future__ import annotations

import zipfile

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from fabrique.catalog.demo import DEMO_PASSWORD, DEMO_USERNAME, load_demo
from fabrique.transport.demo import DEMO_TITLE, feed_files
from fabrique.transport.models import Dataset, Version, VersionStatus
from fabrique.transport.tasks import process_version

pytestmark = [
    pytest.mark.browser,
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def demo(settings, tmp_path):
    settings.TRANSPORT_STORE = tmp_path / "transport"
    # No worker in this test: versions wait in the queue until the test runs them.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert load_demo()
    return Dataset.objects.get(commons__title=DEMO_TITLE)


def shoot(page, directory, name: str) -> None:
    page.wait_for_load_state("networkidle")
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def test_visitor_finds_a_dataset_and_its_departures(page, demo, screenshot_dir):
    page.goto(page.base_url + reverse("transport:dataset_list"))
    row = page.locator(".dataset-row")
    expect(row).to_have_count(1)
    page.locator("#id_validity").select_option("expired")
    page.locator(".dataset-filters button[type=submit]").click()
    page.wait_for_url("**validity=expired*")
    expect(page.locator(".dataset-row")).to_have_count(0)
    page.locator("#id_validity").select_option("valid")
    page.locator("#id_format").select_option("gtfs")
    page.locator(".dataset-filters button[type=submit]").click()
    expect(page.locator(".dataset-row")).to_have_count(1)
    shoot(page, screenshot_dir, "transport-datasets")

    page.locator(".dataset-row-title a").click()
    page.wait_for_url("**" + demo.get_absolute_url())
    expect(page.locator(".check-counts")).to_be_visible()
    expect(page.locator(".versions tbody tr")).to_have_count(2)
    expect(page.locator(".leaflet-container")).to_be_visible()
    expect(page.locator(".service-calendar")).to_be_visible()
    # Departures from the station include its platforms; keyboard only.
    page.locator("#departures-stop").focus()
    page.locator("#departures-stop").select_option("GARE")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    rows = page.locator("#departures-results tbody tr")
    expect(rows.first).to_be_visible()
    platforms = page.locator("#departures-results tbody td:nth-child(4)")
    assert set(platforms.all_inner_texts()) <= {"quai A", "quai B"}
    page.locator("#departures").scroll_into_view_if_needed()
    shoot(page, screenshot_dir, "transport-dataset")


def test_holder_uploads_a_version_and_watches_it_checked(
    page, demo, screenshot_dir, tmp_path
):
    page.goto(page.base_url + reverse("accounts:login"))
    page.locator("#id_username").fill(DEMO_USERNAME)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(page.base_url + demo.get_absolute_url())
    files = feed_files(version=2)
    files["routes.txt"] = files["routes.txt"].replace(
        "Gare – Hôpital", "Gare – Hôpital – Clinique"
    )
    path = tmp_path / "belvallon-v3.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    resource = demo.resources.get()
    form = page.locator(f"#resource-{resource.pk} .upload-form")
    form.locator("input[type=file]").set_input_files(str(path))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    progress = page.locator(".version-progress")
    expect(progress).to_be_visible()
    expect(page.locator(".messages")).to_be_visible()
    shoot(page, screenshot_dir, "transport-version-progress")

    version = Version.objects.get(resource=resource, number=3)
    assert version.status == VersionStatus.QUEUED
    process_version.call(version.pk)
    # The polling fragment notices and reloads the page with the new version.
    expect(page.locator(".version-progress")).to_have_count(0, timeout=20_000)
    expect(page.locator(".versions tbody tr")).to_have_count(3)
    page.locator(f"a[href='{version.get_absolute_url()}#changes']").click()
    expect(page.locator(".diff-counts")).to_be_visible()
    shoot(page, screenshot_dir, "transport-version")
