"""The challenge path from its participants' side, in a real browser.

The author of a need asks for it to be split (the facilitator hears of it);
once the need is split, the community formed and a beta in production, a
member who tried the beta leaves feedback on it. The pages say what happens
next, in French and in English, and the console stays free of CSP
violations. Screenshots land in ``$SCREENSHOT_DIR`` (a temporary folder by
default). Elements are found by address, id or name, never by translated text.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from fabrique.community import experiments, services
from fabrique.community.models import SplitRequest
from fabrique.notifications.models import Notification
from tests.browser import steps
from tests.browser.factories import make_user
from tests.browser.steps import csp_violations, shoot_both_languages
from tests.catalog.factories import make_commons
from tests.community.factories import challenge_data, fill_community

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_author_asks_for_a_split_and_a_member_gives_feedback_on_the_beta(
    page, shots
):
    heard = csp_violations(page)
    facilitator = make_user("camille", display_name="Camille")
    domain = services.create_domain(user=facilitator, name="Vélo partagé")
    author = make_user("amina", display_name="Amina")
    need = services.propose_need(
        domain,
        user=author,
        title="Comment garer les vélos cargo ?",
        description="Il n'y a **pas de local** près de l'école.",
        place_name="Belvallon",
    )

    # Amina sees the next step on her need's page and asks for a split.
    steps.log_in(page, "amina")
    page.goto(page.base_url + need.get_absolute_url())
    expect(page.locator(".markdown strong")).to_have_text("pas de local")
    page.locator("#id_split_message").fill("Un défi par école, peut-être ?")
    action = reverse("community:split_request", args=[need.slug])
    with page.expect_navigation():
        page.locator(f"form[action='{action}'] button[type=submit]").click()
    request = SplitRequest.objects.get(need=need)
    assert request.status == "open"
    assert Notification.objects.filter(
        user=facilitator, activity__verb="split_requested", reason="asked"
    ).exists()
    expect(page.locator(f"form[action='{action}']")).to_have_count(0)
    shoot_both_languages(page, shots, "need-split-asked")

    # Camille splits it; the community forms; a maker posts a beta.
    challenge = services.create_challenge(
        need, user=facilitator, data=challenge_data(title="Un abri à vélos cargo")
    )
    request.refresh_from_db()
    assert request.status == "done"
    services.transition(challenge, user=facilitator, target="open")
    [maker] = fill_community(challenge)
    services.transition(challenge, user=facilitator, target="formed")
    experiments.post_beta(
        challenge,
        user=maker,
        title="Plan d'abri en bois",
        url="https://example.org/abri",
        commons=make_commons(maker, title="Abri à vélos cargo"),
    )
    services.transition(challenge, user=facilitator, target="beta")
    beta = challenge.betas.get()

    # Yanis, a member who tried the beta, says how it went.
    make_user("yanis", display_name="Yanis")
    page.context.clear_cookies()
    steps.log_in(page, "yanis")
    page.goto(page.base_url + challenge.get_absolute_url())
    expect(page.locator("#next-step-title")).to_be_visible()
    page.locator(f"#beta-{beta.pk} details summary").click()
    page.locator(f"#beta-fb-{beta.pk}").fill("Solide, mais le toit fuit.")
    page.locator(f"#beta-rating-{beta.pk}").select_option("4")
    feedback = reverse("community:beta_feedback_add", args=[challenge.slug, beta.pk])
    with page.expect_navigation():
        page.locator(f"form[action='{feedback}'] button[type=submit]").click()
    saved = beta.feedback.get()
    assert (saved.body, saved.rating, saved.author.username) == (
        "Solide, mais le toit fuit.",
        4,
        "yanis",
    )
    expect(page.locator(f"#beta-{beta.pk} .feedback")).to_contain_text("toit fuit")
    shoot_both_languages(page, shots, "challenge-beta-feedback")
    assert heard == []
