"""The three journeys of a newcomer, each one continuous test in Chromium.

- A **visitor**, signed out, searches in English, reads a commons, an actor, a
  transport dataset and its departures, asks the geocoder, and reads the site
  in English and back in French: no console error, no CSP violation, no
  request to another host.
- A **new contributor** signs up (through the confirmation e-mail), signs in,
  joins a micro-challenge as a field actor and gives feedback on its beta.
- A **producer** publishes a dataset, uploads a GTFS feed through the page,
  lets the worker check it, opens its report and its departures; a follower
  hears from the daily expiry task that the data ends within a week.

Each writes ``docs/screenshots/journey-*-{fr,en}.png``. Elements are found by
address, id or name, never by translated text.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from fabrique.community import experiments, services
from fabrique.community.models import Participation
from fabrique.notifications.models import Notification
from fabrique.transport import basemap
from fabrique.transport.models import Dataset, Version, VersionStatus
from fabrique.transport.tasks import warn_expiring_datasets
from fabrique.transport.views import report_url
from tests.browser import steps
from tests.browser.factories import make_catalogue, make_user
from tests.catalog.factories import make_actor, make_commons
from tests.community.factories import challenge_data, fill_community

pytestmark = [
    pytest.mark.browser,
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True),
]

GTFS_BASE = Path(__file__).resolve().parents[1] / "data" / "gtfs" / "base"


@pytest.fixture
def offline_map(settings):
    """The instance's own base map under every map, and no third-party tiles."""
    outcome = basemap.ensure_installed()
    if not basemap.installed():
        pytest.skip(f"the offline base map could not be installed: {outcome}")
    settings.MAP_TILES = ""


@pytest.fixture
def worker_queue(settings):
    """Tasks wait in the database queue until the worker of the test runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """What ``fabrique worker`` does, once: run every task due, then stop."""
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


# The visitor -------------------------------------------------------------------


@pytest.fixture
def demo(offline_map, worker_queue, settings, tmp_path):
    """A small catalogue, the demo's bus network published by an organisation,
    and the demo's addresses in the geocoder."""
    from fabrique.places import demo as demo_places
    from fabrique.places.engine import reset
    from fabrique.transport.demo import load as load_transport_demo

    catalogue = make_catalogue()
    publisher = make_actor(
        catalogue["holder"], name="Communauté de communes de Belvallon"
    )
    dataset = load_transport_demo()
    assert dataset is not None
    assert dataset.publisher == publisher
    settings.GEOCODER_INDEX = str(tmp_path / "geocoder")
    reset()
    demo_places.index_addresses(tmp_path / "geocoder")
    yield dataset
    reset()


def test_a_visitor_walks_from_search_to_departures_and_the_geocoder(
    page, demo, screenshot_dir
):
    errors = steps.console_errors(page)
    csp = steps.csp_violations(page)
    urls = steps.record_requests(page)

    # "bike", typed in English, finds the commons that say "vélo".
    steps.search_from_home(page, "bike")
    found = steps.results(page)
    expect(found.filter(has_text="Vélo cargo ouvert")).to_have_count(1)
    expect(found.filter(has_text="Horaires GTFS")).to_have_count(0)
    steps.shoot_both_languages(page, screenshot_dir, "journey-visitor-search")

    # A commons, by keyboard; then an organisation from the actors' list.
    found.filter(has_text="Vélo cargo ouvert").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Vélo cargo ouvert")
    page.locator(f"header a[href='{reverse('catalog:actor_list')}']").click()
    actor = demo.publisher
    page.locator(f"main a[href='{actor.get_absolute_url()}']").first.click()
    page.wait_for_url("**" + actor.get_absolute_url())
    expect(page.locator("h1")).to_contain_text(actor.name)

    # The transport data, its dataset (published by that organisation) and its
    # departures board.
    page.locator(f"header a[href='{reverse('transport:dataset_list')}']").click()
    page.locator(f".dataset-row-title a[href='{demo.get_absolute_url()}']").click()
    page.wait_for_url("**" + demo.get_absolute_url())
    expect(page.locator(f"main a[href='{actor.get_absolute_url()}']")).to_be_visible()
    page.locator("#departures-stop").select_option("GARE")
    page.locator("#departures-date").fill(next_weekday(demo.valid_from).isoformat())
    page.locator("#departures-after").fill("07:30")
    page.locator("#departures-after").press("Enter")
    rows = page.locator("#departures-results tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.first.locator("time").inner_text() >= "07:30"
    page.locator("#departures").scroll_into_view_if_needed()
    steps.shoot_both_languages(page, screenshot_dir, "journey-visitor-departures")

    # The geocoder, from the footer, with Enter.
    page.locator(f"footer a[href='{reverse('places:geocoder')}']").click()
    page.locator("#geocoder-q").fill("12 rue de la Gare, Belvallon")
    page.keyboard.press("Enter")
    expect(page.locator("#geocoder-results li").first).to_contain_text(
        "12 Rue de la Gare"
    )

    # The site in English, then back in French.
    steps.switch_language(page, "en")
    expect(page.locator("header nav")).to_contain_text("Transport data")
    steps.switch_language(page, "fr")
    expect(page.locator("header nav")).to_contain_text("Données de transport")

    page.wait_for_load_state("networkidle")
    assert csp == []
    assert errors == []
    assert steps.only_local(urls, page.base_url) == []


# The new contributor -----------------------------------------------------------


@pytest.fixture
def challenge_with_a_beta():
    """A need split into a micro-challenge whose community posted a beta."""
    facilitator = make_user("camille", display_name="Camille")
    domain = services.create_domain(user=facilitator, name="Vélo partagé")
    need = services.propose_need(
        domain,
        user=make_user("amina", display_name="Amina"),
        title="Comment garer les vélos cargo ?",
        place_name="Belvallon",
    )
    challenge = services.create_challenge(
        need, user=facilitator, data=challenge_data(title="Un abri à vélos cargo")
    )
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
    return challenge


def test_a_new_contributor_signs_up_joins_a_challenge_and_gives_feedback_on_its_beta(
    page, challenge_with_a_beta, screenshot_dir
):
    challenge = challenge_with_a_beta
    need = challenge.need
    beta = challenge.betas.get()
    csp = steps.csp_violations(page)

    # Sign up, confirm through the e-mail's link, then sign in again.
    page.goto(page.base_url + "/")
    steps.sign_up(page, "noor")
    expect(
        page.locator(f"header a[href='{reverse('accounts:profile')}']")
    ).to_be_visible()
    page.context.clear_cookies()
    steps.log_in(page, "noor")
    expect(
        page.locator(f"header a[href='{reverse('accounts:profile')}']")
    ).to_contain_text("noor")

    # From the menu to the domain, its need, its micro-challenge.
    page.locator(f"header a[href='{reverse('community:domains')}']").click()
    page.locator(f"main a[href='{need.domain.get_absolute_url()}']").first.click()
    page.locator(f"main a[href='{need.get_absolute_url()}']").first.click()
    expect(page.locator("form[action$='/decoupage/']")).to_have_count(0)
    page.locator(f"main a[href='{challenge.get_absolute_url()}']").first.click()
    page.wait_for_url("**" + challenge.get_absolute_url())

    # Join its community as a field actor.
    page.locator("#id_role").select_option("field_actor")
    join = reverse("community:challenge_join", args=[challenge.slug])
    with page.expect_navigation():
        page.locator(f"form[action='{join}'] button[type=submit]").click()
    joined = Participation.objects.get(challenge=challenge, user__username="noor")
    assert (joined.role, joined.status) == ("field_actor", "active")
    expect(page.locator(f"form[action='{join}']")).to_have_count(0)

    # Find the beta and say how it went.
    page.locator(f"#beta-{beta.pk} details summary").click()
    page.locator(f"#beta-fb-{beta.pk}").fill("Monté en un samedi ; le toit fuit.")
    page.locator(f"#beta-rating-{beta.pk}").select_option("4")
    feedback = reverse("community:beta_feedback_add", args=[challenge.slug, beta.pk])
    with page.expect_navigation():
        page.locator(f"form[action='{feedback}'] button[type=submit]").click()
    saved = beta.feedback.get()
    assert (saved.author.username, saved.rating) == ("noor", 4)
    expect(page.locator(f"#beta-{beta.pk} .feedback")).to_contain_text("le toit fuit")
    expect(page.locator(f"#beta-{beta.pk} .feedback")).to_contain_text("noor")
    # The challenge's activity names the newcomer beside the beta's title.
    entry = page.locator(".activity li").filter(has_text="noor").first
    expect(entry).to_contain_text("Plan d'abri en bois")
    steps.shoot_both_languages(page, screenshot_dir, "journey-contributor-beta")
    # The makers hear of it; the profile page lists no challenge taken part in
    # (it shows commons memberships and revisions only), but the newcomer's
    # feed now follows the challenge they joined.
    maker = challenge.participations.get(role="producer").user
    assert Notification.objects.filter(
        user=maker, activity__verb="beta_feedback_added"
    ).exists()
    page.locator(f"header a[href='{reverse('core:feed')}']").click()
    expect(
        page.locator(f".activity a.target[href='{challenge.get_absolute_url()}']").first
    ).to_be_visible()
    assert csp == []


# The producer ------------------------------------------------------------------


def gtfs_ending_in(days: int, today: date) -> bytes:
    """The small test feed, its service from a week ago to ``today + days``."""
    start = (today - timedelta(days=7)).strftime("%Y%m%d")
    end = (today + timedelta(days=days)).strftime("%Y%m%d")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(GTFS_BASE.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            if path.name in ("calendar.txt", "feed_info.txt"):
                text = text.replace("20260101", start).replace("20261231", end)
            elif path.name == "calendar_dates.txt":
                text = text.replace("20260501", end)
            archive.writestr(path.name, text)
    return buffer.getvalue()


def test_a_producer_publishes_a_feed_and_a_follower_hears_it_expires(
    page, other_page, offline_map, worker_queue, screenshot_dir, tmp_path
):
    today = timezone.localdate()
    feed = tmp_path / "lignes-ouest.zip"
    feed.write_bytes(gtfs_ending_in(5, today))
    make_user("lea", display_name="Léa")
    make_user("sami", display_name="Sami")
    csp = steps.csp_violations(page)

    # Léa publishes a dataset from the transport pages.
    steps.log_in(page, "lea")
    page.locator(f"header a[href='{reverse('transport:dataset_list')}']").click()
    page.locator(f"main a[href='{reverse('transport:dataset_create')}']").click()
    page.locator("#id_title").fill("Lignes de l'Ouest")
    page.locator("#id_summary").fill("Les horaires des bus et du tram de l'Ouest.")
    page.locator("#id_licence").fill("ODbL-1.0")
    page.locator("form.edit-form button[type=submit]").click()
    page.wait_for_url("**/transport/jeux/*/#add-resource")
    dataset = Dataset.objects.get(commons__title="Lignes de l'Ouest")

    # She uploads the feed; the worker checks it while the page waits.
    form = page.locator("#add-resource-section form")
    form.locator("#id_title").fill("Horaires théoriques")
    form.locator("#id_format").select_option("gtfs")
    form.locator("input[type=file]").set_input_files(str(feed))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    version = Version.objects.get(resource__dataset=dataset)
    assert version.status == VersionStatus.QUEUED
    expect(page.locator(".version-progress")).to_be_visible()
    run_worker()
    version.refresh_from_db()
    assert version.status == VersionStatus.READY, version.error
    expect(page.locator(".version-progress")).to_have_count(0, timeout=20_000)
    dataset.refresh_from_db()
    assert dataset.valid_until == today + timedelta(days=5)

    # Its report, then its departures board.
    page.locator(f"main a[href='{report_url(version)}']").first.click()
    page.wait_for_url("**" + report_url(version))
    expect(page.locator("h1")).to_be_visible()
    steps.shoot_both_languages(page, screenshot_dir, "journey-producer-report")
    page.go_back()
    page.locator("#departures-stop").select_option("STA")
    page.locator("#departures-date").fill(next_weekday(today).isoformat())
    page.locator("#departures-after").fill("06:00")
    page.locator(".departures-form button[type=submit]").click()
    rows = page.locator("#departures-results tbody tr")
    expect(rows.first).to_be_visible()
    expect(rows.first.locator("time")).to_have_text("08:00")
    page.locator("#departures").scroll_into_view_if_needed()
    steps.shoot_both_languages(page, screenshot_dir, "journey-producer-departures")

    # Sami follows the dataset from his own browser.
    steps.log_in(other_page, "sami")
    other_page.goto(other_page.base_url + dataset.get_absolute_url())
    other_page.locator("#follow button[type=submit]").click()
    expect(other_page.locator("#follow button[aria-pressed=true]")).to_be_visible()

    # The daily task the worker runs warns the followers: 5 days left.
    assert warn_expiring_datasets.call() == 1
    notified = Notification.objects.get(
        user__username="sami", activity__verb="transport_expires_soon"
    )
    assert notified.activity.data["days_left"] == 5
    other_page.goto(other_page.base_url + "/")
    other_page.locator(f"header a[href='{reverse('notifications:list')}']").click()
    item = other_page.locator(".notif-list .notif").first
    # The dataset is the subject; the end date is written out in French.
    expect(item.locator(".notif-what strong a")).to_have_text("Lignes de l'Ouest")
    with translation.override("fr"):
        end = formats.date_format(today + timedelta(days=5), "DATE_FORMAT")
    expect(item.locator(".notif-summary")).to_contain_text(f"le {end}, dans 5 jours")
    steps.shoot_both_languages(
        other_page, screenshot_dir, "journey-follower-notifications"
    )
    assert csp == []
