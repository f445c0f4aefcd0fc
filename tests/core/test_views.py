import pytest
from django.urls import reverse
from django.utils import translation

from fabrique.catalog import services
from tests.catalog.factories import make_commons, make_user

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_latest_commons_open_needs_and_communities(client):
    holder = make_user()
    commons = make_commons(holder, title="Bornes de recharge ouvertes")
    services.add_need(commons, user=holder, title="Des données IRVE", help_kind="data")
    membership = services.request_membership(commons, user=make_user(), role="user")
    services.approve_membership(membership, by=holder)
    with translation.override("en"):
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bornes de recharge ouvertes" in page
    assert "Des données IRVE" in page
    assert 'name="q"' in page
    assert f'action="{reverse("catalog:commons_list")}"' in page


def test_hidden_commons_stay_off_the_home_page(client):
    commons = make_commons(title="Caché")
    type(commons).objects.filter(pk=commons.pk).update(hidden=True)
    assert "Caché" not in client.get("/").content.decode()


def test_the_activity_page_lists_public_activity_and_skips_hidden_objects(client):
    user = make_user()
    shown = make_commons(user, title="Visible")
    hidden = make_commons(user, title="Masqué")
    type(hidden).objects.filter(pk=hidden.pk).update(hidden=True)
    services.follow(shown, user=user)  # a private activity
    with translation.override("en"):
        response = client.get(reverse("core:activity"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Visible" in page
    assert "Masqué" not in page
    assert [entry.verb for entry in response.context["activity"]] == ["created"]


def test_the_home_page_shows_a_new_commons_at_once_despite_its_cache(client):
    client.get("/")
    make_commons(title="Abris vélos sécurisés")
    assert "Abris vélos sécurisés" in client.get("/").content.decode()


def test_a_commons_hidden_by_moderation_leaves_the_home_page_at_once(client):
    commons = make_commons(title="À masquer")
    assert "À masquer" in client.get("/").content.decode()
    commons.hidden = True
    commons.save()
    assert "À masquer" not in client.get("/").content.decode()
