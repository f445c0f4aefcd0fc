"""A member earns badges, downloads one baked, and anyone verifies it, then revoked.

Elements are found by id, name or address, never by translated text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from fabrique.badges.models import Award, BadgeClass
from fabrique.badges.tasks import evaluate_badge_rules
from fabrique.projects.models import Contribution
from tests.badges.factories import badge
from tests.browser.factories import make_commons, make_user
from tests.browser.steps import log_in, shoot_both_languages, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _verify(page, png: Path) -> None:
    page.context.clear_cookies()
    page.goto(url(page, "badges:verify"))
    page.locator("#badge-file").set_input_files(str(png))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_member_earns_badges_downloads_the_png_and_anyone_verifies_it(
    page, other_page, settings, tmp_path, screenshot_dir
):
    shots = screenshot_dir
    settings.BADGES_NOMINATION_SECONDS = 1
    ana, bob = make_user("ana"), make_user("bob")
    make_user("carla")
    admin = make_user("admin", is_staff=True)
    first = badge()
    listening = badge(
        "ecoute",
        name="Écoute",
        kind="behaviour",
        rule="",
        nominations_open=True,
        description="Listens to newcomers.",
    )
    commons = make_commons(admin)
    Contribution.objects.create(
        contributor=ana,
        commons=commons,
        kind="documentation",
        description="Setup guide",
        status="confirmed",
    )
    # The worker's task, as queued when the entry was confirmed.
    evaluate_badge_rules.call()
    assert first.awards.filter(recipient=ana, via="rule").exists()

    # Peer nomination: bob nominates ana, carla seconds.
    log_in(page, "bob")
    page.goto(page.base_url + listening.get_absolute_url())
    page.locator("#nominee").fill("ana")
    page.locator("#reason").fill("Welcomes every newcomer")
    page.locator("form[action$='/nominate/'] button[type=submit]").click()
    page.wait_for_load_state()
    log_in(other_page, "carla")
    other_page.goto(other_page.base_url + listening.get_absolute_url())
    other_page.locator("form[action$='/second/'] button[type=submit]").click()
    other_page.wait_for_load_state()
    nominated = Award.objects.get(badge=listening)
    assert nominated.recipient == ana
    assert nominated.awarded_by == bob

    # Ana accepts her first badge and downloads it baked.
    award = Award.objects.get(badge=first, recipient=ana)
    page.context.clear_cookies()
    log_in(page, "ana")
    page.goto(page.base_url + award.get_absolute_url())
    page.locator("button[name=action][value=accept]").click()
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.locator("a[href$='/download/png']").click()
    png = tmp_path / "badge.png"
    download.value.save_as(png)
    assert png.read_bytes().startswith(b"\x89PNG")
    shoot_both_languages(page, shots, "badge-award")
    page.goto(url(page, "accounts:profile"))
    expect(page.locator("#external-badge")).to_be_visible()
    shoot_both_languages(page, shots, "badge-profile")

    # Anyone verifies it: valid.
    _verify(other_page, png)
    expect(other_page.locator(".verdict-valid")).to_be_visible()
    shoot_both_languages(other_page, shots, "badge-verify-valid")

    # The administrator revokes it with a reason: revoked, with the reason.
    page.context.clear_cookies()
    log_in(page, "admin")
    page.goto(page.base_url + award.get_absolute_url())
    page.locator("#revoke-reason").fill("Awarded by mistake")
    page.locator("form[action$='/revoke/'] button[type=submit]").click()
    page.wait_for_load_state()
    _verify(other_page, png)
    expect(other_page.locator(".verdict-revoked")).to_be_visible()
    expect(other_page.locator(".verdict-revoked")).to_contain_text("Awarded by mistake")
    shoot_both_languages(other_page, shots, "badge-verify-revoked")
    page.goto(page.base_url + listening.get_absolute_url())
    shoot_both_languages(page, shots, "badge-class")
    assert BadgeClass.objects.count() == 2
