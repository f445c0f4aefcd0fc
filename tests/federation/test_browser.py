"""The network pages in a browser: a remote commons with its origin, the
network page an administrator sees, the accounts page (FR and EN)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fabrique.catalog.models import Commons
from fabrique.federation import harvest
from fabrique.federation.models import HarvestSource
from tests.browser.steps import shoot_both_languages
from tests.catalog.factories import make_user
from tests.federation.feeds import REMOTE, description, feed_url, item
from tests.federation.feeds import page as page_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser_page, username: str) -> None:
    browser_page.goto(browser_page.base_url + "/accounts/connexion/")
    browser_page.fill("input[name=username]", username)
    browser_page.fill("input[name=password]", "a-long-test-password")
    browser_page.keyboard.press("Enter")
    browser_page.wait_for_load_state("networkidle")


def test_network_pages(page, recorded, screenshot_dir):
    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    shared = item(1, "velos", title="Vélos partagés du Québec")
    shared["contributors"][0]["uri"] = f"{REMOTE}/accounts/membres/marie/"
    recorded.add(feed_url(0), page_of([shared]))
    harvest.run_source(
        HarvestSource.objects.create(name="Québec", url=REMOTE, kind="fabrique")
    )
    make_user("admin", is_superuser=True, is_staff=True)
    sign_in(page, "admin")

    slug = Commons.objects.get().slug
    page.goto(f"{page.base_url}/communs/{slug}/")
    expect(page.locator(".notice.origin")).to_be_visible()
    shoot_both_languages(page, screenshot_dir, "network-remote-commons")

    page.goto(f"{page.base_url}/reseau/")
    expect(page.locator("h1")).to_be_visible()
    shoot_both_languages(page, screenshot_dir, "network")

    page.goto(f"{page.base_url}/reseau/comptes/")
    page.fill("#links", "https://quebec.example/accounts/membres/admin/")
    page.keyboard.press("Enter")
    expect(page.locator("#made-claim")).to_be_visible()
    shoot_both_languages(page, screenshot_dir, "network-accounts")
