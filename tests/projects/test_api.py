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
