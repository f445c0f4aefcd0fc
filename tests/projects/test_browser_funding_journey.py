"""The ledger and funding from the site, as people would use them: a
contributor records a contribution to a commons, its holder confirms it from
the queue, and it shows on the commons' ledger page and the contributor's
profile with who confirmed it; a funder pledges, pays part of the pledge as a
grant, the holder acknowledges the grant and records an expense with a
receipt; the commons' page then shows what is still pledged, granted, spent
and the balance.

Driven in headless Chromium against a live server, mostly from the keyboard;
elements are found by address, id or name, never by translated text. The
ledger page and the funder's page are shot in French and in English.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from fabrique.projects.models import Contribution, Expense, Funding
from tests.browser.steps import shoot_both_languages
from tests.catalog.factories import make_actor, make_commons, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base_url + reverse("accounts:login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()


def press_submit(page, action: str) -> None:
    """Focus the submit button of the form sent to ``action``; press Enter."""
    button = page.locator(f"form[action='{action}'] button[type=submit]").first
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def open_details(page, action: str) -> None:
    """Open the folded form sent to ``action`` from the keyboard."""
    summary = page.locator(f"details:has(form[action='{action}']) > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"form[action='{action}']")).to_be_visible()


def figures(page) -> list[Decimal]:
    """The first currency's row of the money table: still pledged, granted,
    received, spent, balance (read whatever the language's decimal mark)."""
    cells = page.locator("table.money-figures tbody tr").first.locator("td")
    return [
        Decimal(text.replace("\u202f", "").replace(" ", "").replace(",", "."))
        for text in cells.all_inner_texts()
    ]


def test_a_contribution_confirmed_and_money_followed_from_pledge_to_expense(
    page, other_page, screenshot_dir, tmp_path
):
    holder = make_user("hugo", display_name="Hugo Martin")
    make_user("lea", display_name="Léa Dubois")
    banker = make_user("banquiere", display_name="Bérénice Caisse")
    commons = make_commons(user=holder, title="Vélos partagés de Villeurbanne")
    funder = make_actor(user=banker, name="Fondation Mobilités", type="funder")
    ledger_url = reverse("projects:commons_contributions", args=[commons.slug])

    # A contributor records what she gave, from the commons' ledger page.
    log_in(page, "lea")
    page.goto(page.base_url + ledger_url)
    page.locator("#id_kind").select_option("code")
    page.locator("#id_description").fill("Import des stations GBFS")
    page.locator("#id_evidence_url").fill("https://forge.example.org/velos/merge/12")
    with page.expect_navigation():
        page.locator("#id_evidence_url").press("Enter")
    entry = Contribution.objects.get(contributor__username="lea")
    assert entry.status == "pending"

    # The holder confirms it from his queue.
    log_in(other_page, "hugo")
    other_page.goto(other_page.base_url + reverse("projects:contribution_queue"))
    expect(other_page.locator(f"#contribution-{entry.pk}")).to_be_visible()
    press_submit(
        other_page, reverse("projects:contribution_step", args=[entry.pk, "confirmed"])
    )
    entry.refresh_from_db()
    assert entry.status == "confirmed"
    assert entry.confirmed_by == holder

    # It shows, with who confirmed it, on the commons' page and her profile.
    page.goto(page.base_url + ledger_url)
    row = page.locator("#entries-title + table tbody tr", has_text="GBFS")
    expect(row).to_contain_text("Hugo Martin")
    page.goto(page.base_url + reverse("accounts:public_profile", args=["lea"]))
    expect(page.locator("main")).to_contain_text("Import des stations GBFS")
    expect(page.locator("main")).to_contain_text("Hugo Martin")
    # And in the export of the ledger, with who confirmed it and when.
    exported = page.request.get(
        page.base_url + f"/api/1/contributions/?commons={commons.slug}"
    ).json()
    (row_out,) = [r for r in exported["data"] if r["id"] == entry.pk]
    assert row_out["confirmed_by"]["username"] == "hugo"
    assert row_out["confirmed_at"]
    assert [s["action"] for s in row_out["history"]] == ["recorded", "confirmed"]

    # A funder pledges 5,000 EUR from the same page.
    log_in(page, "banquiere")
    page.goto(page.base_url + ledger_url)
    record = reverse("projects:funding_record", args=[commons.slug])
    open_details(page, record)
    page.locator("#id_funding-funder").select_option(str(funder.pk))
    page.locator("#id_funding-kind").select_option("pledge")
    page.locator("#id_funding-amount").fill("5000")
    page.locator("#id_funding-currency").select_option("EUR")
    page.locator("#id_funding-purpose").fill("Ateliers de réparation 2027")
    press_submit(page, record)
    pledge = Funding.objects.get(kind="pledge")
    assert pledge.created_by == banker

    # More than the pledge is refused with the reason, and nothing is stored.
    convert = reverse("projects:funding_convert", args=[pledge.pk])
    open_details(page, convert)
    page.locator(f"#id_convert-{pledge.pk}-amount").fill("6000")
    press_submit(page, convert)
    expect(page.locator(f"form[action='{convert}']")).to_contain_text("5000")
    assert not Funding.objects.filter(kind="grant").exists()
    # Then 3,000 of it is paid as a grant.
    page.locator(f"#id_convert-{pledge.pk}-amount").fill("3000")
    press_submit(page, convert)
    grant = Funding.objects.get(kind="grant")
    assert grant.pledge == pledge
    assert grant.acknowledged_at is None

    # The holder acknowledges the grant, then records an expense with a receipt.
    other_page.goto(other_page.base_url + ledger_url)
    press_submit(other_page, reverse("projects:funding_acknowledge", args=[grant.pk]))
    grant.refresh_from_db()
    assert grant.acknowledged_by == holder
    receipt = tmp_path / "facture-atelier.png"
    image = io.BytesIO()
    Image.new("RGB", (300, 200), (240, 240, 230)).save(image, "PNG")
    receipt.write_bytes(image.getvalue())
    spend = reverse("projects:funding_expense", args=[grant.pk])
    open_details(other_page, spend)
    prefix = f"#id_expense-{grant.pk}"
    other_page.locator(f"{prefix}-amount").fill("1200")
    other_page.locator(f"{prefix}-date").fill(datetime.date.today().isoformat())
    other_page.locator(f"{prefix}-purpose").fill("Outils de l'atelier")
    other_page.locator(f"{prefix}-receipt").set_input_files(str(receipt))
    press_submit(other_page, spend)
    expense = Expense.objects.get()
    assert expense.created_by == holder
    assert expense.receipt

    # Still pledged, granted, received, spent, balance — each amount once.
    other_page.goto(other_page.base_url + ledger_url)
    assert figures(other_page) == [
        Decimal("2000"), Decimal("3000"), Decimal("3000"), Decimal("1200"),
        Decimal("1800"),
    ]  # fmt: skip
    movements = other_page.locator("table.money-movements")
    expect(movements.locator(f"#expense-{expense.pk}")).to_contain_text("Hugo Martin")
    expect(movements.locator(f"#funding-{grant.pk}")).to_contain_text("Hugo Martin")
    expect(movements.locator(f"#funding-{pledge.pk}")).to_contain_text(
        "Bérénice Caisse"
    )
    link = movements.locator(f"#expense-{expense.pk} a[href*='receipts/']")
    answer = other_page.request.get(other_page.base_url + link.get_attribute("href"))
    assert answer.ok
    assert answer.body().startswith(b"\x89PNG")

    other_page.locator("#money").scroll_into_view_if_needed()
    shoot_both_languages(other_page, screenshot_dir, "funding-ledger")
    other_page.goto(other_page.base_url + funder.get_absolute_url())
    expect(other_page.locator("#funding-title")).to_be_visible()
    shoot_both_languages(other_page, screenshot_dir, "funding-funder")
