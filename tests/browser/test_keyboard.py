"""Keyboard use: the skip link first, every form control reachable and labelled."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import steps
from tests.browser.factories import make_catalogue
from tests.browser.keyboard import tab_through, unlabelled_controls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue():
    return make_catalogue()


def test_the_first_tab_reaches_a_visible_skip_link_that_jumps_to_content(page):
    page.goto(page.base_url + "/")

    page.keyboard.press("Tab")

    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["y"] >= 0
    assert box["width"] > 20
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    focused_in_main = page.evaluate(
        "document.querySelector('main').contains(document.activeElement)"
    )
    assert focused_in_main


@pytest.mark.parametrize(
    ("name", "signed_in"),
    [
        ("home", False),
        ("catalog:commons_list", False),
        ("accounts:signup", False),
        ("accounts:login", False),
        ("catalog:commons_edit", True),
        ("catalog:commons_create", True),
        ("catalog:commons_import", True),
    ],
)
def test_every_form_control_is_labelled_and_reachable_by_tab(
    page, catalogue, name, signed_in
):
    if signed_in:
        steps.log_in(page, "camille")
    args = [catalogue["cargo"].slug] if name == "catalog:commons_edit" else []
    page.goto(page.base_url + reverse(name, args=args))

    assert unlabelled_controls(page) == []
    controls = page.evaluate(
        "[...document.querySelectorAll('main input:not([type=hidden]),"
        " main select, main textarea')]"
        ".filter(el => el.offsetParent !== null && !el.disabled)"
        ".map(el => el.id || el.name)"
    )
    assert controls, "the page should have a form"
    reached = tab_through(page)
    missing = [control for control in controls if control not in reached]
    assert missing == []


def test_search_results_can_be_opened_with_the_keyboard_alone(page, catalogue):
    page.goto(page.base_url + "/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "home-q":
            break
    page.keyboard.type("velo")
    page.keyboard.press("Enter")
    page.wait_for_url("**?q=velo")

    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Vélo cargo ouvert":
            break
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text("Vélo cargo ouvert")
