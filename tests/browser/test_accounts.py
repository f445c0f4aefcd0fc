"""Sign up accepting the charter, see the profile, and moderate — in Chromium."""

import pytest

from fabrique.accounts.models import User
from fabrique.core import moderation
from tests.browser.factories import PASSWORD, make_user
from tests.browser.steps import confirm_email
from tests.catalog.factories import make_commons

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_accepting_the_charter_then_see_my_profile(page, screenshot_dir):
    page.goto(page.base_url + "/accounts/inscription/")
    page.screenshot(path=str(screenshot_dir / "signup.png"), full_page=True)
    page.get_by_label("Nom d’utilisateur").fill("camille")
    page.locator("#id_email").fill("camille@example.org")
    page.locator("#id_password1").fill("Velo-cargo-2026!")
    page.locator("#id_password2").fill("Velo-cargo-2026!")
    page.locator("#id_accept_charter").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    account = User.objects.get(username="camille")
    assert account.charter_accepted_at is not None
    # The account waits for the link sent to its address, then signs in.
    assert not account.is_active
    confirm_email(page)
    page.locator("#id_public-display_name").fill("Camille Cargo")
    page.locator("#id_public-city").fill("Villeurbanne")
    page.locator("#id_public-skills").fill("mécanique, GTFS, logistique urbaine")
    page.locator("#id_public-bio").fill("Je répare des **vélos cargo** en atelier.")
    page.locator("#id_private-phone").fill("+33 6 12 34 56 78")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("#id_name").fill("script d'import")
    page.locator("form[action$='/jetons/'] button").click()
    page.wait_for_load_state()
    assert page.locator("#token-key").input_value().startswith("fab_")
    page.goto(page.base_url + "/accounts/profil/")
    assert page.get_by_text("+33 6 12 34 56 78").is_visible()
    page.screenshot(path=str(screenshot_dir / "profile.png"), full_page=True)
    page.goto(page.base_url + "/accounts/profil/parametres/")
    page.screenshot(path=str(screenshot_dir / "profile-settings.png"), full_page=True)
    page.goto(page.base_url + "/accounts/membres/camille/")
    assert page.get_by_text("Villeurbanne").is_visible()
    assert page.get_by_text("+33 6 12 34 56 78").count() == 0
    page.screenshot(path=str(screenshot_dir / "profile-public.png"), full_page=True)


def test_a_moderator_hides_reported_content_from_the_queue(page, screenshot_dir):
    moderator = make_user("moderatrice", role=User.Role.MODERATOR)
    commons = make_commons(
        title="Vélos à vendre pas chers", summary="Achetez nos vélos d'occasion !"
    )
    other = make_commons(title="Cartographie des arceaux", summary="Données OSM.")
    moderation.report(
        commons, reporter=make_user("alix"), reason="Publicité commerciale."
    )
    moderation.report(
        commons, reporter=make_user("sam"), reason="Ce n'est pas un commun."
    )
    moderation.report(other, reporter=make_user("lou"), reason="Doublon ?")
    page.goto(page.base_url + "/accounts/connexion/?next=/moderation/")
    page.locator("#id_username").fill(moderator.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.screenshot(path=str(screenshot_dir / "moderation-queue.png"), full_page=True)
    page.locator("#reason-1").fill("Publicité, charte §3.")
    page.locator("button[name=action][value=hide]").first.click()
    page.wait_for_load_state()
    commons.refresh_from_db()
    assert commons.hidden
