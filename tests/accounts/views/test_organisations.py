"""Organisation members are managed by the organisation's administrators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fabrique.catalog.models import ActorMember
from tests.catalog.factories import make_actor, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_actor(user=make_user("founder"), name="Atelier Mobile")


def url(org):
    return reverse("accounts:organisation_members", args=[org.slug])


def test_an_administrator_adds_a_member_by_username(client, org):
    make_user("alix")
    client.force_login(org.created_by)
    response = client.post(url(org), {"username": "Alix", "role": "member"})
    assert response.status_code == 302
    assert org.members.get(user__username="alix").role == ActorMember.Role.MEMBER


def test_adding_an_unknown_username_says_so(client, org, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(org.created_by)
    response = client.post(url(org), {"username": "ghost", "role": "member"})
    assert response.status_code == 200
    assert "No account is named “ghost”" in response.content.decode()


def test_a_plain_member_sees_the_members_but_cannot_add(client, org):
    alix = make_user("alix")
    ActorMember.objects.create(actor=org, user=alix, role="member")
    client.force_login(alix)
    assert client.get(url(org)).status_code == 200
    make_user("sam")
    assert (
        client.post(url(org), {"username": "sam", "role": "member"}).status_code == 403
    )
    assert not org.members.filter(user__username="sam").exists()


def test_an_outsider_cannot_see_the_members_page(client, org):
    client.force_login(make_user("outsider"))
    assert client.get(url(org)).status_code == 403


def test_an_administrator_changes_a_role_and_removes_a_member(client, org):
    alix = make_user("alix")
    member = ActorMember.objects.create(actor=org, user=alix, role="member")
    client.force_login(org.created_by)
    update = reverse("accounts:organisation_member_update", args=[org.slug, member.pk])
    client.post(update, {"action": "role", "role": "admin"})
    member.refresh_from_db()
    assert member.role == "admin"
    client.post(update, {"action": "remove"})
    assert not org.members.filter(user=alix).exists()


def test_the_profile_lists_my_organisations_with_a_link_to_manage_them(client, org):
    client.force_login(org.created_by)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "Atelier Mobile" in body
    assert url(org) in body
