import pytest
from django.test import Client

from fabrique.community import services
from fabrique.community.models import Need
from tests.catalog.factories import make_user
from tests.community.factories import (
    facilitator_of,
    fill_community,
    make_challenge,
    make_domain,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_site(settings):
    settings.LANGUAGE_CODE = "en"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_need_that_is_not_a_question_is_refused_by_the_form():
    domain = make_domain()
    client = signed_in(make_user())
    url = f"/communautes/{domain.slug}/besoin/"
    response = client.post(url, {"title": "Plus de vélos"}, follow=True)
    assert "question" in response.content.decode()
    assert not Need.objects.exists()
    response = client.post(url, {"title": "Comment partager plus de vélos ?"})
    need = Need.objects.get()
    assert response["Location"] == need.get_absolute_url()
    page = client.get(need.get_absolute_url()).content.decode()
    assert "Comment partager plus de vélos" in page


def test_the_challenge_page_shows_seats_waiting_list_and_leave_button():
    challenge = make_challenge(cap=15)
    people = [make_user() for _ in range(16)]
    for person in people:
        services.join_challenge(challenge, user=person)
    page = signed_in(people[15]).get(challenge.get_absolute_url()).content.decode()
    assert "15</strong> / 15" in page
    assert "You are number 1 on the waiting list." in page
    assert "Leave the waiting list" in page


def test_joining_from_the_page_past_the_cap_says_one_waits():
    challenge = make_challenge(cap=15)
    for _ in range(15):
        services.join_challenge(challenge, user=make_user())
    client = signed_in(make_user())
    response = client.post(
        f"/defis/{challenge.slug}/rejoindre/", {"role": "producer"}, follow=True
    )
    assert "waiting list" in response.content.decode()


def test_leaving_from_the_page_promotes_the_first_waiting():
    challenge = make_challenge(cap=15)
    people = [make_user() for _ in range(16)]
    for person in people:
        services.join_challenge(challenge, user=person)
    signed_in(people[0]).post(f"/defis/{challenge.slug}/quitter/")
    assert services.participation_of(people[15], challenge).status == "active"


def test_transition_buttons_are_shown_to_facilitators_only_and_work():
    challenge = make_challenge(state="open")
    facilitator = signed_in(facilitator_of(challenge))
    page = facilitator.get(challenge.get_absolute_url()).content.decode()
    assert "Mark the community as formed" in page
    stranger_page = signed_in(make_user()).get(challenge.get_absolute_url())
    assert "Mark the community as formed" not in stranger_page.content.decode()
    fill_community(challenge)
    facilitator.post(f"/defis/{challenge.slug}/etat/", {"target": "formed"})
    challenge.refresh_from_db()
    assert challenge.state == "formed"


def test_an_illegal_transition_from_the_page_shows_the_allowed_states():
    challenge = make_challenge(state="open")
    response = signed_in(facilitator_of(challenge)).post(
        f"/defis/{challenge.slug}/etat/", {"target": "delivered"}, follow=True
    )
    assert "community formed" in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.state == "open"


def test_a_stranger_may_not_move_a_challenge_from_the_page():
    challenge = make_challenge(state="open")
    response = signed_in(make_user()).post(
        f"/defis/{challenge.slug}/etat/", {"target": "formed"}
    )
    assert response.status_code == 403
    challenge.refresh_from_db()
    assert challenge.state == "open"


def test_a_facilitator_splits_a_need_into_a_challenge_from_the_page():
    challenge = make_challenge()
    need = challenge.need
    client = signed_in(facilitator_of(need))
    response = client.post(
        f"/besoins/{need.slug}/nouveau-defi/",
        {
            "title": "Parking vélo cargo",
            "goal": "Trouver 5 places.",
            "success_criteria": "5 places utilisées.",
            "cap": 21,
        },
    )
    assert response.status_code == 200
    assert "20" in response.content.decode()
    response = client.post(
        f"/besoins/{need.slug}/nouveau-defi/",
        {
            "title": "Parking vélo cargo",
            "goal": "Trouver 5 places.",
            "success_criteria": "5 places utilisées.",
            "cap": 16,
        },
    )
    assert response.status_code == 302
    assert need.challenges.count() == 2
    assert (
        signed_in(make_user()).get(f"/besoins/{need.slug}/nouveau-defi/").status_code
        == 404
    )


def test_pages_render_for_anonymous_visitors():
    challenge = make_challenge()
    client = Client()
    for url in (
        "/communautes/",
        challenge.need.domain.get_absolute_url(),
        challenge.need.get_absolute_url(),
        challenge.get_absolute_url(),
    ):
        assert client.get(url).status_code == 200, url


def test_a_producer_posts_a_beta_creating_a_commons_and_sets_up_an_experiment():
    challenge = make_challenge(state="formed")
    producer = make_user()
    services.join_challenge(challenge, user=producer, role="producer")
    client = signed_in(producer)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert 'name="beta-title"' in page
    client.post(
        f"/defis/{challenge.slug}/beta/",
        {
            "beta-title": "Réservation par SMS",
            "beta-new_title": "Cargo partagé",
            "beta-new_summary": "Réserver un vélo cargo par SMS.",
            "beta-new_kind": "software",
        },
    )
    beta = challenge.betas.get()
    assert beta.commons.title == "Cargo partagé"
    client.post(
        f"/defis/{challenge.slug}/experiences/",
        {
            "experiment-title": "Un mois à Villeurbanne",
            "experiment-place_name": "Villeurbanne",
            "experiment-lat": "45.77",
            "experiment-lon": "4.89",
            "experiment-starts": "2026-03-01",
            "experiment-ends": "2026-03-31",
            "experiment-protocol": "Dix familles.",
        },
    )
    assert challenge.experiments.get().beta == beta


def test_a_field_actor_sees_no_beta_form_and_may_not_post_one():
    challenge = make_challenge(state="formed")
    field_actor = make_user()
    services.join_challenge(challenge, user=field_actor)
    client = signed_in(field_actor)
    assert (
        'name="beta-title"'
        not in client.get(challenge.get_absolute_url()).content.decode()
    )
    response = client.post(
        f"/defis/{challenge.slug}/beta/",
        {"beta-title": "x", "beta-commons": challenge.need.domain.slug},
    )
    assert response.status_code in {302, 403}
    assert not challenge.betas.exists()


def test_a_member_starts_a_community_of_interest_and_facilitates_it():
    user = make_user()
    client = signed_in(user)
    assert client.get("/communautes/nouveau/").status_code == 200
    response = client.post(
        "/communautes/nouveau/", {"name": "Logistique urbaine", "summary": "Colis"}
    )
    domain = services.Domain.objects.get(name="Logistique urbaine")
    assert response["Location"] == domain.get_absolute_url()
    assert services.is_facilitator(user, domain)
    assert Client().get("/communautes/nouveau/").status_code == 302
