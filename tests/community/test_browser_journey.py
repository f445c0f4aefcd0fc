"""A need becomes a micro-challenge, fills up, and the 19th person waits.

Driven in headless Chromium against a live server, as people would; the
screenshots of the need and challenge pages land in ``docs/screenshots``.
Elements are found by address, id or name, never by translated text.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from fabrique.community import services
from fabrique.community.models import Challenge, Need
from tests.catalog.factories import make_user
from tests.community.factories import make_domain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"


def log_in(page, username: str) -> None:
    page.goto(page.base_url + reverse("accounts:login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def submit(page, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"form[action='{action}'] button[type=submit]").first.click()


def test_a_need_is_split_and_the_nineteenth_person_waits(
    page, other_page, screenshot_dir
):
    facilitator = make_user("camille", display_name="Camille")
    domain = make_domain(facilitator, name="Vélo partagé")
    make_user("amina", display_name="Amina")
    make_user("yanis", display_name="Yanis")

    # A field actor posts a need, written as a question.
    log_in(page, "amina")
    page.goto(page.base_url + domain.get_absolute_url())
    page.locator("#id_title").fill("Comment partager plus de vélos ?")
    submit(page, reverse("community:need_create", args=[domain.slug]))
    need = Need.objects.get()
    assert page.url.endswith(need.get_absolute_url())

    # The facilitator splits it into a micro-challenge and opens it.
    log_in(other_page, "camille")
    other_page.goto(
        other_page.base_url + reverse("community:challenge_create", args=[need.slug])
    )
    other_page.locator("#id_title").fill("Dix vélos cargo en prêt")
    other_page.locator("#id_goal").fill("Prêter dix vélos cargo pendant un mois.")
    other_page.locator("#id_success_criteria").fill("Huit familles sur dix.")
    other_page.locator("#id_place_name").fill("Villeurbanne")
    with other_page.expect_navigation():
        other_page.locator("main form button[type=submit]").click()
    challenge = Challenge.objects.get()
    transition = reverse("community:challenge_transition", args=[challenge.slug])
    with other_page.expect_navigation():
        other_page.locator(
            f"form[action='{transition}']:has(input[value=open]) button"
        ).click()
    challenge.refresh_from_db()
    assert challenge.state == "open"

    # 17 people are already in; Amina takes the 18th seat from the page.
    for _ in range(17):
        services.join_challenge(challenge, user=make_user())
    page.goto(page.base_url + challenge.get_absolute_url())
    submit(page, reverse("community:challenge_join", args=[challenge.slug]))
    assert services.participation_of(need.created_by, challenge).status == "active"

    # Yanis is the 19th: he waits, first on the list.
    other_page.context.clear_cookies()
    log_in(other_page, "yanis")
    other_page.goto(other_page.base_url + challenge.get_absolute_url())
    submit(other_page, reverse("community:challenge_join", args=[challenge.slug]))
    yanis = services.participation_of(
        need.created_by.__class__.objects.get(username="yanis"), challenge
    )
    assert yanis.status == "waiting"
    assert other_page.locator(".challenge-seats ol.members li").count() == 1

    # When Amina leaves, Yanis gets her seat.
    submit(page, reverse("community:challenge_leave", args=[challenge.slug]))
    yanis.refresh_from_db()
    assert yanis.status == "active"

    other_page.goto(other_page.base_url + challenge.get_absolute_url())
    other_page.screenshot(path=screenshot_dir / "challenge.png", full_page=True)
    page.goto(page.base_url + need.get_absolute_url())
    page.screenshot(path=screenshot_dir / "need.png", full_page=True)
