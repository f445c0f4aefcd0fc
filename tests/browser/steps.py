"""Steps of a visitor's journey, shared by the journey and screenshot tests.

Elements are found by role, id or address, never by translated text, so the
steps work in French (the default) and in English.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.factories import PASSWORD


def url(page, name: str, *args) -> str:
    return page.base_url + reverse(name, args=args)


def search_from_home(page, query: str) -> None:
    """Type ``query`` in the home page's search box and submit it."""
    page.goto(page.base_url + "/")
    page.locator("#home-q").fill(query)
    page.locator("#home-q").press("Enter")
    page.wait_for_url("**" + reverse("catalog:commons_list") + "?q=*")


def results(page):
    """The links of the commons in the search results."""
    return page.locator("#search-results").get_by_role("link")


def sign_up(page, username: str, *, accept_charter: bool = True) -> None:
    """Fill and send the sign-up form from the header link."""
    page.locator(f"header a[href='{reverse('accounts:signup')}']").click()
    page.locator("#id_username").fill(username)
    page.locator("#id_email").fill(f"{username}@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_accept_charter").set_checked(accept_charter)
    page.locator("form[action$='/inscription/'] button[type=submit]").click()
    page.wait_for_load_state()
    if accept_charter:
        confirm_email(page)


def confirm_email(page) -> None:
    """Follow the link of the last sign-up e-mail, as the new member would."""
    found = re.search(r"https?://\S+/inscription/confirmer/\S+", mail.outbox[-1].body)
    assert found, "no confirmation link in the sign-up e-mail"
    page.goto(found.group(0))
    page.wait_for_load_state()


def log_in(page, username: str) -> None:
    page.goto(url(page, "accounts:login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def open_edit_form(page, slug: str) -> None:
    page.goto(url(page, "catalog:commons", slug))
    page.locator(f"a[href='{reverse('catalog:commons_edit', args=[slug])}']").click()
    page.wait_for_url("**" + reverse("catalog:commons_edit", args=[slug]))


def submit_edit(page, *, summary: str, comment: str):
    """Change the summary in the open edit form and save; return the response."""
    page.locator("#id_summary").fill(summary)
    page.locator("#id_comment").fill(comment)
    with page.expect_navigation() as navigation:
        page.locator("form.edit-form button[type=submit]").click()
    return navigation.value


def switch_language(page, code: str) -> None:
    page.locator(f"form.lang-switch button[value='{code}']").click()
    page.wait_for_function(f"document.documentElement.lang === '{code}'")


def csp_violations(page) -> list[str]:
    """Content Security Policy violations logged by ``page``, as they come."""
    heard: list[str] = []
    page.on(
        "console",
        lambda m: heard.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return heard


def console_errors(page) -> list[str]:
    """Console errors and uncaught exceptions of ``page``, as they come."""
    heard: list[str] = []
    page.on(
        "console",
        lambda m: heard.append(f"{m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda error: heard.append(f"exception: {error}"))
    return heard


def record_requests(page) -> list[str]:
    """Every address ``page`` asks for, as it goes."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def only_local(urls: list[str], base: str) -> list[str]:
    """The requests that went anywhere but the live server."""
    return [u for u in urls if not u.startswith((base, "data:"))]


def shoot_both_languages(page, folder: Path, name: str) -> None:
    """Screenshots of the page in French and in English: ``name-{fr,en}.png``;
    the page is left in French."""
    for language in ("fr", "en"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": page.base_url}]
        )
        page.reload()
        page.wait_for_load_state("networkidle")
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.screenshot(path=str(folder / f"{name}-{language}.png"), full_page=True)
    page.context.add_cookies(
        [{"name": "django_language", "value": "fr", "url": page.base_url}]
    )
