import pytest

from fabrique.community import services
from tests.api.conftest import ApiClient, token_for
from tests.catalog.factories import make_commons, make_user
from tests.community.factories import (
    facilitator_of,
    fill_community,
    make_challenge,
    make_need,
)

pytestmark = pytest.mark.django_db

BASE = "/api/1/community"


@pytest.fixture(autouse=True)
def _english_site(settings):
    settings.LANGUAGE_CODE = "en"


def client_for(user) -> ApiClient:
    return ApiClient(token_for(user))


def test_a_need_posted_through_the_api_must_be_a_question():
    need = make_need()
    author = client_for(make_user())
    refused = author.post(
        f"{BASE}/needs/", {"domain": need.domain.slug, "title": "Plus de vélos"}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "title"
    created = author.post(
        f"{BASE}/needs/",
        {"domain": need.domain.slug, "title": "Où garer les vélos cargo ?"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["title"] == "Où garer les vélos cargo\u202f?"


def test_the_19th_person_waits_and_gets_the_seat_when_someone_leaves():
    challenge = make_challenge(cap=18)
    people = [make_user() for _ in range(19)]
    url = f"{BASE}/challenges/{challenge.slug}/participations/"
    statuses = [client_for(p).post(url, {}).json()["status"] for p in people]
    assert statuses == ["active"] * 18 + ["waiting"]
    shown = ApiClient().get(f"{BASE}/challenges/{challenge.slug}/").json()
    assert (shown["seats_taken"], shown["waiting"], shown["cap"]) == (18, 1, 18)
    left = client_for(people[0]).delete(f"{url}me/")
    assert left.status_code == 204
    assert services.participation_of(people[18], challenge).status == "active"


def test_joining_twice_answers_409_in_the_error_envelope():
    challenge = make_challenge()
    client = client_for(make_user())
    url = f"{BASE}/challenges/{challenge.slug}/participations/"
    assert client.post(url, {"role": "producer"}).status_code == 201
    again = client.post(url, {})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "community_state"


def test_an_illegal_transition_answers_409_naming_the_allowed_states():
    challenge = make_challenge(state="open")
    client = client_for(facilitator_of(challenge))
    url = f"{BASE}/challenges/{challenge.slug}/transitions/"
    response = client.post(url, {"to": "delivered"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "illegal_transition"
    assert "community formed" in error["message"]
    offered = [t["target"] for t in client.get(url).json()]
    assert offered == ["formed", "closed"]
    fill_community(challenge)
    assert client.post(url, {"to": "formed"}).json()["state"] == "formed"


def test_a_stranger_may_not_move_a_challenge():
    challenge = make_challenge(state="open")
    response = client_for(make_user()).post(
        f"{BASE}/challenges/{challenge.slug}/transitions/", {"to": "formed"}
    )
    assert response.status_code == 403


def test_a_journey_from_beta_to_feedback_through_the_api():
    challenge = make_challenge(state="formed")
    producer, field_actor = make_user(), make_user()
    url = f"{BASE}/challenges/{challenge.slug}/participations/"
    client_for(producer).post(url, {"role": "producer"})
    client_for(field_actor).post(url, {"role": "field_actor"})
    commons = make_commons(user=producer)
    beta = client_for(producer).post(
        f"{BASE}/challenges/{challenge.slug}/betas/",
        {"title": "v0.1", "commons": commons.slug},
    )
    assert beta.status_code == 201, beta.content
    experiment = client_for(producer).post(
        f"{BASE}/challenges/{challenge.slug}/experiments/",
        {
            "title": "Essai",
            "place_name": "Lyon",
            "lat": 45.76,
            "lon": 4.83,
            "starts": "2026-03-01",
            "ends": "2026-03-31",
            "protocol": "Dix familles.",
            "beta": beta.json()["id"],
        },
    )
    assert experiment.status_code == 201, experiment.content
    feedback_url = f"{BASE}/experiments/{experiment.json()['id']}/feedback/"
    assert client_for(make_user()).post(feedback_url, {"body": "x"}).status_code == 403
    feedback = client_for(field_actor).post(
        feedback_url, {"body": "Ça marche.", "rating": 4}
    )
    assert feedback.status_code == 201
    shown = ApiClient().get(f"{BASE}/experiments/{experiment.json()['id']}/").json()
    assert [f["body"] for f in shown["feedback"]] == ["Ça marche."]


def test_lists_use_the_pagination_envelope_and_filters():
    make_challenge(state="open")
    make_challenge(state="proposed")
    page = ApiClient().get(f"{BASE}/challenges/", state="open").json()
    assert page["total"] == 1
    assert page["data"][0]["state"] == "open"
    assert set(page) >= {"data", "page", "page_size", "next_page", "previous_page"}


def test_a_carrier_asks_for_a_split_and_a_facilitator_declines_through_the_api():
    need = make_need()
    carrier = client_for(need.created_by)
    url = f"{BASE}/needs/{need.slug}/split-requests/"
    refused = client_for(make_user()).post(url, {"message": "Découpez."})
    assert refused.status_code == 403
    asked = carrier.post(url, {"message": "Un défi par quartier ?"})
    assert asked.status_code == 201, asked.content
    body = asked.json()
    assert (body["need"], body["status"], body["message"]) == (
        need.slug,
        "open",
        "Un défi par quartier ?",
    )
    assert body["requested_by"]["username"] == need.created_by.username
    # Asking again while it is open answers the same request.
    again = carrier.post(url, {})
    assert (again.status_code, again.json()["id"]) == (200, body["id"])

    decline = f"{BASE}/split-requests/{body['id']}/decline/"
    assert carrier.post(decline, {"answer": "Non."}).status_code == 403
    facilitator = client_for(facilitator_of(need))
    assert facilitator.post(decline, {"answer": ""}).status_code == 422
    declined = facilitator.post(decline, {"answer": "Trop tôt : précisez le lieu."})
    assert declined.status_code == 200, declined.content
    assert declined.json()["status"] == "declined"
    assert declined.json()["answered_by"] is not None
    twice = facilitator.post(decline, {"answer": "Toujours non."})
    assert (twice.status_code, twice.json()["error"]["code"]) == (
        409,
        "community_state",
    )
    listed = ApiClient().get(url).json()
    assert [(r["status"], r["answer"]) for r in listed] == [
        ("declined", "Trop tôt : précisez le lieu.")
    ]


def test_a_need_already_split_is_not_asked_for_again_through_the_api():
    challenge = make_challenge()
    need = challenge.need
    response = client_for(need.created_by).post(
        f"{BASE}/needs/{need.slug}/split-requests/", {}
    )
    assert response.status_code == 409
    assert "already split" in response.json()["error"]["message"]


def test_anyone_signed_in_gives_feedback_on_a_beta_through_the_api():
    challenge = make_challenge(state="formed")
    producer = make_user()
    client_for(producer).post(
        f"{BASE}/challenges/{challenge.slug}/participations/", {"role": "producer"}
    )
    beta = client_for(producer).post(
        f"{BASE}/challenges/{challenge.slug}/betas/",
        {"title": "v0.1", "commons": make_commons(user=producer).slug},
    )
    url = f"{BASE}/betas/{beta.json()['id']}/feedback/"
    assert ApiClient().post(url, {"body": "Anonyme"}).status_code in (401, 403)
    assert client_for(make_user()).post(url, {"body": ""}).status_code == 422
    tester = make_user()
    given = client_for(tester).post(url, {"body": "Les freins grincent.", "rating": 3})
    assert given.status_code == 201, given.content
    assert given.json()["author"]["username"] == tester.username
    shown = ApiClient().get(url).json()
    assert [(f["body"], f["rating"]) for f in shown] == [("Les freins grincent.", 3)]
    assert ApiClient().get(f"{BASE}/betas/999999/feedback/").status_code == 404


def test_a_closed_challenge_takes_no_more_feedback_on_its_betas_through_the_api():
    challenge = make_challenge(state="formed")
    producer = make_user()
    client_for(producer).post(
        f"{BASE}/challenges/{challenge.slug}/participations/", {"role": "producer"}
    )
    beta = (
        client_for(producer)
        .post(
            f"{BASE}/challenges/{challenge.slug}/betas/",
            {"title": "v0.1", "commons": make_commons(user=producer).slug},
        )
        .json()
    )
    type(challenge).objects.filter(pk=challenge.pk).update(
        state="closed", closed_reason="Fini."
    )
    refused = client_for(make_user()).post(
        f"{BASE}/betas/{beta['id']}/feedback/", {"body": "Trop tard ?"}
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "community_state"
