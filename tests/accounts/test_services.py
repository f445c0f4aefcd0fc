"""Account export, deletion, roles and organisation members."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation

from fabrique.accounts.models import ApiToken, User
from fabrique.accounts.services import (
    AccountError,
    add_organisation_member,
    change_organisation_member_role,
    delete_account,
    export_user_data,
    remove_organisation_member,
    set_role,
)
from fabrique.catalog import services as catalog
from fabrique.catalog.models import Actor, ActorMember
from fabrique.core.models import AuditLog, Follow
from fabrique.core.revisions import revisions_of
from tests.catalog.factories import make_actor, make_commons, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Error messages are matched in their English source."""
    with translation.override("en"):
        yield


def private_person(username: str, **fields) -> User:
    return make_user(
        username,
        email=f"{username}@example.org",
        first_name=f"{username.title()}-first",
        last_name=f"{username.title()}-last",
        phone=f"+33 6 {len(username):02d} {ord(username[0]):03d} 78",
        display_name=f"{username.title()} D.",
        bio="J'aime les vélos cargo.",
        city="Lyon",
        website="https://example.org/" + username,
        skills=["GTFS", "logistique"],
        **fields,
    )


def test_export_contains_my_profile_revisions_memberships_messages_and_tokens():
    me = private_person("camille")
    commons = make_commons(user=me, title="Cargo libre")
    discussion = catalog.start_discussion(
        commons, user=me, title="Freins", body="Quels freins ?"
    )
    ApiToken.issue(me, "script")
    data = export_user_data(me)
    assert data["profile"]["email"] == "camille@example.org"
    assert data["profile"]["phone"] == me.phone
    assert [r["content"]["title"] for r in data["revisions"]] == ["Cargo libre"]
    assert data["revisions"][0]["target"]["type"] == "catalog.commons"
    assert any(m["commons"] == commons.slug for m in data["community_memberships"])
    assert [m["body"] for m in data["messages"]] == ["Quels freins ?"]
    assert data["discussions"][0]["title"] == discussion.title
    assert data["api_tokens"][0]["name"] == "script"
    assert data["activities"]


def test_export_contains_no_password_hash_and_no_other_user_private_field():
    me = private_person("camille")
    other = private_person("dominique")
    commons = make_commons(user=me)
    catalog.request_membership(commons, user=other, role="contributor")
    discussion = catalog.start_discussion(commons, user=other, title="t", body="b")
    catalog.post_message(discussion, user=me, body="Réponse")
    token, key = ApiToken.issue(me, "script")
    text = json.dumps(export_user_data(me), cls=DjangoJSONEncoder)
    assert me.password not in text
    assert "pbkdf2" not in text
    assert "password" not in text
    assert token.key_hash not in text
    assert key not in text
    for value in (
        other.email,
        other.first_name,
        other.last_name,
        other.phone,
        other.username,
    ):
        assert value not in text, value


def test_deleted_account_is_anonymised_and_its_tokens_removed():
    user = private_person("camille")
    ApiToken.issue(user, "script")
    commons = make_commons(user=user)
    Follow.objects.get_or_create(user=user, content_type_id=1, object_id=commons.pk)
    delete_account(user)
    user.refresh_from_db()
    assert user.username == f"deleted-{user.pk}"
    assert user.deleted is True
    assert user.is_active is False
    assert user.password.startswith(UNUSABLE_PASSWORD_PREFIX)
    for name in ("email", "first_name", "last_name", "phone", "display_name", "bio",
                 "city", "website"):  # fmt: skip
        assert getattr(user, name) == "", name
    assert user.skills == []
    assert not ApiToken.objects.filter(user=user).exists()
    assert not Follow.objects.filter(user=user).exists()
    assert user.public_name in {"deleted user", "utilisateur supprimé"}


def test_a_deleted_account_s_revision_shows_deleted_user(client, settings):
    settings.LANGUAGE_CODE = "en"
    author = private_person("camille")
    commons = make_commons(user=author, title="Cargo libre")
    delete_account(author)
    revision = revisions_of(commons).get()
    assert revision.author_id == author.pk  # the contribution stays attributed
    response = client.get(f"/communs/{commons.slug}/historique/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "deleted user" in body
    assert "Camille D." not in body
    assert "camille" not in body.lower().replace("cargo", "")


def test_deleting_an_account_unlinks_its_person_page_and_organisations():
    user = private_person("camille")
    person = make_actor(user=user, name="Camille", is_organisation=False, type="person")
    Actor.objects.filter(pk=person.pk).update(user=user)
    org = make_actor(user=user, name="Atelier")
    assert org.members.filter(user=user).exists()
    delete_account(user)
    person.refresh_from_db()
    assert person.user_id is None
    assert not ActorMember.objects.filter(user=user).exists()


def test_only_an_administrator_changes_roles_and_the_change_is_audited():
    admin = make_user("admin", role=User.Role.ADMIN)
    moderator = make_user("mod", role=User.Role.MODERATOR)
    member = make_user("member")
    with pytest.raises(AccountError):
        set_role(member, User.Role.MODERATOR, by=moderator)
    set_role(member, User.Role.MODERATOR, by=admin, reason="volunteered")
    member.refresh_from_db()
    assert member.role == User.Role.MODERATOR
    entry = AuditLog.objects.get(object_id=member.pk, moderator=admin)
    assert entry.action == "role:member->moderator"
    assert entry.reason == "volunteered"


def test_an_unknown_role_is_refused_by_name():
    admin = make_user("admin", role=User.Role.ADMIN)
    with pytest.raises(AccountError, match="overlord"):
        set_role(make_user(), "overlord", by=admin)


def test_an_administrator_cannot_demote_themself():
    admin = make_user("admin", role=User.Role.ADMIN)
    with pytest.raises(AccountError):
        set_role(admin, User.Role.MEMBER, by=admin)


def test_the_creator_of_an_organisation_without_members_adds_the_first_admin():
    creator = make_user("creator")
    org = make_actor(user=creator)
    org.members.all().delete()
    member = add_organisation_member(org, creator, ActorMember.Role.MEMBER, by=creator)
    assert member.role == ActorMember.Role.ADMIN
    with pytest.raises(AccountError):
        add_organisation_member(org, make_user(), by=make_user())


def test_organisation_administrators_add_members_and_others_cannot():
    creator = make_user("creator")
    org = make_actor(user=creator)
    alix = make_user("alix")
    add_organisation_member(org, alix, ActorMember.Role.MEMBER, by=creator)
    with pytest.raises(AccountError):
        add_organisation_member(org, make_user("sam"), by=alix)
    with pytest.raises(AccountError, match="already"):
        add_organisation_member(org, alix, by=creator)
    assert org.members.count() == 2


def test_a_person_actor_has_no_members():
    user = make_user()
    person = make_actor(user=user, is_organisation=False, type="person")
    with pytest.raises(AccountError, match="not an organisation"):
        add_organisation_member(person, user, by=user)


def test_an_organisation_keeps_at_least_one_administrator():
    creator = make_user("creator")
    org = make_actor(user=creator)
    own = org.members.get(user=creator)
    with pytest.raises(AccountError, match="at least one administrator"):
        change_organisation_member_role(own, ActorMember.Role.MEMBER, by=creator)
    with pytest.raises(AccountError, match="at least one administrator"):
        remove_organisation_member(own, by=creator)
    alix = add_organisation_member(org, make_user("alix"), by=creator)
    change_organisation_member_role(alix, ActorMember.Role.ADMIN, by=creator)
    remove_organisation_member(own, by=creator)
    assert list(org.members.values_list("user__username", flat=True)) == ["alix"]


def test_a_member_may_leave_an_organisation():
    creator = make_user("creator")
    org = make_actor(user=creator)
    alix = add_organisation_member(org, make_user("alix"), by=creator)
    remove_organisation_member(alix, by=alix.user)
    assert not org.members.filter(user=alix.user).exists()
