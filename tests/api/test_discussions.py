"""Discussions and messages (``fabrique.api.discussions``)."""

from __future__ import annotations

import pytest

from fabrique.catalog.models import Commons
from fabrique.core.models import Discussion, Message
from tests.catalog.factories import make_actor, make_commons

pytestmark = pytest.mark.django_db


@pytest.fixture
def commons(owner):
    return make_commons(user=owner)


def start(client, commons, **overrides):
    body = {
        "target_type": "commons",
        "target": commons.slug,
        "title": "Format des horaires",
        "body": "Faut-il publier en **GTFS** ?",
    }
    body.update(overrides)
    return client.post("/api/1/discussions/", body)


def test_a_discussion_is_opened_with_its_first_message(commons, as_stranger, anonymous):
    response = start(as_stranger, commons)
    assert response.status_code == 201, response.content
    discussion = response.json()
    assert discussion["target"] == commons.slug
    assert discussion["author"]["username"] == "stranger"
    messages = anonymous.get(f"/api/1/discussions/{discussion['id']}/messages/").json()
    assert messages["total"] == 1
    assert "<strong>GTFS</strong>" in messages["data"][0]["body_html"]


def test_discussions_are_listed_by_subject(commons, as_stranger, anonymous):
    actor = make_actor()
    start(as_stranger, commons)
    start(as_stranger, actor, target_type="actor", title="Sur l'acteur")
    listed = anonymous.get(
        "/api/1/discussions/", target_type="actor", target=actor.slug
    ).json()
    assert [d["title"] for d in listed["data"]] == ["Sur l'acteur"]
    missing = anonymous.get("/api/1/discussions/", target=actor.slug)
    assert missing.status_code == 422


def test_anyone_replies_but_only_authors_edit_their_messages(
    commons, as_owner, as_stranger
):
    discussion_id = start(as_stranger, commons).json()["id"]
    reply = as_owner.post(
        f"/api/1/discussions/{discussion_id}/messages/", {"body": "Oui, en GTFS."}
    )
    assert reply.status_code == 201
    url = f"/api/1/messages/{reply.json()['id']}/"
    assert as_stranger.patch(url, {"body": "Non."}).status_code == 403
    assert as_stranger.delete(url).status_code == 403
    assert as_owner.patch(url, {"body": "Oui, GTFS."}).json()["body"] == "Oui, GTFS."


def test_only_the_author_closes_a_discussion_and_then_nobody_replies(
    commons, as_owner, as_stranger
):
    discussion_id = start(as_stranger, commons).json()["id"]
    url = f"/api/1/discussions/{discussion_id}/"
    assert as_owner.patch(url, {"closed": True}).status_code == 403
    assert as_stranger.patch(url, {"closed": True}).json()["closed"] is True
    reply = as_owner.post(f"{url}messages/", {"body": "Trop tard ?"})
    assert reply.status_code == 409
    assert reply.json()["error"]["code"] == "discussion_closed"


def test_a_discussion_others_replied_to_is_deleted_only_by_a_moderator(
    commons, as_owner, as_stranger, as_moderator
):
    discussion_id = start(as_stranger, commons).json()["id"]
    url = f"/api/1/discussions/{discussion_id}/"
    as_owner.post(f"{url}messages/", {"body": "Réponse"})
    assert as_stranger.delete(url).status_code == 403
    assert as_moderator.delete(url).status_code == 204
    assert not Discussion.objects.filter(pk=discussion_id).exists()
    assert not Message.objects.filter(discussion_id=discussion_id).exists()


def test_discussions_on_hidden_commons_and_hidden_messages_are_not_shown(
    commons, as_stranger, anonymous
):
    discussion_id = start(as_stranger, commons).json()["id"]
    Message.objects.filter(discussion_id=discussion_id).update(hidden=True)
    messages = anonymous.get(f"/api/1/discussions/{discussion_id}/messages/").json()
    assert messages["total"] == 0
    Commons.objects.filter(pk=commons.pk).update(hidden=True)
    assert anonymous.get(f"/api/1/discussions/{discussion_id}/").status_code == 404
    assert anonymous.get("/api/1/discussions/").json()["total"] == 0


def test_an_empty_message_is_refused(commons, as_stranger):
    response = start(as_stranger, commons, body="   ")
    assert response.status_code == 422
    assert not Discussion.objects.exists()
