import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fabrique.community import experiments, lifecycle, services
from fabrique.community.lifecycle import State, Who
from fabrique.core import activity
from tests.catalog.factories import make_commons, make_user
from tests.community.factories import facilitator_of, fill_community, make_challenge

pytestmark = pytest.mark.django_db

HAPPY_PATH = ["open", "formed", "beta", "experimenting", "delivered"]


def test_the_table_reaches_delivery_and_closing_from_every_live_state():
    targets = {(t.source, t.target) for t in lifecycle.TRANSITIONS}
    path = ["proposed", *HAPPY_PATH]
    assert all(pair in targets for pair in itertools.pairwise(path))
    for state in State:
        if state not in lifecycle.FINAL:
            assert (state, State.CLOSED) in targets
        else:
            assert lifecycle.transitions_from(state) == []


def test_a_facilitator_walks_a_challenge_to_delivery_and_every_step_is_recorded():
    challenge = make_challenge(state="proposed")
    facilitator = facilitator_of(challenge)
    commons = make_commons()
    for target in HAPPY_PATH:
        extra = {"commons": commons} if target == "delivered" else {}
        if target == "formed":
            fill_community(challenge)
        if target == "beta":
            experiments.post_beta(
                challenge, user=facilitator, title="Bêta", commons=commons
            )
        services.transition(challenge, user=facilitator, target=target, **extra)
        assert challenge.state == target
    challenge.refresh_from_db()
    assert challenge.commons == commons
    moves = [
        (a.data["from"], a.data["to"])
        for a in activity.for_object(challenge).filter(verb="challenge_transition")
    ]
    assert list(reversed(moves)) == list(
        zip(["proposed", *HAPPY_PATH], HAPPY_PATH, strict=False)
    )


def test_an_illegal_transition_names_the_current_state_and_the_allowed_ones():
    challenge = make_challenge(state="open")
    with pytest.raises(services.TransitionRefused) as caught:
        services.transition(
            challenge, user=facilitator_of(challenge), target="delivered"
        )
    message = str(caught.value)
    assert "open" in message
    assert "delivered" in message
    assert "community formed" in message
    assert "closed" in message
    challenge.refresh_from_db()
    assert challenge.state == "open"


def test_nothing_moves_out_of_a_final_state():
    challenge = make_challenge(state="delivered")
    with pytest.raises(services.TransitionRefused, match="over"):
        services.transition(challenge, user=make_user(role="admin"), target="open")


def test_a_member_without_a_role_may_not_move_a_challenge():
    challenge = make_challenge(state="open")
    member = make_user()
    services.join_challenge(challenge, user=member)
    with pytest.raises(PermissionDenied, match="facilitator"):
        services.transition(challenge, user=member, target="formed")
    assert services.allowed_transitions(challenge, member) == []


def test_the_holder_may_form_the_community_but_not_open_or_close_it():
    challenge = make_challenge(state="proposed")
    holder = challenge.need.created_by  # carries the need
    assert Who.HOLDER in services.roles_of(holder, challenge)
    with pytest.raises(PermissionDenied):
        services.transition(challenge, user=holder, target="open")
    services.transition(challenge, user=facilitator_of(challenge), target="open")
    fill_community(challenge)
    services.transition(challenge, user=holder, target="formed")
    with pytest.raises(PermissionDenied):
        services.transition(challenge, user=holder, target="closed", reason="No")


def test_an_administrator_may_make_any_allowed_transition():
    challenge = make_challenge(state="proposed")
    admin = make_user(role="admin")
    services.transition(challenge, user=admin, target="open")
    assert challenge.state == "open"


def test_closing_needs_a_reason_and_keeps_it():
    challenge = make_challenge(state="formed")
    facilitator = facilitator_of(challenge)
    with pytest.raises(ValidationError):
        services.transition(challenge, user=facilitator, target="closed", reason=" ")
    services.transition(
        challenge, user=facilitator, target="closed", reason="Pas de terrain."
    )
    challenge.refresh_from_db()
    assert (challenge.state, challenge.closed_reason) == ("closed", "Pas de terrain.")


def test_delivering_needs_the_commons_produced():
    challenge = make_challenge(state="experimenting")
    with pytest.raises(ValidationError):
        services.transition(
            challenge, user=facilitator_of(challenge), target="delivered"
        )


def test_the_buttons_offered_are_the_allowed_moves_of_the_user():
    challenge = make_challenge(state="formed")
    targets = [
        t.target
        for t in services.allowed_transitions(challenge, facilitator_of(challenge))
    ]
    assert targets == ["open", "beta", "closed"]
    assert services.allowed_transitions(challenge, make_user()) == []
