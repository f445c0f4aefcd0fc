"""From the browser, with the keyboard: a member turns a hardware commons
they hold into a vehicle module, adds a port (a unit error is explained, then
fixed) and a part; the interface types page and the version form are shot in
French and English. Elements are found by id or name, not by text."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from fabrique.accounts.models import User
from fabrique.catalog import services as catalog
from fabrique.vehicles import services
from fabrique.vehicles.models import InterfaceType, Module
from tests.browser.steps import shoot_both_languages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"


def test_create_a_module_with_a_port_and_a_part(page, screenshot_dir):
    user = User.objects.create_user(
        username="vera", password=PASSWORD, charter_accepted_at=timezone.now()
    )
    services.seed_interface_types()
    frame = catalog.create_commons(
        user=user,
        data={
            "title": "Porte-bagage ouvert",
            "summary": "Un porte-bagage arrière pour vélo cargo.",
            "kind": "hardware",
            "licence": "CERN-OHL-S-2.0",
        },
    )
    page.goto(page.base_url + reverse("accounts:login"))
    page.locator("#id_username").fill("vera")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()

    # The catalogue offers the member's hardware commons.
    page.goto(page.base_url + reverse("vehicles:catalogue"))
    edit = reverse("vehicles:module_edit", args=[frame.slug])
    page.locator(f"a[href='{edit}']").click()
    page.wait_for_load_state()
    page.locator("#kind").select_option("cargo")
    page.locator("#mass").fill("2400")
    page.locator("#mass_unit").fill("g")
    page.locator("#cost").fill("65")
    with page.expect_navigation():
        page.locator("#cost").press("Enter")
    module = Module.objects.get(commons=frame)
    assert (module.kind, module.mass_unit) == ("cargo", "g")

    # A port: the interface type's parameters come with htmx.
    clamp = InterfaceType.objects.get(key="tube-clamp")
    page.locator("#new-port-name").fill("fixation")
    with page.expect_response(lambda r: "modifier" in r.url):
        page.locator("#new-port-interface").select_option(str(clamp.pk))
    expect(page.locator("#new-param-diameter")).to_be_visible()
    page.locator("#new-port-role").select_option("guest")
    page.locator("#new-param-diameter").fill("22..26 V")
    page.locator("#new-param-width").fill("3 cm")
    page.locator("#new-param-load").fill("25 kg")
    with page.expect_navigation():
        page.locator("#new-param-load").press("Enter")
    error = page.locator("#port-error")
    expect(error).to_contain_text("diamètre")  # the parameter, named in French
    expect(error).to_contain_text("mm")
    shoot_both_languages_keep(page, screenshot_dir, "vehicle-module-edit-error")
    page.locator("#new-param-diameter").fill("0.87..1 in")
    with page.expect_navigation():
        page.locator("#new-param-diameter").press("Enter")
    port = module.ports.get()
    assert port.name == "fixation"
    assert port.params["diameter"]["unit"] == "in"

    # A part.
    page.locator("#part-new-name").fill("Tube acier 16 mm")
    page.locator("#part-new-quantity").fill("1.8")
    page.locator("#part-new-unit").fill("m")
    page.locator("#part-new-source").fill("Atelier de la Fabrique")
    with page.expect_navigation():
        page.locator("#part-new-source").press("Enter")
    part = module.parts.get()
    assert (part.name, part.unit) == ("Tube acier 16 mm", "m")
    shoot_both_languages(page, screenshot_dir, "vehicle-module-edit")

    page.goto(page.base_url + module.get_absolute_url())
    expect(page.locator(f"a[href='{edit}']")).to_be_visible()
    page.goto(page.base_url + reverse("vehicles:interfaces"))
    expect(page.locator("#it-energybus-power")).to_be_visible()
    shoot_both_languages(page, screenshot_dir, "vehicle-interfaces")
    page.goto(
        page.base_url + reverse("vehicles:interface_propose", args=["tube-clamp"])
    )
    page.locator("#version").fill("1.1")
    shoot_both_languages(page, screenshot_dir, "vehicle-interface-propose")


def shoot_both_languages_keep(page, folder, name: str) -> None:
    """Screenshots of a page that was answered to a POST (reloading would
    post again): the French one now, then the English one by resubmitting."""
    page.screenshot(path=str(folder / f"{name}-fr.png"), full_page=True)
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": page.base_url}]
    )
    with page.expect_navigation():
        page.locator("#new-param-load").press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.screenshot(path=str(folder / f"{name}-en.png"), full_page=True)
    page.context.add_cookies(
        [{"name": "django_language", "value": "fr", "url": page.base_url}]
    )
    with page.expect_navigation():
        page.locator("#new-param-load").press("Enter")
