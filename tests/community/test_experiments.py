import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fabrique.community import experiments, services
from fabrique.core import activity
from tests.catalog.factories import commons_data, make_commons, make_user
from tests.community.factories import facilitator_of, make_challenge

pytestmark = pytest.mark.django_db

EXPERIMENT = {
    "title": "Un mois de vélos cargo",
    "place_name": "Gratte-Ciel, Villeurbanne",
    "lat": 45.7681,
    "lon": 4.8798,
    "starts": datetime.date(2026, 3, 1),
    "ends": datetime.date(2026, 3, 31),
    "protocol": "Dix familles empruntent un vélo cargo et notent leurs trajets.",
}


@pytest.fixture
def team():
    challenge = make_challenge(state="formed")
    producer, field_actor = make_user(), make_user()
    services.join_challenge(challenge, user=producer, role="producer")
    services.join_challenge(challenge, user=field_actor, role="field_actor")
    return challenge, producer, field_actor


def test_a_producer_posts_a_beta_that_creates_a_commons(team):
    challenge, producer, _ = team
    beta = experiments.post_beta(
        challenge,
        user=producer,
        title="Réservation par SMS",
        new_commons=commons_data(title="Cargo partagé", maturity="idea"),
    )
    assert beta.commons.title == "Cargo partagé"
    assert beta.commons.maturity == "idea"
    verbs = [a.verb for a in activity.for_object(beta.commons)]
    assert "beta_posted" in verbs


def test_a_beta_may_complete_an_existing_commons_but_needs_one(team):
    challenge, producer, _ = team
    commons = make_commons()
    beta = experiments.post_beta(
        challenge, user=producer, title="v0.2", commons=commons
    )
    assert beta.commons == commons
    with pytest.raises(ValidationError):
        experiments.post_beta(challenge, user=producer, title="v0.3")


def test_field_actors_and_strangers_may_not_post_betas(team):
    challenge, _, field_actor = team
    for user in (field_actor, make_user()):
        with pytest.raises(PermissionDenied):
            experiments.post_beta(
                challenge, user=user, title="x", commons=make_commons()
            )


def test_no_beta_before_the_community_is_formed():
    challenge = make_challenge(state="open")
    with pytest.raises(services.CommunityError, match="formed"):
        experiments.post_beta(
            challenge,
            user=facilitator_of(challenge),
            title="x",
            commons=make_commons(),
        )


def test_an_experiment_collects_feedback_from_field_actors_only(team):
    challenge, producer, field_actor = team
    experiment = experiments.create_experiment(
        challenge, user=producer, data=EXPERIMENT
    )
    feedback = experiments.add_feedback(
        experiment, user=field_actor, body="Trop lourd en montée.", rating=3
    )
    assert feedback.author == field_actor
    assert field_actor in experiment.participants.all()
    with pytest.raises(PermissionDenied):
        experiments.add_feedback(experiment, user=make_user(), body="Spam")
    experiments.record_results(experiment, user=producer, results="7 sur 10.")
    experiment.refresh_from_db()
    assert experiment.results == "7 sur 10."


def test_an_experiment_ends_after_it_starts(team):
    challenge, producer, _ = team
    data = {**EXPERIMENT, "ends": datetime.date(2026, 2, 1)}
    with pytest.raises(ValidationError):
        experiments.create_experiment(challenge, user=producer, data=data)


def test_a_rating_outside_one_to_five_is_refused(team):
    challenge, producer, field_actor = team
    experiment = experiments.create_experiment(
        challenge, user=producer, data=EXPERIMENT
    )
    with pytest.raises(ValidationError):
        experiments.add_feedback(experiment, user=field_actor, body="x", rating=9)


def test_a_delivered_challenge_links_to_the_commons_of_its_latest_beta(team):
    challenge, producer, _ = team
    commons = make_commons()
    experiments.post_beta(challenge, user=producer, title="v1", commons=commons)
    facilitator = facilitator_of(challenge)
    for target in ("beta", "experimenting", "delivered"):
        services.transition(challenge, user=facilitator, target=target)
    challenge.refresh_from_db()
    assert challenge.commons == commons
    assert list(commons.challenges.all()) == [challenge]
