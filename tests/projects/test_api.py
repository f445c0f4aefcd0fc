import pytest

from fabrique.catalog.models import ActorMember
from tests.api.conftest import ApiClient, token_for
from tests.catalog.factories import make_actor, make_commons, make_user

pytestmark = pytest.mark.django_db


def client_for(user) -> ApiClient:
    return ApiClient(token_for(user))


def test_a_contribution_is_recorded_then_confirmed_by_a_holder():
    holder = make_user()
    commons = make_commons(user=holder)
    author = make_user()
    created = client_for(author).post(
        f"/api/1/commons/{commons.slug}/contributions/",
        {"kind": "code", "description": "GBFS v3", "evidence_url": "https://x.org/1"},
    )
    assert created.status_code == 201, created.content
    entry = created.json()
    assert entry["status"] == "pending"
    url = f"/api/1/contributions/{entry['id']}/confirm/"
    assert client_for(author).post(url).status_code == 403
    confirmed = client_for(holder).post(url)
    assert confirmed.json()["status"] == "confirmed"
    again = client_for(holder).post(url)
    assert again.status_code == 409
    listed = (
        ApiClient()
        .get(
            "/api/1/contributions/",
            commons=commons.slug,
            status="confirmed",
            kind="code",
        )
        .json()
    )
    assert [e["description"] for e in listed["data"]] == ["GBFS v3"]


def test_funding_is_recorded_by_the_funders_administrator_and_listed():
    admin = make_user()
    funder = make_actor(user=admin, name="Fondation Mobilité", type="funder")
    ActorMember.objects.get_or_create(actor=funder, user=admin, role="admin")
    commons = make_commons()
    body = {
        "funder": funder.slug,
        "commons": commons.slug,
        "kind": "grant",
        "amount": "1500.00",
        "purpose": "Traduction",
    }
    assert client_for(make_user()).post("/api/1/funding/", body).status_code == 403
    created = client_for(admin).post("/api/1/funding/", body)
    assert created.status_code == 201, created.content
    listed = ApiClient().get("/api/1/funding/", commons=commons.slug).json()
    assert listed["data"][0]["amount"] == "1500.00"
    assert listed["data"][0]["currency"] == "EUR"


def test_a_project_records_the_commons_it_uses_and_contributes_to():
    founder = make_user()
    startup = make_actor(user=founder, name="CargoCo", type="startup")
    client = client_for(founder)
    created = client.post(
        "/api/1/projects/",
        {"actor": startup.slug, "name": "Livraison", "kind": "startup"},
    )
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    used, given = make_commons(), make_commons(title="Arrêts")
    contract = client.send(
        "PUT",
        f"/api/1/projects/{slug}/contract/",
        {"uses": [used.slug], "contributes_to": [given.slug]},
    )
    assert contract.json()["uses"] == [used.slug]
    unknown = client.send(
        "PUT",
        f"/api/1/projects/{slug}/contract/",
        {"uses": ["nope"], "contributes_to": []},
    )
    assert unknown.status_code == 422
    assert "nope" in unknown.json()["error"]["details"][0]["message"]


def test_a_project_is_edited_followed_and_its_contract_checked_through_the_api():
    from fabrique.accounts.models import User
    from fabrique.projects.models import Contribution, Project

    founder = make_user("fondatrice")
    startup = make_actor(user=founder, name="CargoCo", type="startup")
    ActorMember.objects.get_or_create(actor=startup, user=founder, role="admin")
    project = Project.objects.create(
        name="Livraison", slug="livraison", kind="startup", actor=startup
    )
    stops = make_commons(title="Arrêts")
    project.contributes_to.set([stops])
    url = f"/api/1/projects/{project.slug}/"
    shown = ApiClient().get(url).json()
    assert shown["contract"] == {
        "declared": 1, "kept": 0,
        "clauses": [{"commons": stops.slug, "uses": False, "contributes": True,
                     "confirmed_contributions": 0, "review": None}],
    }  # fmt: skip
    Contribution.objects.create(
        contributor=founder, kind="data", commons=stops, description="Relevé",
        status="confirmed",
    )  # fmt: skip
    assert ApiClient().get(url).json()["contract"]["kept"] == 1

    stranger = client_for(make_user())
    assert stranger.patch(url, {"summary": "Pirate"}).status_code == 403
    edited = client_for(founder).patch(url, {"summary": "Des colis à vélo"})
    assert edited.status_code == 200, edited.content
    assert edited.json()["summary"] == "Des colis à vélo"
    assert edited.json()["name"] == "Livraison"  # untouched
    assert client_for(founder).patch(url, {"name": ""}).status_code == 422
    assert client_for(founder).patch(url, {"kind": "galaxy"}).status_code == 422

    follow = f"{url}accompaniment/"
    assert (
        client_for(founder)
        .send("PUT", follow, {"accompaniment": "accompanied"})
        .status_code
        == 403
    )
    staff = make_user("equipe", role=User.Role.MODERATOR)
    followed = client_for(staff).send("PUT", follow, {"accompaniment": "accompanied"})
    assert followed.status_code == 200, followed.content
    assert followed.json()["accompaniment"] == "accompanied"
    wrong = client_for(staff).send("PUT", follow, {"accompaniment": "adopted"})
    assert wrong.status_code == 422
