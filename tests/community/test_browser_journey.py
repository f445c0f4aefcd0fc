"""A need becomes a micro-challenge, fills up (the 19th person waits), gets a
beta, an experiment and field feedback, and is delivered as a commons.

Driven in headless Chromium against a live server, as people would; the
screenshots of the need and challenge pages land in ``docs/screenshots``.
Once delivered, the commons shows in the ecosystem graph (API and page) and
in the dashboards.
Elements are found by address, id or name, never by translated text.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from fabrique.community import services
from fabrique.community.lifecycle import State
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


def test_a_need_becomes_a_delivered_commons_and_the_nineteenth_person_waits(
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
    page.goto(page.base_url + domain.get_absolute_url())
    page.screenshot(path=screenshot_dir / "domain.png", full_page=True)

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
    seated = [make_user() for _ in range(17)]
    for person in seated:
        services.join_challenge(challenge, user=person)
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

    page.goto(page.base_url + need.get_absolute_url())
    page.screenshot(path=screenshot_dir / "need.png", full_page=True)

    # A maker takes a freed seat as producer; Camille forms the community.
    def move(to: str) -> None:
        page.goto(page.base_url + challenge.get_absolute_url())
        with page.expect_navigation():
            page.locator(
                f"form[action='{transition}']:has(input[value={to}]) button"
            ).click()

    services.leave_challenge(
        services.participation_of(seated[0], challenge), user=seated[0]
    )
    maker = make_user("noor", display_name="Noor")
    services.join_challenge(challenge, user=maker, role="producer")
    page.context.clear_cookies()
    log_in(page, "camille")
    move("formed")

    # The maker posts a beta that creates a commons, and an experiment.
    other_page.context.clear_cookies()
    log_in(other_page, "noor")
    other_page.goto(other_page.base_url + challenge.get_absolute_url())
    other_page.locator("details:has(#id_beta-title) summary").click()
    other_page.locator("#id_beta-title").fill("Réservation par SMS")
    other_page.locator("#id_beta-new_title").fill("Cargo partagé")
    other_page.locator("#id_beta-new_summary").fill("Réserver un vélo cargo.")
    submit(other_page, reverse("community:beta_add", args=[challenge.slug]))
    beta = challenge.betas.get()
    other_page.locator("details:has(#id_experiment-title) summary").click()
    other_page.locator("#id_experiment-title").fill("Un mois à Villeurbanne")
    other_page.locator("#id_experiment-place_name").fill("Villeurbanne")
    other_page.locator("#id_experiment-lat").fill("45.77")
    other_page.locator("#id_experiment-lon").fill("4.89")
    other_page.locator("#id_experiment-starts").fill("2026-03-01")
    other_page.locator("#id_experiment-ends").fill("2026-03-31")
    other_page.locator("#id_experiment-protocol").fill("Dix familles.")
    submit(other_page, reverse("community:experiment_add", args=[challenge.slug]))
    experiment = challenge.experiments.get()

    # Camille puts the beta in production and starts experimenting.
    move("beta")
    move("experimenting")

    # Yanis, a field actor, leaves feedback on the experiment.
    other_page.context.clear_cookies()
    log_in(other_page, "yanis")
    other_page.goto(other_page.base_url + challenge.get_absolute_url())
    other_page.locator(f"#fb-{experiment.pk}").fill("Trop lourd en montée.")
    other_page.locator(f"#rating-{experiment.pk}").select_option("4")
    feedback = reverse("community:feedback_add", args=[challenge.slug, experiment.pk])
    submit(other_page, feedback)
    assert experiment.feedback.get().body == "Trop lourd en montée."

    # Camille delivers it: the challenge links to the commons of its beta.
    move("delivered")
    challenge.refresh_from_db()
    assert challenge.state == "delivered"
    assert challenge.commons == beta.commons
    page.goto(page.base_url + challenge.get_absolute_url())
    page.screenshot(path=screenshot_dir / "challenge.png", full_page=True)

    # The delivered commons appears in the ecosystem graph, linked to the
    # challenge that produced it, in the API and on the page.
    commons_node = f"commons:{challenge.commons_id}"
    answer = page.request.get(
        page.base_url + reverse("api:ecosystem_graph") + f"?domain={domain.slug}"
    ).json()
    assert commons_node in {node["id"] for node in answer["nodes"]}
    assert {
        (edge["source"], edge["target"], edge["relation"]) for edge in answer["edges"]
    } >= {(f"challenge:{challenge.pk}", commons_node, "delivered")}
    page.goto(page.base_url + reverse("ecosystem:graph") + f"?domain={domain.slug}")
    page.wait_for_selector("#eco-graph[data-settled=true]")
    link = page.locator(f"a[data-node='{commons_node}']")
    assert link.get_attribute("href") == challenge.commons.get_absolute_url()

    # And in the dashboards: one delivered challenge, and the commons' health.
    page.goto(page.base_url + reverse("ecosystem:dashboard"))
    delivered = list(State).index(State.DELIVERED)
    row = page.locator("#chart-challenges tbody tr").nth(delivered)
    assert row.locator("td").text_content() == "1"
    assert (
        page.locator(
            f"#chart-health a[href='{challenge.commons.get_absolute_url()}']"
        ).count()
        == 1
    )
