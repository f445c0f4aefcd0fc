"""The configurator from the browser: build a vehicle, read a problem's
reason, fix it, save the vehicle and download its BOM CSV and OKH manifest.
The configurator, the vehicle and a module page are shot in French and
English. Elements are found by id, name or data attributes, not by text."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from fabrique.accounts.models import User
from fabrique.vehicles.demo import load
from fabrique.vehicles.models import Configuration, Module
from tests.browser.steps import shoot_both_languages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"


def slug(title: str) -> str:
    return Module.objects.get(commons__title=title).commons.slug


def tick(page, title: str, *, on: bool = True) -> None:
    box = page.locator(f"#m-{slug(title)}")
    with page.expect_response(lambda r: "configurateur" in r.url):
        box.check() if on else box.uncheck()


def test_build_a_vehicle_fix_its_problem_and_export_it(page, screenshot_dir):
    user = User.objects.create_user(
        username="vera", password=PASSWORD, charter_accepted_at=timezone.now()
    )
    load(user)
    page.goto(page.base_url + reverse("accounts:login"))
    page.locator("#id_username").fill("vera")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()

    page.goto(page.base_url + reverse("vehicles:configurator"))
    with page.expect_response(lambda r: "configurateur" in r.url):
        page.locator("#platform").select_option(slug("Plateforme triporteur XD-3"))
    for title in ("Batterie 36 V 10 Ah", "Moteur-roue arrière 500 W",
                  "Éclairage avant/arrière EnergyBus",
                  "Freins hydrauliques 2 pistons"):  # fmt: skip
        tick(page, title)
    problem = page.locator("#analysis li.problem").first
    expect(problem).to_contain_text("30–42 V")
    expect(problem).to_contain_text("42–60 V")
    tick(page, "Batterie 36 V 10 Ah", on=False)
    tick(page, "Batterie EnergyBus 48 V 14 Ah")
    expect(page.locator("#analysis .ok-title")).to_be_visible()
    expect(page.locator("#analysis li.problem")).to_have_count(0)

    page.locator("#title").fill("Triporteur de Vera")
    with page.expect_navigation():
        page.locator("button[formaction$='enregistrer/']").click()
    vehicle = Configuration.objects.get(commons__title="Triporteur de Vera")
    assert page.url.endswith(vehicle.get_absolute_url())
    expect(page.locator(".ok-title")).to_be_visible()
    shoot_both_languages(page, screenshot_dir, "vehicle-configuration")

    with page.expect_download() as csv_download:
        page.locator("a[href$='nomenclature.csv']").click()
    text = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("reference,name,quantity")
    assert "CELL-21700" in text
    assert text.splitlines()[-1].startswith("TOTAL,")
    with page.expect_download() as okh_download:
        page.locator("a[href$='okh.toml']").click()
    manifest = tomllib.loads(
        Path(okh_download.value.path()).read_text(encoding="utf-8")
    )
    assert manifest["okhv"] == "OKH-LOSHv1.0"
    assert manifest["name"] == "Triporteur de Vera"
    assert len(manifest["part"]) == 5

    broken = Configuration.objects.get(commons__title__contains="36 V")
    page.goto(page.base_url + reverse("vehicles:configurator") + f"?from={broken.slug}")
    expect(page.locator("#analysis li.problem").first).to_be_visible()
    shoot_both_languages(page, screenshot_dir, "vehicle-configurator-problem")
    page.goto(page.base_url + Module.objects.get(
        commons__title="Batterie EnergyBus 48 V 14 Ah").get_absolute_url())  # fmt: skip
    shoot_both_languages(page, screenshot_dir, "vehicle-module")
    page.goto(page.base_url + reverse("vehicles:catalogue") + "?kind=battery")
    expect(page.locator("table.vehicle-table tbody tr")).to_have_count(3)
    shoot_both_languages(page, screenshot_dir, "vehicle-catalogue")
