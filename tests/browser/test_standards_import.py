"""Import a publiccode.yml and an OKH manifest through the preview page, then
export the new commons in its format. Elements are found by id or address."""

from __future__ import annotations

import tomllib

import pytest
from django.urls import reverse

from fabrique.catalog.models import Commons
from fabrique.standards import okh, publiccode
from tests.browser.factories import make_user
from tests.browser.steps import log_in, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOFTWARE = {
    "title": "Calculateur d'itinéraires",
    "summary": "Calcule des itinéraires multimodaux.",
    "licence": "EUPL-1.2",
    "repository_url": "https://example.org/calculateur.git",
    "tags": ["fleet-management"],
    "maturity": "beta",
}
HARDWARE = {
    "title": "Remorque cargo",
    "summary": "Une remorque à construire soi-même.",
    "licence": "CERN-OHL-S-2.0",
    "repository_url": "https://example.org/remorque",
    "maturity": "prototype",
    "contacts": [{"name": "Atelier"}],
}


def import_file(page, name: str, text: str) -> Commons:
    page.goto(url(page, "catalog:commons_import"))
    page.locator("#id_file").set_input_files(
        files=[{"name": name, "mimeType": "text/plain", "buffer": text.encode()}]
    )
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_load_state()
    confirm = page.locator("form:has(input[value=apply]) button[type=submit]")
    confirm.focus()
    page.keyboard.press("Enter")  # the confirmation works from the keyboard
    importer = reverse("catalog:commons_import")
    page.wait_for_url(lambda address: importer not in address)
    return Commons.objects.get(slug=page.url.rstrip("/").rsplit("/", 1)[-1])


def test_import_then_export_publiccode_and_okh(page) -> None:
    make_user("importer")
    log_in(page, "importer")

    commons = import_file(page, "publiccode.yml", publiccode.from_commons(SOFTWARE))
    assert commons.kind == "software"
    assert commons.title == SOFTWARE["title"]
    link = page.locator(f"a[href='/communs/{commons.slug}/publiccode.yml']")
    exported = page.request.get(page.base_url + link.get_attribute("href"))
    assert exported.ok
    assert publiccode.validate(exported.body()) == []
    fields, _ = publiccode.to_commons(exported.body())
    assert fields["licence"] == "EUPL-1.2"
    assert fields["repository_url"] == SOFTWARE["repository_url"]

    thing = import_file(page, "okh.toml", okh.from_commons(HARDWARE))
    assert thing.kind == "hardware"
    link = page.locator(f"a[href='/communs/{thing.slug}/okh.toml']")
    exported = page.request.get(page.base_url + link.get_attribute("href"))
    assert exported.ok
    manifest = tomllib.loads(exported.text())
    assert manifest["name"] == HARDWARE["title"]
    assert manifest["license"] == "CERN-OHL-S-2.0"
    assert manifest["technology-readiness-level"] == "OTRL-4"
