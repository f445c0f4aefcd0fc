"""The demo content: complete, credible, idempotent, and usable to log in."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from fabrique.catalog.demo import (
    DEMO_ADMIN,
    DEMO_MODERATOR,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    load_demo,
    unwrap,
)
from fabrique.catalog.demo_data import COMMONS
from fabrique.catalog.models import (
    Actor,
    ActorType,
    Commons,
    CommonsImage,
    CommunityMembership,
    Kind,
    Need,
    Theme,
)
from fabrique.core.models import Activity, Discussion, Message, Report, Revision
from fabrique.core.revisions import revisions_of
from fabrique.core.search import search

# Licences the demo may use: valid SPDX identifiers.
SPDX = {
    "AGPL-3.0-or-later", "Apache-2.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0",
    "CERN-OHL-P-2.0", "CERN-OHL-S-2.0", "CERN-OHL-W-2.0", "EUPL-1.2",
    "GPL-3.0-or-later", "MIT", "ODbL-1.0", "etalab-2.0",
}  # fmt: skip


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load the demo once for this module, and roll it back afterwards."""
    media = tmp_path_factory.mktemp("demo-media")
    with (
        override_settings(MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        assert load_demo() is True
        yield media
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_demo_has_at_least_forty_commons_of_all_five_kinds():
    kinds = Counter(Commons.objects.values_list("kind", flat=True))
    assert sum(kinds.values()) >= 40
    assert set(kinds) == set(Kind.values)
    assert min(kinds.values()) >= 6


def test_demo_has_twenty_five_actors_of_every_type_each_with_a_place():
    types = Counter(Actor.objects.values_list("type", flat=True))
    assert sum(types.values()) >= 25
    assert set(types) == set(ActorType.values)
    assert not Actor.objects.filter(places__isnull=True).exists()
    assert not Actor.objects.filter(skills=[]).exists()


def test_actor_places_lie_in_metropolitan_france():
    for actor in Actor.objects.prefetch_related("places"):
        for place in actor.places.all():
            assert 41 < place.lat < 51.5, (actor, place)
            assert -5.5 < place.lon < 10, (actor, place)


def test_person_actors_belong_to_their_account():
    people = Actor.objects.filter(type=ActorType.PERSON)
    assert people.exists()
    assert not people.filter(user__isnull=True).exists()
    assert not people.filter(is_organisation=True).exists()


def test_demo_has_six_themes_each_holding_commons():
    assert Theme.objects.count() == 6
    assert not Theme.objects.filter(commons__isnull=True).exists()


def test_every_commons_has_pillars_licence_tags_links_and_a_real_description():
    for commons in Commons.objects.all():
        assert commons.pillar_resource.strip(), commons
        assert commons.pillar_community.strip(), commons
        assert commons.pillar_governance.strip(), commons
        assert commons.licence in SPDX, commons
        assert len(commons.tags) >= 3, commons
        assert commons.themes.exists(), commons
        assert commons.documentation_url or commons.download_url, commons
        assert commons.description.count("\n\n") >= 2, commons
        assert len(commons.description) > 400, commons


def test_every_demo_address_is_a_placeholder_under_example_org():
    urls = [
        url
        for row in Commons.objects.values_list(
            "repository_url", "documentation_url", "demo_url", "download_url"
        )
        for url in row
        if url
    ]
    urls += [url for url in Actor.objects.values_list("website", flat=True) if url]
    urls += list(get_user_model().objects.values_list("email", flat=True))
    assert urls
    for url in urls:
        host = urlsplit(url).hostname or url.rpartition("@")[2]
        assert host == "example.org" or host.endswith(".example.org"), url


def test_maturities_span_idea_to_production():
    maturities = set(Commons.objects.values_list("maturity", flat=True))
    assert {"idea", "prototype", "beta", "production"} <= maturities


def test_memberships_cover_every_role_in_every_status():
    pairs = set(CommunityMembership.objects.values_list("role", "status"))
    for role in CommunityMembership.Role.values:
        for status in CommunityMembership.Status.values:
            assert (role, status) in pairs, (role, status)


def test_every_commons_has_an_active_holder_approved_by_a_holder():
    for commons in Commons.objects.all():
        holders = commons.memberships.filter(
            role=CommunityMembership.Role.HOLDER,
            status=CommunityMembership.Status.ACTIVE,
        )
        assert holders.filter(actor__isnull=False).exists(), commons
    decided = CommunityMembership.objects.exclude(status="requested").exclude(
        approved_by=None
    )
    assert decided.exists()


def test_demo_login_holds_commons_with_requests_to_decide():
    camille = get_user_model().objects.get(username=DEMO_USERNAME)
    pending = CommunityMembership.objects.filter(
        commons__memberships__actor__members__user=camille,
        commons__memberships__role="holder",
        status="requested",
    )
    assert pending.exists()


def test_needs_are_open_in_progress_met_and_closed():
    statuses = set(Need.objects.values_list("status", flat=True))
    assert statuses == set(Need.Status.values)
    kinds = set(Need.objects.values_list("help_kind", flat=True))
    assert kinds == set(Need.HelpKind.values)


def test_every_commons_has_several_revisions_that_change_something():
    several_authors = 0
    for commons in Commons.objects.all():
        revisions = list(revisions_of(commons).order_by("number"))
        assert [r.number for r in revisions] == list(range(1, commons.revision + 1))
        assert len(revisions) >= 3, commons
        assert (
            revisions[0].content["description"] != revisions[-1].content["description"]
        )
        assert all(r.comment for r in revisions)
        several_authors += len({r.author_id for r in revisions}) > 1
    assert several_authors >= 25


def test_the_latest_revision_holds_the_current_content():
    for commons in Commons.objects.all():
        latest = revisions_of(commons).order_by("-number").first()
        assert latest.content["title"] == commons.title
        assert latest.content["maturity"] == commons.maturity
        assert sorted(latest.content["themes"]) == sorted(
            commons.themes.values_list("slug", flat=True)
        )


def test_discussions_have_replies_and_one_message_awaits_moderation():
    assert Discussion.objects.count() >= 10
    assert Message.objects.count() > Discussion.objects.count() * 2
    assert Report.objects.filter(status=Report.Status.OPEN).exists()


def test_activity_and_dates_are_spread_over_the_past_months():
    now = timezone.now()
    oldest = Activity.objects.order_by("created").first().created
    newest = Activity.objects.order_by("-created").first().created
    assert oldest < now - timedelta(days=300)
    assert newest <= now
    for commons in Commons.objects.all():
        assert commons.created < commons.updated <= now
    dates = set(Revision.objects.values_list("created__date", flat=True))
    assert len(dates) > 100


def test_every_kind_of_activity_is_recorded():
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {
        "created", "edited", "membership_requested", "membership_approved",
        "membership_declined", "membership_left", "need_added", "need_status",
        "discussion_started", "message_posted", "place_added", "reverted",
    } <= verbs  # fmt: skip


def test_demo_commons_are_found_by_search_without_accents():
    result = search("velo", types=["commons"], page_size=100)
    titles = {hit.title for hit in result.hits}
    assert "Vélos en libre-service — flux GBFS" in titles
    assert result.total >= 5


def test_loading_the_demo_again_changes_nothing():
    before = (Commons.objects.count(), Actor.objects.count(), Revision.objects.count())
    assert load_demo() is False
    after = (Commons.objects.count(), Actor.objects.count(), Revision.objects.count())
    assert before == after


def test_unwrap_joins_wrapped_lines_but_keeps_headings_and_list_items():
    text = "A long\nparagraph.\n\n## Title\n\n- one\n  more\n- two\n1. first\n   step"
    assert unwrap(text) == (
        "A long paragraph.\n\n## Title\n\n- one more\n- two\n1. first step"
    )


def test_stored_descriptions_have_one_line_per_paragraph_or_item():
    for commons in Commons.objects.all():
        for block in commons.description.split("\n\n"):
            for line in block.splitlines()[1:]:
                assert line.startswith(("- ", "1. ", "2. ", "3. ", "4. ", "5. ")), (
                    commons,
                    line,
                )


def test_some_commons_are_illustrated_with_checked_images(demo):
    images = CommonsImage.objects.all()
    assert images.count() >= 4
    for image in images:
        assert image.alt
        assert (image.width, image.height) == (960, 540)
        assert (demo / image.image.name).is_file()


def test_demo_data_keys_are_unique():
    keys = [item["key"] for item in COMMONS]
    assert len(keys) == len(set(keys))


def test_the_demo_login_works_and_every_demo_account_accepted_the_charter(client):
    assert client.login(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    users = get_user_model().objects.all()
    assert not users.filter(charter_accepted_at__isnull=True).exists()
    assert users.get(username=DEMO_MODERATOR).is_moderator
    admin = users.get(username=DEMO_ADMIN)
    assert admin.is_superuser
    assert admin.role == "admin"
    assert not users.get(username=DEMO_USERNAME).is_moderator


def test_the_demo_pages_answer(client):
    commons = Commons.objects.get(title="Vélos en libre-service — flux GBFS")
    actor = Actor.objects.get(name="Cargonaute")
    for url in ("/", commons.get_absolute_url(), actor.get_absolute_url()):
        assert client.get(url).status_code == 200, url
