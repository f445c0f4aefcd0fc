"""The challenge path as its participants walk it: a need's carriers ask for a
split and the facilitators hear of it; a community is formed only with its
minimum of field actors and makers; a beta must exist before it goes in
production, and betas take feedback; every page says what happens next."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from fabrique.community import experiments, services
from fabrique.community.models import SplitRequest
from fabrique.notifications.models import Notification
from tests.catalog.factories import make_commons, make_user
from tests.community.factories import (
    facilitator_of,
    fill_community,
    make_challenge,
    make_need,
)

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_carrier_asks_for_a_split_and_the_facilitators_are_notified(english):
    need = make_need()
    author = need.created_by
    facilitator = facilitator_of(need)
    page = signed_in(author).get(need.get_absolute_url()).content.decode()
    assert "What happens next" in page
    assert "Ask for a split" in page

    response = signed_in(author).post(
        f"/besoins/{need.slug}/decoupage/", {"message": "Un défi par quartier."}
    )
    assert response.status_code == 302
    request = SplitRequest.objects.get(need=need)
    assert (request.status, request.message) == ("open", "Un défi par quartier.")
    notified = Notification.objects.filter(
        user=facilitator, activity__verb="split_requested"
    ).get()
    assert notified.reason == "asked"
    # The author is not notified of their own request; asking twice adds nothing.
    assert not Notification.objects.filter(user=author).exists()
    assert services.ask_for_split(need, user=author) == request

    page = signed_in(facilitator).get(need.get_absolute_url()).content.decode()
    assert "asked for a split" in page
    assert "Decline this request" in page

    # The facilitator splits the need: the request is answered.
    make_challenge(need)
    request.refresh_from_db()
    assert request.status == "done"
    assert request.answered_by == facilitator


def test_only_carriers_ask_and_a_facilitator_may_decline_with_a_reason(english):
    need = make_need()
    stranger = make_user()
    with pytest.raises(PermissionDenied):
        services.ask_for_split(need, user=stranger)
    response = signed_in(stranger).post(f"/besoins/{need.slug}/decoupage/")
    assert response.status_code == 403
    assert not SplitRequest.objects.exists()

    request = services.ask_for_split(need, user=need.created_by)
    with pytest.raises(PermissionDenied):
        services.decline_split(request, user=stranger, answer="Non.")
    response = signed_in(facilitator_of(need)).post(
        f"/besoins/{need.slug}/decoupage/{request.pk}/refus/",
        {"answer": "Trop large : précisez le quartier."},
        follow=True,
    )
    request.refresh_from_db()
    assert request.status == "declined"
    page = signed_in(need.created_by).get(need.get_absolute_url()).content.decode()
    assert "Trop large : précisez le quartier." in page
    assert "Ask for a split" in page  # the carrier may ask again
    assert response.status_code == 200


def test_the_text_of_a_need_is_rendered_markdown_sanitised():
    need = make_need()
    need.description = "Il n'y a **pas de local**.\n\n<script>alert(1)</script>"
    need.save()
    page = Client().get(need.get_absolute_url()).content.decode()
    assert "<strong>pas de local</strong>" in page
    assert "**pas de local**" not in page
    assert "<script>alert(1)</script>" not in page


def test_one_member_cannot_declare_a_community_formed(settings, english):
    settings.FABRIQUE_CHALLENGE_MIN_FIELD = 3
    settings.FABRIQUE_CHALLENGE_MIN_MAKERS = 1
    challenge = make_challenge(state="open")
    holder = challenge.need.created_by
    services.join_challenge(challenge, user=holder)
    with pytest.raises(services.CommunityError) as caught:
        services.transition(challenge, user=holder, target="formed")
    message = str(caught.value)
    assert "3 field actors and 1 maker" in message
    assert "2 more field actors" in message
    assert "1 more maker" in message
    challenge.refresh_from_db()
    assert challenge.state == "open"

    # The page says what is missing and the button refuses the same way.
    page = signed_in(holder).get(challenge.get_absolute_url()).content.decode()
    assert "Still missing: 2 more field actors, 1 more maker" in page
    response = signed_in(holder).post(
        f"/defis/{challenge.slug}/etat/", {"target": "formed"}, follow=True
    )
    assert "not formed yet" in response.content.decode()

    fill_community(challenge, field=2, makers=1)
    services.transition(challenge, user=holder, target="formed")
    assert challenge.state == "formed"


def test_the_minimum_is_enforced_through_the_api(settings):
    from tests.api.conftest import ApiClient, token_for

    settings.FABRIQUE_CHALLENGE_MIN_FIELD = 2
    challenge = make_challenge(state="open")
    client = ApiClient(token_for(facilitator_of(challenge)))
    url = f"/api/1/community/challenges/{challenge.slug}/transitions/"
    assert client.post(url, {"to": "formed"}).status_code == 409
    fill_community(challenge)
    assert client.post(url, {"to": "formed"}).json()["state"] == "formed"


def test_a_beta_goes_in_production_only_once_posted(english):
    challenge = make_challenge(state="formed")
    facilitator = facilitator_of(challenge)
    with pytest.raises(services.CommunityError, match="No beta"):
        services.transition(challenge, user=facilitator, target="beta")
    experiments.post_beta(
        challenge, user=facilitator, title="Réservation", commons=make_commons()
    )
    services.transition(challenge, user=facilitator, target="beta")
    assert challenge.state == "beta"


def test_a_beta_takes_feedback_from_a_member_who_tried_it(english):
    challenge = make_challenge(state="beta")
    beta = experiments.post_beta(
        challenge,
        user=facilitator_of(challenge),
        title="Réservation par SMS",
        commons=make_commons(),
    )
    member = make_user()
    page = signed_in(member).get(challenge.get_absolute_url()).content.decode()
    assert "Give feedback on this beta" in page
    response = signed_in(member).post(
        f"/defis/{challenge.slug}/beta/{beta.pk}/retour/",
        {"body": "Le SMS arrive en retard.", "rating": "3"},
        follow=True,
    )
    assert "Thank you for your feedback." in response.content.decode()
    feedback = beta.feedback.get()
    assert (feedback.author, feedback.rating, feedback.experiment) == (member, 3, None)
    page = Client().get(challenge.get_absolute_url()).content.decode()
    assert "Le SMS arrive en retard." in page
    assert "Sign in to give feedback on this beta" in page


def test_a_closed_challenge_takes_no_more_beta_feedback():
    challenge = make_challenge(state="formed")
    beta = experiments.post_beta(
        challenge, user=facilitator_of(challenge), title="B", commons=make_commons()
    )
    challenge.state = "closed"
    challenge.closed_reason = "Fin."
    challenge.save()
    with pytest.raises(services.CommunityError):
        experiments.add_beta_feedback(beta, user=make_user(), body="Bien.")


@pytest.mark.parametrize(
    "state", ["proposed", "open", "formed", "beta", "experimenting", "delivered"]
)
def test_every_state_page_says_what_happens_next_and_who_acts(state, english):
    challenge = make_challenge(state=state)
    page = Client().get(challenge.get_absolute_url()).content.decode()
    assert "What happens next" in page
    assert "Who acts:" in page


def test_a_need_already_split_offers_no_split_and_does_not_say_not_split(english):
    need = make_need()
    author = need.created_by
    challenge = make_challenge(need)

    page = signed_in(author).get(need.get_absolute_url()).content.decode()

    assert challenge.title in page
    assert "Ask for a split" not in page
    assert f"/besoins/{need.slug}/decoupage/" not in page
    assert "Not split yet." not in page
    assert "split into micro-challenges" in page
    # Asking anyway, by a hand-made request, is refused: nothing is recorded.
    response = signed_in(author).post(f"/besoins/{need.slug}/decoupage/")
    assert response.status_code == 302
    assert not SplitRequest.objects.filter(need=need).exists()


def test_a_challenge_move_reads_in_the_readers_language():
    from django.utils import translation

    challenge = make_challenge(state="proposed")
    with translation.override("fr"):  # whoever moved it read the site in French
        services.transition(challenge, user=facilitator_of(challenge), target="open")
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "proposed → open" in page
    assert "proposé → ouvert" not in page
    client.cookies["django_language"] = "fr"
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "proposé → ouvert" in page


def test_the_feed_of_a_member_follows_the_challenges_they_joined():
    from fabrique.catalog.feeds import feed_for

    challenge = make_challenge()
    other = make_challenge(
        make_need(title="Comment prêter des remorques ?"), title="Ailleurs"
    )
    me = make_user()
    services.join_challenge(challenge, user=me, role="field_actor")
    fill_community(challenge, field=0, makers=1)
    fill_community(other, field=1, makers=0)

    mine = [(entry.verb, entry.target) for entry in feed_for(me)]
    assert ("challenge_joined", challenge) in mine  # the maker joined after me
    assert all(target != other for _verb, target in mine)
    page = signed_in(me).get("/fil/").content.decode()
    assert challenge.get_absolute_url() in page
