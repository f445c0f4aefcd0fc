import pytest

from fabrique.catalog import services
from fabrique.catalog.feeds import feed_for

from .factories import make_actor, make_commons, make_user

pytestmark = pytest.mark.django_db


def test_the_feed_shows_others_activity_on_followed_and_joined_pages():
    me, other = make_user(), make_user()
    followed = make_commons(other, title="Suivi")
    mine = make_commons(me, title="Le mien")
    unrelated = make_commons(other, title="Sans rapport")
    actor = make_actor(other)
    services.follow(followed, user=me)
    services.follow(actor, user=me)
    services.add_need(followed, user=other, title="Des testeurs", help_kind="testers")
    services.request_membership(mine, user=other, role="user")
    services.add_need(unrelated, user=other, title="Ailleurs", help_kind="data")
    services.add_need(mine, user=me, title="Le mien aussi", help_kind="data")
    services.add_place(actor, user=other, name="Dépôt", lat=45, lon=4)

    summaries = [entry.summary for entry in feed_for(me)]
    assert "Des testeurs" in summaries
    assert "Dépôt" in summaries
    assert any(entry.verb == "membership_requested" for entry in feed_for(me))
    assert "Ailleurs" not in summaries
    assert "Le mien aussi" not in summaries  # one's own activity is not news


def test_an_empty_feed_for_someone_who_follows_nothing():
    make_commons()
    assert list(feed_for(make_user())) == []


def test_the_feed_page_needs_signing_in(client):
    from django.urls import reverse

    response = client.get(reverse("core:feed"))
    assert response.status_code == 302
    client.force_login(make_user())
    assert client.get(reverse("core:feed")).status_code == 200
