"""Needs and community memberships (``fabrique.api.community``)."""

from __future__ import annotations

import pytest

from fabrique.catalog.models import Commons, CommunityMembership, Need
from tests.api.conftest import ApiClient, token_for
from tests.catalog.factories import make_commons, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def commons(owner):
    return make_commons(user=owner)


def test_anyone_signed_in_adds_a_need_and_only_author_or_holder_change_it(
    commons, as_owner, as_stranger
):
    other = ApiClient(token_for(make_user("author")))
    created = other.post(
        "/api/1/needs/",
        {"commons": commons.slug, "title": "Des testeurs", "help_kind": "testers"},
    )
    assert created.status_code == 201, created.content
    need_id = created.json()["id"]
    url = f"/api/1/needs/{need_id}/"
    assert as_stranger.patch(url, {"status": "met"}).status_code == 403
    assert as_stranger.delete(url).status_code == 403
    assert (
        other.patch(url, {"title": "Des testeuses"}).json()["title"] == "Des testeuses"
    )
    assert as_owner.patch(url, {"status": "met"}).json()["status"] == "met"
    assert as_owner.delete(url).status_code == 204
    assert not Need.objects.filter(pk=need_id).exists()


def test_needs_of_hidden_commons_are_not_listed(commons, anonymous):
    Need.objects.create(commons=commons, title="Fonds", help_kind="funding")
    assert anonymous.get("/api/1/needs/").json()["total"] == 1
    Commons.objects.filter(pk=commons.pk).update(hidden=True)
    assert anonymous.get("/api/1/needs/").json()["total"] == 0


def test_a_request_to_join_waits_for_a_holder(
    commons, as_owner, as_stranger, anonymous
):
    asked = as_stranger.post(
        "/api/1/memberships/",
        {"commons": commons.slug, "role": "contributor", "message": "Je code"},
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["status"] == "requested"
    url = f"/api/1/memberships/{asked.json()['id']}/"
    # Pending requests are not public, but the requester and holders see them.
    assert anonymous.get(url).status_code == 404
    assert as_stranger.get(url).status_code == 200
    # The requester cannot approve their own request.
    assert as_stranger.patch(url, {"status": "active"}).status_code == 403
    approved = as_owner.patch(url, {"status": "active"})
    assert approved.status_code == 200
    assert approved.json()["status"] == "active"
    assert anonymous.get(url).json()["member"] == "stranger"


def test_asking_twice_is_a_conflict(commons, as_stranger):
    body = {"commons": commons.slug, "role": "user"}
    assert as_stranger.post("/api/1/memberships/", body).status_code == 201
    again = as_stranger.post("/api/1/memberships/", body)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "membership_state"


def test_nobody_edits_someone_elses_membership(commons, owner, as_stranger):
    holder = CommunityMembership.objects.get(commons=commons, user=owner)
    url = f"/api/1/memberships/{holder.pk}/"
    assert as_stranger.patch(url, {"status": "left"}).status_code == 403
    assert as_stranger.delete(url).status_code == 403
    holder.refresh_from_db()
    assert holder.status == "active"


def test_the_last_holder_cannot_leave(commons, owner, as_owner):
    holder = CommunityMembership.objects.get(commons=commons, user=owner)
    response = as_owner.patch(f"/api/1/memberships/{holder.pk}/", {"status": "left"})
    assert response.status_code == 409


def test_a_requester_withdraws_a_pending_request(commons, stranger, as_stranger):
    asked = as_stranger.post(
        "/api/1/memberships/", {"commons": commons.slug, "role": "funder"}
    )
    url = f"/api/1/memberships/{asked.json()['id']}/"
    assert as_stranger.delete(url).status_code == 204
    assert not CommunityMembership.objects.filter(user=stranger).exists()


def test_memberships_filter_by_commons_and_role(commons, anonymous):
    other = make_commons(title="Autre")
    body = anonymous.get("/api/1/memberships/", commons=other.slug, role="holder")
    assert [m["commons"] for m in body.json()["data"]] == [other.slug]
