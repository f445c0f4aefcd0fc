"""An organisation's administrator defines a badge, awards it, and endorses one.

Everything is done with the keyboard where a form is filled. Elements are
found by id, name or address, never by translated text.
"""

from __future__ import annotations

import pytest
from PIL import Image
from playwright.sync_api import expect

from fabrique.badges.models import Award, BadgeClass, Endorsement
from fabrique.catalog.models import Actor, ActorMember
from tests.badges.factories import badge
from tests.browser.factories import make_user
from tests.browser.steps import log_in, shoot_both_languages, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organisation_admin_defines_awards_and_endorses(page, tmp_path, screenshot_dir):
    shots = screenshot_dir
    alice = make_user("alice")
    make_user("ana")
    actor = Actor.objects.create(
        slug="velo-club", name="Vélo club", type="association", created_by=alice
    )
    ActorMember.objects.create(actor=actor, user=alice, role="admin")
    instance_badge = badge()
    image = tmp_path / "medal.png"
    Image.new("RGB", (64, 64), (30, 90, 160)).save(image, "PNG")

    log_in(page, "alice")
    page.goto(url(page, "badges:class_create"))
    shoot_both_languages(page, shots, "badges-class-form")
    page.locator("#id_issuer_ref").select_option("actor:velo-club")
    page.locator("#id_name").focus()
    page.keyboard.type("Mentor bienveillant")
    page.keyboard.press("Tab")
    page.keyboard.type("Accompagne les nouveaux venus.")
    page.keyboard.press("Tab")
    page.keyboard.type("A accompagné trois personnes dans leur première contribution.")
    page.locator("#id_kind").select_option("behaviour")
    page.locator("#id_rule").select_option("contributions")
    page.locator("#id_rule_count").fill("3")
    page.locator("input[name=skills]").first.check()
    page.locator("#id_image").set_input_files(str(image))
    page.locator("main form button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    made = BadgeClass.objects.get(slug="mentor-bienveillant")
    assert made.issuer.actor == actor
    assert made.image

    shoot_both_languages(page, shots, "badges-class-manage")
    # Award by hand, with two evidence links.
    page.locator("#id_username").fill("ana")
    page.locator("#id_evidence").fill("Trois nouveaux accompagnés")
    page.locator("#id_evidence_urls").fill(
        "https://example.org/pr/1\nhttps://example.org/pr/2"
    )
    with page.expect_navigation():
        page.locator("#id_evidence").press("Enter")
    award = Award.objects.get(badge=made)
    assert award.more_evidence_urls == ["https://example.org/pr/2"]

    # The issuer's profile, edited.
    page.goto(url(page, "badges:issuer_edit", made.issuer.slug))
    page.locator("#id_description").fill("Club vélo associatif de Lyon.")
    page.locator("#id_url").fill("https://velo-club.example")
    with page.expect_navigation():
        page.locator("#id_url").press("Enter")
    expect(page.locator("main code")).to_contain_text("did:web:")
    shoot_both_languages(page, shots, "badges-issuer")

    # Endorse the instance's badge on behalf of the organisation.
    page.goto(url(page, "badges:endorse", instance_badge.slug))
    shoot_both_languages(page, shots, "badges-endorse")
    page.locator("#id_comment").fill("Nous formons à la contribution.")
    page.locator("#id_comment").focus()
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Endorsement.objects.filter(badge=instance_badge, actor=actor).exists()
    expect(page.locator("main")).to_contain_text("Nous formons à la contribution.")
    shoot_both_languages(page, shots, "badges-class-endorsed")
