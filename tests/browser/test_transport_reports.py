"""Transport pages in a real browser: on-demand validation, report, rules, map.

Writes ``docs/screenshots/transport-{validate,report,rules,map-calendar}.png``.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from fabrique.transport import services
from fabrique.transport.demo import feed_zip
from fabrique.transport.models import ValidationJob
from tests.browser.keyboard import unlabelled_controls
from tests.transport.factories import make_dataset, make_resource, make_user
from tests.transport.report_helpers import feed_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _transport(settings, tmp_path):
    settings.TRANSPORT_STORE = tmp_path / "transport"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture
def csp_errors(page):
    """Messages of the console about the Content-Security-Policy."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return errors


def shoot(page, directory, name: str, target=None, *, full_page=True) -> None:
    page.wait_for_load_state("networkidle")
    path = directory / f"{name}.png"
    if target is None:
        page.screenshot(path=str(path), full_page=full_page)
    else:
        target.screenshot(path=str(path))
    assert path.stat().st_size > 10_000


def test_a_visitor_validates_a_feed_and_reads_its_report(
    page, screenshot_dir, tmp_path, csp_errors
):
    broken = feed_bytes(
        tmp_path,
        stops="stop_id,stop_name,stop_lat,stop_lon\nS1,Gare ,0,0\n",
    )
    feed = tmp_path / "belvallon-gtfs.zip"
    feed.write_bytes(broken)
    page.goto(page.base_url + reverse("transport:validate"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert unlabelled_controls(page) == []
    shoot(page, screenshot_dir, "transport-validate")

    page.locator("#id_file").set_input_files(str(feed))
    page.locator("form.validate-form button[type=submit]").click()
    expect(page.locator("#notices-error")).to_be_visible()
    job = ValidationJob.objects.get()
    assert page.url.endswith(reverse("transport:job", args=[job.pk]))
    first = page.locator("#notices-error details.notice").first
    first.locator("summary").click()
    expect(first.locator("table.samples-table")).to_be_visible()
    rule_link = first.locator("a[href*='/transport/regles/#']")
    shoot(page, screenshot_dir, "transport-report")
    rule_link.first.click()
    expect(page.locator("article.rule:target")).to_be_visible()
    assert csp_errors == []


def test_the_validate_form_says_what_is_wrong(page):
    page.goto(page.base_url + reverse("transport:validate"))
    page.locator("form.validate-form button[type=submit]").click()
    expect(page.locator("#validate-errors")).to_be_visible()
    assert not ValidationJob.objects.exists()


def test_the_rule_catalogue_filters_as_one_types(page, screenshot_dir, csp_errors):
    page.goto(page.base_url + reverse("transport:rules"))
    rules = page.locator("article.rule")
    total = rules.count()
    assert total >= 80
    assert unlabelled_controls(page) == []
    shoot(page, screenshot_dir, "transport-rules", full_page=False)
    page.locator("#rules-q").fill("timezone")
    expect(page.locator("#invalid_timezone")).to_be_visible()
    expect(page.locator("#missing_required_file")).to_have_count(0)
    page.locator("#rules-severity").select_option("ERROR")
    expect(page.locator("article.rule .sev-warning")).to_have_count(0)
    expect(page.locator("#invalid_timezone")).to_be_visible()
    # The address follows the filters once the list has been redrawn.
    expect(page).to_have_url(re.compile(r"[?&]severity=ERROR(&|$)"))
    assert csp_errors == []


def test_the_dataset_page_draws_the_map_and_the_calendar(
    page, screenshot_dir, csp_errors
):
    from fabrique.transport.tasks import process_version

    owner = make_user()
    dataset = make_dataset(owner)
    resource = make_resource(dataset, owner)
    version = services.add_version_from_upload(
        resource,
        SimpleUploadedFile("belvallon.zip", feed_zip(), "application/zip"),
        owner,
        enqueue=False,
    )
    process_version.call(version.pk)
    page.goto(page.base_url + dataset.get_absolute_url())
    canvas = page.locator("[data-map]").first
    expect(canvas).to_have_attribute("data-map-drawn", re.compile(r"^[1-9]"))
    expect(page.locator(".leaflet-control-scale")).to_be_visible()
    expect(page.locator("table.calendar-month").first).to_be_visible()
    assert page.locator("td[data-trips]").count() > 20
    # The map takes the keyboard focus and lets it go on.
    canvas.focus()
    page.keyboard.press("Tab")
    assert page.evaluate(
        "document.activeElement !== document.querySelector('[data-map]')"
    )
    section = page.locator("section", has=page.locator("[data-map]")).first
    shoot(page, screenshot_dir, "transport-map-calendar", target=section)
    assert csp_errors == []


def test_a_refused_address_is_explained_on_the_result_page(page, screenshot_dir):
    page.goto(page.base_url + reverse("transport:validate"))
    page.locator("#id_url").fill("http://127.0.0.1:9/gtfs.zip")
    page.locator("form.validate-form button[type=submit]").click()
    expect(page.locator(".job-failed")).to_be_visible()
    expect(page.locator(".job-failed .error-text")).to_contain_text("127.0.0.1")
    shoot(page, screenshot_dir, "transport-validate-failed")
