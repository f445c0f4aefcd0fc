"""The console stays quiet on a newcomer's first pages: no Content Security
Policy violation when ticking a catalogue filter, no missing favicon."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.factories import make_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def listen(page) -> list[str]:
    """Console errors and failed requests of ``page``, as they come."""
    heard: list[str] = []
    page.on(
        "console",
        lambda m: (
            heard.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: heard.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    return heard


def test_ticking_a_catalogue_filter_logs_no_csp_violation(page):
    make_catalogue()
    heard = listen(page)
    page.goto(page.base_url + reverse("catalog:commons_list"))
    page.wait_for_load_state("networkidle")
    facet = page.locator("input.facet-input").first
    name = facet.get_attribute("name")
    with page.expect_response(lambda r: f"{name}=" in r.url):
        facet.check()
    expect(page).to_have_url(re.compile(rf"[?&]{name}="))
    # The results (and the filters with them) are swapped in by htmx: wait
    # for the new ones before acting on them.
    checked = page.locator("input.facet-input:checked")
    expect(checked).to_have_count(1)
    page.wait_for_load_state("networkidle")
    with page.expect_response(lambda r: "/communs/" in r.url):
        checked.first.click()
    # Unticking it takes the filter off the address and off the filters.
    expect(page).not_to_have_url(re.compile(rf"[?&]{name}="))
    expect(checked).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert [line for line in heard if "Content Security Policy" in line] == []
    assert heard == []


def test_the_first_load_finds_the_favicon(page):
    heard = listen(page)
    page.goto(page.base_url + "/")
    page.wait_for_load_state("networkidle")
    icon = page.locator("link[rel=icon]")
    expect(icon).to_have_count(1)
    response = page.request.get(page.base_url + "/favicon.ico")
    assert response.status == 200
    assert heard == []


def test_pressing_enter_in_the_geocoder_aborts_no_request(page):
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
    page.goto(page.base_url + reverse("places:geocoder"))
    page.wait_for_load_state("networkidle")
    box = page.locator("#geocoder-q")
    box.press_sequentially("rue de la gare", delay=30)
    box.press("Enter")
    page.wait_for_timeout(600)  # past the typing pause
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(re.compile(r"[?&]q=rue"))
    assert failed == []
