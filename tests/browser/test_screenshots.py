"""Screenshots of the main pages, with the demo content, for the README and docs.

Writes ``docs/screenshots/{home,list,commons,diff,conflict}.png``. Run alone
with ``pytest -m screenshots``; ``pytest -m browser`` runs it too.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse
from playwright.sync_api import expect

from fabrique.catalog.demo import DEMO_PASSWORD, DEMO_USERNAME, load_demo
from fabrique.catalog.models import Commons
from fabrique.catalog.services import update_commons

pytestmark = [
    pytest.mark.browser,
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def demo():
    assert load_demo()


def shoot(page, directory, name: str) -> None:
    # Wait for fonts and htmx swaps to settle before taking the picture.
    page.wait_for_load_state("networkidle")
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def richest_commons() -> Commons:
    """The demo commons with the largest community and most open needs."""
    return (
        Commons.objects.filter(hidden=False)
        .annotate(
            members=Count("memberships", filter=Q(memberships__status="active"),
                          distinct=True),
            open_needs=Count("needs", filter=Q(needs__status="open"), distinct=True),
        )
        .order_by("-members", "-open_needs", "pk")
        .first()
    )  # fmt: skip


def test_screenshots_of_the_main_pages(page, demo, screenshot_dir):
    page.goto(page.base_url + "/")
    expect(page.locator(".card-grid")).to_be_visible()
    shoot(page, screenshot_dir, "home")

    page.goto(page.base_url + reverse("catalog:commons_list") + "?q=velo")
    expect(page.locator(".hit").first).to_be_visible()
    shoot(page, screenshot_dir, "list")

    commons = richest_commons()
    page.goto(page.base_url + commons.get_absolute_url())
    expect(page.locator("h1")).to_have_text(commons.title)
    shoot(page, screenshot_dir, "commons")

    edited = Commons.objects.filter(revision__gte=2).order_by("-revision", "pk").first()
    if edited is None:  # the demo has revisions; make one if it ever has none
        edited = commons
        update_commons(
            edited,
            user=get_user_model().objects.get(username=DEMO_USERNAME),
            data={"summary": edited.summary + " Mis à jour par la communauté."},
            base_revision=edited.revision,
            comment="Précise le résumé",
        )
        edited.refresh_from_db()
    diff = reverse("catalog:commons_diff", args=[edited.slug])
    page.goto(page.base_url + f"{diff}?from={edited.revision - 1}&to={edited.revision}")
    expect(page.locator("table.diff-table")).to_be_visible()
    shoot(page, screenshot_dir, "diff")

    page.goto(page.base_url + reverse("accounts:login"))
    page.locator("#id_username").fill(DEMO_USERNAME)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(page.base_url + reverse("catalog:commons_edit", args=[commons.slug]))
    someone_else = (
        get_user_model()
        .objects.exclude(username=DEMO_USERNAME)
        .filter(deleted=False, is_active=True)
        .order_by("pk")
        .first()
    )
    update_commons(
        commons,
        user=someone_else,
        data={"summary": commons.summary.rstrip(".") + ", à l'échelle du département."},
        base_revision=commons.revision,
        comment="Élargit au département",
    )
    page.locator("#id_summary").fill(
        page.locator("#id_summary").input_value().rstrip(".")
        + ", avec les collectivités partenaires."
    )
    page.locator("#id_comment").fill("Ajoute les collectivités")
    with page.expect_navigation() as conflict:
        page.locator("form.edit-form button[type=submit]").click()
    assert conflict.value.status == 409
    shoot(page, screenshot_dir, "conflict")
