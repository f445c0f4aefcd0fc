"""Check a DCAT-AP catalogue from the keyboard on the metadata check page, in
French and English; writes ``docs/screenshots/metadata-check-{fr,en}.png``."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from fabrique.standards import dcat, shacl
from tests.browser.keyboard import unlabelled_controls
from tests.browser.steps import csp_violations
from tests.standards.dcat_samples import catalog, data_commons

pytestmark = [
    pytest.mark.browser,
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def shapes(shared_data: Path, monkeypatch) -> Path:
    try:
        folder = shacl.standards_dir(shared_data / "standards")
    except shacl.ShapesMissing as exc:
        pytest.skip(f"standards shapes not found: {exc}")
    monkeypatch.setenv(shacl.ENV, str(folder))
    return folder


def broken_catalogue() -> str:
    """A catalogue whose dataset lost its description."""
    graph = dcat.catalog_graph(catalog([data_commons()]))
    graph.remove((URIRef(data_commons()["uri"]), DCTERMS.description, None))
    return dcat.serialise(graph).decode()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_catalogue_is_checked_from_the_keyboard(
    page, shapes, screenshot_dir, language
) -> None:
    refused = csp_violations(page)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": page.base_url}]
    )
    page.goto(page.base_url + "/communs/valider/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert unlabelled_controls(page) == []

    page.locator("#id_file").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#id_text")).to_be_focused()
    page.keyboard.insert_text(broken_catalogue())
    page.keyboard.press("Tab")
    expect(page.locator("#id_format")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("form.validate-form button[type=submit]")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    rows = page.locator("#findings tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() == 1
    cells = rows.first.locator("td")
    expect(cells.nth(1)).to_contain_text("communs/compteurs-velo/")
    expect(cells.nth(2)).to_have_text("dct:description")
    expect(cells.nth(3)).to_contain_text(
        "Au moins 1 valeur est requise ici."
        if language == "fr"
        else "At least 1 value is required here."
    )
    expect(page.locator("#check-verdict")).to_contain_text(
        "1 erreur" if language == "fr" else "1 error"
    )
    assert refused == []
    page.wait_for_load_state("networkidle")
    page.screenshot(
        path=str(screenshot_dir / f"metadata-check-{language}.png"), full_page=True
    )
