"""Acting on a suggestion: invite, answer, opt out — pages, API, notifications."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fabrique.community import invitations, matching, services
from fabrique.community.models import Invitation, Participation
from fabrique.notifications.models import Notification
from tests.api.conftest import ApiClient, token_for
from tests.catalog.factories import make_user
from tests.community.factories import facilitator_of, make_challenge, make_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    need = make_need(title="Comment partager plus de vélos cargo ?")
    challenge = make_challenge(
        need,
        title="Vélos cargo en prêt",
        goal="Prêter des vélos cargo et publier leur disponibilité en GBFS.",
    )
    member = make_user("membre")
    services.join_challenge(challenge, user=member)
    return {
        "challenge": challenge,
        "facilitator": facilitator_of(challenge),
        "alice": make_user("alice", skills=["vélos cargo", "GBFS"]),
        "member": member,
        "stranger": make_user("stranger"),
    }


def test_only_the_invited_person_hears_of_an_invitation(scene):
    challenge, alice = scene["challenge"], scene["alice"]
    invitation = invitations.invite(
        challenge, by=scene["facilitator"], user=alice, role="producer",
        message="Ton atelier nous aiderait.",
    )  # fmt: skip
    notified = set(
        Notification.objects.filter(activity__verb="challenge_invited").values_list(
            "user__username", flat=True
        )
    )
    assert notified == {"alice"}  # not the members of the challenge
    # Inviting again while it waits gives the same invitation.
    again = invitations.invite(
        challenge, by=scene["facilitator"], user=alice, role="field_actor"
    )
    assert again.pk == invitation.pk
    suggestion = next(
        s for s in matching.for_challenge(challenge)["people"] if s.obj == alice
    )
    assert suggestion.invited


def test_accepting_joins_in_the_role_and_declining_does_not(scene):
    challenge = scene["challenge"]
    invitation = invitations.invite(
        challenge, by=scene["facilitator"], user=scene["alice"], role="producer"
    )
    joined = invitations.answer(invitation, user=scene["alice"], accept=True)
    assert joined is not None
    assert (joined.role, joined.status) == ("producer", "active")
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert invitation.answered is not None
    with pytest.raises(services.CommunityError, match="already answered"):
        invitations.answer(invitation, user=scene["alice"], accept=False)

    bob = make_user("bob")
    declined = invitations.invite(
        challenge, by=scene["facilitator"], user=bob, role="field_actor"
    )
    assert invitations.answer(declined, user=bob, accept=False) is None
    assert not challenge.participations.filter(user=bob).exists()


def test_who_may_invite_whom(scene):
    challenge = scene["challenge"]
    with pytest.raises(services.PermissionDenied):
        invitations.invite(
            challenge, by=scene["stranger"], user=scene["alice"], role="producer"
        )
    with pytest.raises(services.CommunityError, match="already takes part"):
        invitations.invite(
            challenge, by=scene["facilitator"], user=scene["member"], role="producer"
        )
    with pytest.raises(services.CommunityError, match="Invite as"):
        invitations.invite(
            challenge, by=scene["facilitator"], user=scene["alice"], role="facilitator"
        )
    invitation = invitations.invite(
        challenge, by=scene["facilitator"], user=scene["alice"], role="producer"
    )
    with pytest.raises(services.PermissionDenied):
        invitations.answer(invitation, user=scene["stranger"], accept=True)
    closed = make_challenge(state="closed")
    with pytest.raises(services.CommunityError, match="nobody may join"):
        invitations.invite(
            closed, by=facilitator_of(closed), user=scene["alice"], role="producer"
        )


def test_pages_invite_answer_and_opt_out(scene, client):
    challenge, alice = scene["challenge"], scene["alice"]
    client.force_login(scene["facilitator"])
    page = client.get(reverse("community:challenge_matching", args=[challenge.slug]))
    html = page.content.decode()
    assert "Invite Alice" in html or "Invite alice" in html
    sent = client.post(
        reverse("community:challenge_invite", args=[challenge.slug]),
        {"username": "alice", "role": "producer", "message": "Viens !"},
    )
    assert sent.status_code == 302
    assert Invitation.objects.filter(user=alice, status="pending").count() == 1
    page = client.get(reverse("community:challenge_matching", args=[challenge.slug]))
    assert "Invited: waiting for an answer." in page.content.decode()
    # A stranger cannot invite (the page is the facilitators').
    client.force_login(scene["stranger"])
    refused = client.post(
        reverse("community:challenge_invite", args=[challenge.slug]),
        {"username": "alice", "role": "producer"},
    )
    assert refused.status_code == 404

    client.force_login(alice)
    heard = client.get(reverse("notifications:list")).content.decode()
    assert "invited you to join the challenge" in heard
    assert "Vélos cargo en prêt" in heard
    mine = client.get(reverse("community:for_me")).content.decode()
    assert "Vélos cargo en prêt" in mine
    assert "Viens !" in mine
    invitation = Invitation.objects.get(user=alice)
    # Nobody else answers for her.
    client.force_login(scene["stranger"])
    url = reverse("community:invitation_answer", args=[invitation.pk, "accepter"])
    assert client.post(url).status_code == 404
    client.force_login(alice)
    answered = client.post(url)
    assert answered.status_code == 302
    assert answered["Location"] == challenge.get_absolute_url()
    assert Participation.objects.get(user=alice, challenge=challenge).role == "producer"

    opted = client.post(reverse("community:suggestions_opt_out"), {"out": "1"})
    assert opted.status_code == 302
    assert invitations.opted_out(alice)
    page = client.get(reverse("community:for_me")).content.decode()
    assert "Let facilitators suggest me again" in page


def test_the_api_invites_answers_and_opts_out(scene):
    challenge, alice = scene["challenge"], scene["alice"]
    facilitator = ApiClient(token_for(scene["facilitator"]))
    url = f"/api/1/community/challenges/{challenge.slug}/invitations/"
    created = facilitator.post(url, {"username": "alice", "role": "producer"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending"
    assert body["user"]["username"] == "alice"
    assert (
        facilitator.post(url, {"username": "alice", "role": "producer"}).status_code
        == 200
    )
    wrong = facilitator.post(url, {"username": "alice", "role": "facilitator"})
    assert wrong.status_code == 422
    nobody = facilitator.post(url, {"username": "personne", "role": "producer"})
    assert nobody.status_code == 404
    matches = facilitator.get(f"/api/1/community/challenges/{challenge.slug}/matches/")
    row = next(p for p in matches.json()["people"] if p["username"] == "alice")
    assert row["invited"] is True
    assert matches.json()["roles_needed"]

    stranger = ApiClient(token_for(scene["stranger"]))
    assert (
        stranger.post(url, {"username": "alice", "role": "producer"}).status_code == 403
    )

    me = ApiClient(token_for(alice))
    listed = me.get("/api/1/community/invitations/").json()
    assert [i["challenge"] for i in listed] == [challenge.slug]
    answer = f"/api/1/community/invitations/{listed[0]['id']}/accept/"
    assert stranger.post(answer).status_code == 404
    accepted = me.post(answer)
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert me.post(answer).status_code == 409

    out = me.send("PUT", "/api/1/community/suggestions/opt-out/", {"out": True})
    assert out.json() == {"out": True}
    bob = make_user("bob", skills=["vélos cargo"])
    invitations.set_opt_out(bob, out=True)
    refused = facilitator.post(url, {"username": "bob", "role": "producer"})
    assert refused.status_code == 409
    assert "asked not to be suggested" in refused.json()["error"]["message"]
