"""Projects, notifications, open data and matching in a browser, with screenshots.

Writes ``docs/screenshots/{projects-list,projects-page,projects-free-riders,
notifications,data,matching,search,suggestions}.png``. Elements are found by role, id or
address, never by translated text.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from fabrique.catalog.models import Actor, ActorMember, Place
from fabrique.catalog.services import follow
from fabrique.community import services as community
from fabrique.community.models import Experiment
from fabrique.core import activity
from fabrique.projects import dump
from fabrique.projects.models import Contribution, Project
from tests.browser.factories import make_commons, make_user
from tests.browser.steps import log_in, url

pytestmark = [
    pytest.mark.browser,
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True),
]


def shoot(page, directory, name: str) -> None:
    page.wait_for_load_state("networkidle")
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


@pytest.fixture
def world(tmp_path, settings):
    settings.FABRIQUE_DUMP_DIR = tmp_path / "dumps"
    owner = make_user("camille", display_name="Camille Martin", skills=["GBFS"])
    facilitator = make_user("sacha", display_name="Sacha Dupont")
    actor = Actor.objects.create(
        name="Cargo Express", slug="cargo-express", type="startup",
        summary="Livraisons en vélo cargo à Lyon.", skills=["vélo cargo", "logistique"],
    )  # fmt: skip
    ActorMember.objects.create(actor=actor, user=owner, role="admin")
    Place.objects.create(actor=actor, name="Entrepôt", city="Lyon", lat=45.76, lon=4.84)
    used = make_commons(owner, title="Vélos partagés de Lyon", kind="data")
    given = make_commons(owner, title="Carte des arceaux vélo", kind="data")
    also = make_commons(owner, title="Plans de remorque libre")
    project = Project.objects.create(
        name="Livraisons à vélo cargo", slug="livraisons", kind="startup",
        actor=actor, accompaniment="accompanied", created_by=owner,
        summary="Des colis livrés en vélo cargo, avec les données ouvertes du vélo.",
        description="Trois vélos cargo, un entrepôt partagé, des tournées optimisées.",
    )  # fmt: skip
    project.uses.set([used, also])
    project.contributes_to.set([given])
    free = Project.objects.create(
        name="Trottinettes Express", slug="trottinettes", kind="startup", actor=actor,
        summary="Location de trottinettes.",
    )  # fmt: skip
    free.uses.set([used])
    Contribution.objects.create(
        contributor=owner, actor=actor, kind="data", commons=given,
        description="Relevé de 240 arceaux dans le 7e arrondissement",
        status="confirmed", evidence_url="https://example.org/releve",
    )  # fmt: skip
    domain = community.create_domain(user=facilitator, name="Vélo partagé")
    need = community.propose_need(
        domain, user=facilitator, title="Comment partager plus de vélos ?"
    )
    challenge = community.create_challenge(
        need, user=facilitator, data={
            "title": "Dix vélos cargo en prêt à Villeurbanne",
            "goal": "Prêter dix vélos cargo et publier leur disponibilité en GBFS.",
            "success_criteria": "Huit familles sur dix s'en servent chaque semaine.",
            "place_name": "Villeurbanne", "lat": 45.7719, "lon": 4.8902,
        },
    )  # fmt: skip
    challenge.state = "open"
    challenge.save(update_fields=["state"])
    for name, skills in (("lea", ["GBFS", "vélo-cargo"]), ("noah", ["vélos cargo"]),
                         ("ines", ["réparation vélo"])):  # fmt: skip
        make_user(name, display_name=name.capitalize(), skills=skills)
    Experiment.objects.create(
        challenge=challenge, title="Prêt aux familles", place_name="Villeurbanne",
        lat=45.77, lon=4.89, starts=date(2026, 9, 1), ends=date(2026, 9, 30),
        protocol="Prêt d'un mois.",
    )  # fmt: skip
    # Things happen on what Camille follows.
    follow(used, user=owner)
    activity.record(
        used, user=facilitator, verb="edited", summary="Ajoute le flux GBFS"
    )
    activity.record(used, user=facilitator, verb="image_added")
    activity.record(also, user=facilitator, verb="edited", summary="Nouvelle licence")
    dump.build()
    return {"owner": owner, "facilitator": facilitator, "project": project,
            "challenge": challenge, "given": given}  # fmt: skip


def test_projects_notifications_data_and_matching(page, world, screenshot_dir):
    page.goto(url(page, "projects:projects"))
    expect(page.locator(".project-cards .card")).to_have_count(2)
    shoot(page, screenshot_dir, "projects-list")

    page.goto(page.base_url + world["project"].get_absolute_url())
    expect(page.locator("h1")).to_have_text("Livraisons à vélo cargo")
    # The contract, commons by commons: two used, one contributed to.
    expect(page.locator(".project-contract tbody tr")).to_have_count(3)
    shoot(page, screenshot_dir, "projects-page")

    page.goto(url(page, "projects:data"))
    archive = reverse("projects:data_download", args=[dump.ARCHIVE])
    download = page.locator(f"a[href='{archive}']")
    expect(download).to_be_visible()
    shoot(page, screenshot_dir, "data")

    page.goto(url(page, "community:search") + "?q=velos")
    expect(page.locator(".hit").first).to_be_visible()
    expect(page.locator("input[name=type][value=challenge]")).to_be_visible()
    shoot(page, screenshot_dir, "search")

    # The facilitator sees who could join the challenge, and why, and the
    # projects that use commons without contributing.
    log_in(page, "sacha")
    page.goto(url(page, "community:challenge_matching", world["challenge"].slug))
    # Camille, a maker nearby, comes first while the challenge lacks makers;
    # Lea shares two skills with it.
    expect(page.locator(".match").first).to_contain_text("Camille Martin")
    expect(page.locator(".match").first).to_contain_text(
        "le défi manque encore de makers"
    )
    lea = page.locator(".match", has_text="Lea")
    expect(lea.locator(".match-reasons")).to_contain_text("Vélos cargo")
    expect(lea.locator("button")).to_contain_text("Inviter Lea")
    shoot(page, screenshot_dir, "matching")
    page.goto(url(page, "projects:free_riders"))
    expect(page.locator("tbody tr")).to_have_count(1)
    shoot(page, screenshot_dir, "projects-free-riders")

    # Camille reads her notifications from the header, with the keyboard.
    page.context.clear_cookies()
    log_in(page, "camille")
    badge = page.locator("header a[href='/notifications/'] .badge")
    expect(badge).to_contain_text("3")
    page.locator("header a[href='/notifications/']").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/notifications/")
    expect(page.locator(".notif-unread")).to_have_count(3)
    shoot(page, screenshot_dir, "notifications")
    page.locator(
        f"form[action='{reverse('notifications:mark_all_read')}'] button"
    ).click()
    page.wait_for_load_state()
    expect(page.locator(".notif-unread")).to_have_count(0)
    expect(page.locator("header a[href='/notifications/'] .badge")).to_have_count(0)
    page.locator("#id_frequency_1").check()
    page.locator(
        f"form[action='{reverse('notifications:preferences')}'] button"
    ).click()
    page.wait_for_load_state()
    expect(page.locator("#id_frequency_1")).to_be_checked()

    # Camille's suggestions, and her skills picked from the taxonomy.
    page.goto(url(page, "community:for_me"))
    expect(page.locator(".match").first).to_be_visible()
    page.locator("#skill-vehiclecargo_bikes").check()
    page.locator(f"form[action='{reverse('community:for_me')}'] button").click()
    page.wait_for_load_state()
    expect(page.locator("#skill-vehiclecargo_bikes")).to_be_checked()
    shoot(page, screenshot_dir, "suggestions")

    # The owner states what the free-riding project contributes to.
    page.goto(url(page, "projects:project_edit", "trottinettes"))
    page.locator("#id_contributes_to").fill(world["given"].slug)
    contract = reverse("projects:contract", args=["trottinettes"])
    page.locator(f"form[action='{contract}'] button").click()
    page.wait_for_url("**/projets/trottinettes/")
    expect(page.locator(".project-contract")).to_contain_text("Carte des arceaux vélo")
