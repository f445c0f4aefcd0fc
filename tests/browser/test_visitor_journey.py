"""A new visitor's journey through the portal, in a real browser.

Search "velo", open a commons, sign up accepting the charter, complete the
commons, see the revision and its diff, meet an edit conflict made from a
second browser, merge, and read the site in English.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from fabrique.core.models import Revision
from tests.browser import steps
from tests.browser.factories import make_catalogue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue():
    return make_catalogue()


def test_searching_velo_without_accent_finds_the_cargo_bike(page, catalogue):
    steps.search_from_home(page, "velo")

    expect(steps.results(page).filter(has_text="Vélo cargo ouvert")).to_have_count(1)
    expect(steps.results(page).filter(has_text="Horaires GTFS")).to_have_count(0)


def test_typing_in_the_list_search_updates_results_without_reloading(page, catalogue):
    steps.search_from_home(page, "velo")
    page.evaluate("window.__same_document = true")

    page.locator("#search-q").fill("gtfs")

    expect(steps.results(page).filter(has_text="Horaires GTFS")).to_have_count(1)
    expect(steps.results(page).filter(has_text="Vélo cargo ouvert")).to_have_count(0)
    assert page.evaluate("window.__same_document") is True
    expect(page).to_have_url(re.compile(r"[?&]q=gtfs"))


def test_sign_up_is_refused_until_the_charter_is_accepted(page, catalogue):
    page.goto(page.base_url + "/")

    steps.sign_up(page, "alix", accept_charter=False)

    expect(page.locator("#id_accept_charter")).not_to_be_checked()
    expect(page.locator(".has-error #id_accept_charter")).to_have_count(1)
    assert not page.context.cookies() or all(
        cookie["name"] != "sessionid" for cookie in page.context.cookies()
    )


def test_new_visitor_signs_up_edits_a_commons_and_sees_the_diff(page, catalogue):
    cargo = catalogue["cargo"]
    steps.search_from_home(page, "velo")
    steps.results(page).filter(has_text="Vélo cargo ouvert").click()
    expect(page.locator("h1")).to_have_text("Vélo cargo ouvert")

    steps.sign_up(page, "alix")
    profile = page.locator(f"header a[href='{reverse('accounts:profile')}']")
    expect(profile).to_contain_text("alix")

    steps.open_edit_form(page, cargo.slug)
    response = steps.submit_edit(
        page,
        summary="Les plans libres d'un vélo cargo biporteur à fabriquer en atelier.",
        comment="Précise le modèle",
    )
    assert response.status == 200
    expect(page.locator(".commons-page .lead")).to_contain_text("biporteur")
    expect(page.locator(".messages")).to_be_visible()

    page.locator(
        f"a[href='{reverse('catalog:commons_history', args=[cargo.slug])}']"
    ).click()
    history = page.locator("table.history tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("alix")
    expect(history.first).to_contain_text("Précise le modèle")
    page.locator("form.history-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"comparer/\?(?=.*from=1)(?=.*to=2)"))
    summary_row = page.locator("table.diff-table tbody tr").filter(
        has=page.locator("ins", has_text="biporteur")
    )
    expect(summary_row).to_have_count(1)
    # Word level: the unchanged words of the summary are not marked.
    expect(summary_row.locator("ins")).not_to_contain_text("atelier")


def test_fields_left_untouched_in_the_form_are_not_in_the_diff(page, catalogue):
    cargo = catalogue["cargo"]
    steps.log_in(page, "camille")
    steps.open_edit_form(page, cargo.slug)
    steps.submit_edit(page, summary="Un autre résumé du vélo cargo.", comment="")

    page.goto(steps.url(page, "catalog:commons_diff", cargo.slug) + "?from=1&to=2")

    expect(page.locator("table.diff-table tbody tr")).to_have_count(1)


def test_a_stale_save_from_another_browser_gets_the_conflict_page(
    page, other_page, catalogue
):
    cargo = catalogue["cargo"]
    make_user("dominique")
    steps.log_in(page, "camille")
    steps.log_in(other_page, "dominique")
    steps.open_edit_form(page, cargo.slug)
    steps.open_edit_form(other_page, cargo.slug)

    first = steps.submit_edit(
        other_page,
        summary="Plans libres d'un vélo cargo, testés par trois ateliers.",
        comment="Ateliers",
    )
    assert first.status == 200
    second = steps.submit_edit(
        page,
        summary="Plans libres d'un vélo cargo électrique à assistance.",
        comment="Assistance",
    )

    assert second.status == 409
    table = page.locator("table.conflict-table")
    expect(table).to_contain_text("trois ateliers")
    expect(table).to_contain_text("assistance")
    expect(page.locator(".state-both")).to_have_count(1)
    # Nothing was lost or overwritten: the first save stands, the second waits.
    cargo.refresh_from_db()
    assert cargo.revision == 2
    assert "trois ateliers" in cargo.summary

    page.locator("#id_summary").fill(
        "Plans libres d'un vélo cargo électrique, testés par trois ateliers."
    )
    with page.expect_navigation() as merged:
        page.locator("section.merge button[type=submit]").click()
    assert merged.value.status == 200
    cargo.refresh_from_db()
    assert cargo.revision == 3
    assert cargo.summary.endswith("testés par trois ateliers.")
    numbers = Revision.objects.filter(object_id=cargo.pk).values_list(
        "number", flat=True
    )
    assert sorted(numbers) == [1, 2, 3]


def test_the_site_switches_to_english_and_stays_there(page, catalogue):
    cargo = catalogue["cargo"]
    page.goto(steps.url(page, "catalog:commons", cargo.slug))
    assert page.locator("html").get_attribute("lang") == "fr"
    french_nav = page.locator("header nav").inner_text()

    steps.switch_language(page, "en")

    expect(page).to_have_url(re.compile(re.escape(cargo.slug)))
    expect(page.locator("h2#about")).to_have_text("About")
    assert page.locator("header nav").inner_text() != french_nav
    page.goto(steps.url(page, "catalog:commons_list"))
    assert page.locator("html").get_attribute("lang") == "en"
    steps.switch_language(page, "fr")
    expect(page.locator("h1")).to_have_text("Communs")
