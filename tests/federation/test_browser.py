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


def test_administrators_manage_harvest_sources_with_the_keyboard(
    page, recorded, screenshot_dir, settings, monkeypatch
):
    import socket

    from fabrique.federation.models import HarvestRun
    from fabrique.transport import services as transport
    from tests.browser.keyboard import tab_through, unlabelled_controls

    hosts = {"quebec.example": "8.8.8.8", "lan.example": "10.0.0.7"}

    def resolve(host, port, **kwargs):
        if host not in hosts:
            raise socket.gaierror(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (hosts[host], port))]

    monkeypatch.setattr(transport, "resolve", resolve)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    recorded.add(feed_url(0), page_of([item(1, "velos", title="Vélos du Québec")]))
    make_user("admin", is_superuser=True, is_staff=True)
    sign_in(page, "admin")

    page.goto(f"{page.base_url}/reseau/")
    page.locator("main a[href='/reseau/sources/']").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/reseau/sources/")
    page.locator("main a[href='/reseau/sources/ajouter/']").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/reseau/sources/ajouter/")
    assert unlabelled_controls(page) == []
    shoot_both_languages(page, screenshot_dir, "network-source-form")

    # Typed as a person would: a private address first, refused with the reason.
    page.locator("#id_name").focus()
    page.keyboard.type("Québec")
    page.keyboard.press("Tab")
    page.keyboard.type("https://lan.example/")
    page.keyboard.press("Enter")
    expect(page.locator(".form-error")).to_have_count(1)
    expect(page.locator(".field:has(#id_url) .form-error")).to_contain_text(
        "lan.example"
    )
    page.locator("#id_url").fill("")
    page.locator("#id_url").focus()
    page.keyboard.type(REMOTE)
    page.keyboard.press("Enter")
    page.wait_for_url("**/reseau/sources/")
    source = HarvestSource.objects.get()
    row = page.locator(f"#source-{source.pk}")
    expect(row).to_be_visible()

    focused = tab_through(page)
    assert focused.count("mode") == 2  # "Run now" and "Dry run" are reached
    row.locator("button[value=run]").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(row.locator(".badge.ok")).to_be_visible()
    assert HarvestRun.objects.get().created == 1
    assert Commons.objects.get().title == "Vélos du Québec"
    shoot_both_languages(page, screenshot_dir, "network-sources")

    row.locator(".danger-link").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/supprimer/")
    shoot_both_languages(page, screenshot_dir, "network-source-delete")
    page.locator("main button.danger").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/reseau/sources/")
    assert not HarvestSource.objects.exists()
    assert Commons.objects.count() == 1


def test_a_profile_shows_roles_and_badges_on_the_linked_instance(
    page, recorded, screenshot_dir
):
    from fabrique.federation import people
    from fabrique.federation.models import LinkedAccount

    there = f"{REMOTE}/accounts/membres/marie/"
    linked = LinkedAccount.objects.create(
        user=make_user("marie"), actor_uri=there, instance_url=REMOTE
    )
    recorded.add(f"{REMOTE}/.well-known/fabrique-instance", description())
    shared = item(1, "velos", title="Vélos partagés du Québec")
    shared["ledger"] = [
        {"kind": "code", "description": "Le lecteur GBFS", "at": "2026-01-01",
         "contributor": {"uri": there, "name": "Marie"}}
    ]  # fmt: skip
    recorded.add(feed_url(0), page_of([shared]))
    recorded.add(
        people.document_url(linked),
        {
            "uri": there,
            "roles": [
                {
                    "commons": f"{REMOTE}/communs/velos/",
                    "role": "holder",
                    "title": "Vélos partagés du Québec",
                },
                {
                    "commons": f"{REMOTE}/communs/bornes/",
                    "role": "contributor",
                    "title": "Bornes de recharge",
                },
            ],
            "badges": [
                {
                    "name": "Cartographe",
                    "issuer": "Fabrique Québec",
                    "issued": "2026-02-03T10:00:00+00:00",
                    "url": f"{REMOTE}/badges/attributions/abc/",
                },
            ],
        },
    )
    harvest.run_source(
        HarvestSource.objects.create(name="Québec", url=REMOTE, kind="fabrique")
    )
    sign_in(page, "marie")
    page.goto(f"{page.base_url}/accounts/profil/")
    section = page.locator("section.linked-accounts")
    expect(section).to_contain_text("Cartographe")
    expect(section.locator(f"a[href='{REMOTE}/communs/bornes/']")).to_be_visible()
    local = Commons.objects.get().get_absolute_url()
    expect(section.locator(f"a[href='{local}']")).to_be_visible()
    expect(page.locator("#elsewhere + ul")).to_contain_text("Le lecteur GBFS")
    section.scroll_into_view_if_needed()
    shoot_both_languages(page, screenshot_dir, "network-profile")
