"""Moderators see hidden commons and actors, with a banner to restore them;
everyone else gets "not found". One edit rule: ``core.permissions``."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fabrique.catalog import services
from fabrique.catalog.models import Commons
from fabrique.core import moderation, permissions

from .factories import make_actor, make_commons, make_user

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def moderator():
    return make_user("modo", role="moderator")


def test_a_hidden_commons_is_shown_to_moderators_with_a_restore_banner(moderator):
    commons = make_commons(title="Commun caché")
    moderation.hide(commons, moderator=moderator, reason="Spam publicitaire")
    url = commons.get_absolute_url()
    assert _client().get(url).status_code == 404
    assert _client(make_user()).get(url).status_code == 404
    page = _client(moderator).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Commun caché" in text
    assert "hidden-banner" in text
    action = reverse("core:moderation_act", args=["catalog.commons", commons.pk])
    assert f'action="{action}"' in text
    assert 'value="restore"' in text


def test_the_banner_restores_the_commons_for_everyone(moderator):
    commons = make_commons()
    moderation.hide(commons, moderator=moderator, reason="Spam publicitaire")
    action = reverse("core:moderation_act", args=["catalog.commons", commons.pk])
    response = _client(moderator).post(
        action, {"action": "restore", "reason": "Signalement infondé"}
    )
    assert response.status_code == 302
    assert not Commons.objects.get(pk=commons.pk).hidden
    assert _client().get(commons.get_absolute_url()).status_code == 200


def test_a_hidden_actor_and_histories_are_shown_to_moderators_only(moderator):
    actor = make_actor(name="Acteur caché")
    commons = make_commons()
    moderation.hide(actor, moderator=moderator, reason="Faux profil signalé")
    moderation.hide(commons, moderator=moderator, reason="Spam publicitaire")
    urls = [
        actor.get_absolute_url(),
        reverse("catalog:actor_history", args=[actor.slug]),
        reverse("catalog:commons_history", args=[commons.slug]),
    ]
    for url in urls:
        assert _client().get(url).status_code == 404, url
        assert _client(make_user()).get(url).status_code == 404, url
        assert _client(moderator).get(url).status_code == 200, url
    assert "hidden-banner" in _client(moderator).get(urls[0]).content.decode()


def test_a_visible_page_shows_no_banner_to_moderators(moderator):
    commons = make_commons()
    assert "hidden-banner" not in (
        _client(moderator).get(commons.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize("model", ["commons", "actor"])
def test_services_and_permissions_agree_on_who_may_edit(model, moderator):
    obj = make_commons() if model == "commons" else make_actor()
    member = make_user()
    inactive = make_user(is_active=False)
    deleted = make_user(deleted=True)
    people = [AnonymousUser(), member, inactive, deleted, moderator]
    for hidden in (False, True):
        type(obj).objects.filter(pk=obj.pk).update(hidden=hidden)
        obj.refresh_from_db()
        for user in people:
            assert services.can_edit(user, obj) == permissions.can_edit(user, obj)
    # And the rule itself: members complete visible pages, moderators any.
    assert services.can_edit(member, obj) is False  # hidden at the end
    assert services.can_edit(moderator, obj) is True
    type(obj).objects.filter(pk=obj.pk).update(hidden=False)
    obj.refresh_from_db()
    assert services.can_edit(member, obj) is True
    assert services.can_edit(AnonymousUser(), obj) is False
    assert services.can_edit(deleted, obj) is False


def test_editing_a_hidden_commons_is_refused_to_members_with_the_reason(moderator):
    from django.core.exceptions import PermissionDenied

    commons = make_commons()
    Commons.objects.filter(pk=commons.pk).update(hidden=True)
    commons.refresh_from_db()
    with (
        translation.override("en"),
        pytest.raises(PermissionDenied, match="hidden by moderation"),
    ):
        services.update_commons(
            commons,
            user=make_user(),
            data={"summary": "Nouveau"},
            base_revision=commons.revision,
        )
    assert Commons.objects.get(pk=commons.pk).summary != "Nouveau"
