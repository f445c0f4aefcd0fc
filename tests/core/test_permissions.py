"""The permission helpers every page and API route relies on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from fabrique.accounts.models import ApiToken, User
from fabrique.accounts.services import delete_account
from fabrique.catalog import services as catalog
from fabrique.catalog.models import ActorMember, Commons
from fabrique.core.permissions import (
    can_create,
    can_edit,
    can_moderate,
    can_view,
    edit_rule,
    is_admin,
    require_edit,
    require_moderator,
    visible,
)
from tests.catalog.factories import make_actor, make_commons, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return make_user("member")


@pytest.fixture
def moderator():
    return make_user("moderator", role=User.Role.MODERATOR)


@pytest.fixture
def admin():
    return make_user("admin", role=User.Role.ADMIN)


def test_roles_member_moderator_admin(member, moderator, admin):
    assert not can_moderate(member)
    assert can_moderate(moderator)
    assert can_moderate(admin)
    assert not is_admin(moderator)
    assert is_admin(admin)
    assert is_admin(make_user("root", is_superuser=True))


def test_anonymous_and_deleted_users_can_do_nothing(member):
    commons = make_commons(user=member)
    assert not can_edit(AnonymousUser(), commons)
    assert not can_create(AnonymousUser())
    assert not can_moderate(AnonymousUser())
    deleted = make_user("gone", role=User.Role.MODERATOR)
    delete_account(deleted)
    assert not can_edit(deleted, commons)
    assert not can_moderate(deleted)


def test_anyone_signed_in_completes_a_visible_commons_and_actor(member):
    commons = make_commons()
    actor = make_actor()
    assert can_edit(member, commons)
    assert can_edit(member, actor)


def test_hidden_content_is_edited_and_seen_by_moderators_only(member, moderator):
    commons = make_commons()
    Commons.objects.filter(pk=commons.pk).update(hidden=True)
    commons.refresh_from_db()
    assert not can_edit(member, commons)
    assert can_edit(moderator, commons)
    assert not can_view(member, commons)
    assert not can_view(AnonymousUser(), commons)
    assert can_view(moderator, commons)
    assert list(visible(Commons.objects.all(), member)) == []
    assert list(visible(Commons.objects.all(), moderator)) == [commons]
    with pytest.raises(PermissionDenied):
        require_edit(member, commons)


def test_a_message_is_edited_by_its_author_and_moderators(member, moderator):
    commons = make_commons()
    discussion = catalog.start_discussion(commons, user=member, title="t", body="b")
    message = discussion.messages.get()
    assert can_edit(member, message)
    assert can_edit(moderator, message)
    assert not can_edit(make_user(), message)


def test_an_account_and_its_tokens_belong_to_their_owner_not_to_moderators(
    member, moderator, admin
):
    token, _key = ApiToken.issue(member, "script")
    assert can_edit(member, member)
    assert can_edit(member, token)
    assert not can_edit(moderator, member)
    assert not can_edit(moderator, token)
    assert can_edit(admin, member)
    assert not can_edit(admin, token)


def test_organisation_membership_is_managed_by_its_administrators(member):
    founder = make_user("founder")
    org = make_actor(user=founder)
    row = ActorMember.objects.create(actor=org, user=member, role="member")
    assert can_edit(founder, row)
    assert not can_edit(member, row)


def test_apps_register_their_own_edit_rules():
    class Gadget:
        hidden = False

    @edit_rule(Gadget)  # type: ignore[arg-type]
    def _only_named_alix(user, obj):
        return user.username == "alix"

    assert can_edit(make_user("alix"), Gadget())
    assert not can_edit(make_user("sam"), Gadget())


def test_objects_without_a_rule_are_edited_by_their_owner(member):
    class Note:
        hidden = False

        def __init__(self, author_id):
            self.author_id = author_id

    assert can_edit(member, Note(member.pk))
    assert not can_edit(member, Note(member.pk + 1000))


def test_require_moderator_sends_visitors_to_login_and_refuses_members(
    member, moderator
):
    @require_moderator
    def view(request):
        return HttpResponse("queue")

    factory = RequestFactory()
    request = factory.get("/moderation/")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302
    assert "next=/moderation/" in response["Location"]
    request.user = member
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = moderator
    assert view(request).status_code == 200
