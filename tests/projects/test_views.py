"""Project pages: list, page, owner's forms, and the facilitators' view."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fabrique.catalog.models import ActorMember
from fabrique.community.models import DomainMember
from fabrique.projects.models import Contribution, Project
from tests.catalog.factories import make_actor, make_commons, make_user
from tests.community.factories import make_domain

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    owner = make_user("owner")
    actor = make_actor(user=owner, name="Cargo Express", type="startup")
    ActorMember.objects.get_or_create(
        actor=actor, user=owner, defaults={"role": "admin"}
    )
    used = make_commons(title="Vélos partagés")
    given = make_commons(title="Carte des arceaux")
    hidden = make_commons(title="Commun caché")
    hidden.hidden = True
    hidden.save()
    project = Project.objects.create(
        name="Livraisons à vélo", slug="livraisons", kind="startup", actor=actor,
        summary="Des colis en vélo cargo.", created_by=owner,
    )  # fmt: skip
    project.uses.set([used, hidden])
    project.contributes_to.set([given])
    free = Project.objects.create(
        name="Trottinettes Sans Retour", slug="sans-retour", kind="startup",
        actor=actor,
    )  # fmt: skip
    free.uses.set([used])
    Contribution.objects.create(
        contributor=owner, actor=actor, kind="data", commons=given,
        description="Relevé des arceaux", status="confirmed",
    )  # fmt: skip
    return {"owner": owner, "actor": actor, "project": project, "free": free,
            "used": used, "given": given}  # fmt: skip


def test_the_list_shows_projects_with_their_accompaniment(world, client):
    page = client.get(reverse("projects:projects")).content.decode()
    assert "Livraisons à vélo" in page
    assert "Trottinettes Sans Retour" in page
    filtered = client.get(reverse("projects:projects"), {"kind": "transition"})
    assert "Livraisons à vélo" not in filtered.content.decode()


def test_the_page_shows_the_contract_and_contributions(world, client):
    page = client.get(world["project"].get_absolute_url()).content.decode()
    assert "Vélos partagés" in page
    assert "Carte des arceaux" in page
    assert "Commun caché" not in page
    assert "Relevé des arceaux" in page
    assert reverse("projects:project_edit", args=["livraisons"]) not in page
    assert "1 of 1 stated contribution kept." in page


def test_the_page_shows_only_contributions_to_the_contract(world, client):
    # What the owner gave a commons outside this project's contract is not
    # the project's contribution; one stated but never confirmed shows so.
    Contribution.objects.create(
        contributor=world["owner"], kind="code", commons=make_commons(title="Autre"),
        description="Ailleurs, pour un autre projet", status="confirmed",
    )  # fmt: skip
    stated = make_commons(title="Horaires ouverts")
    world["project"].contributes_to.add(stated)
    page = client.get(world["project"].get_absolute_url()).content.decode()
    assert "Ailleurs, pour un autre projet" not in page
    assert "Relevé des arceaux" in page
    assert "1 of 2 stated contributions kept." in page
    assert "stated, nothing confirmed yet" in page


def test_hidden_projects_are_not_found(world, client):
    Project.objects.filter(pk=world["project"].pk).update(hidden=True)
    assert client.get(world["project"].get_absolute_url()).status_code == 404
    assert "Livraisons" not in client.get(reverse("projects:projects")).content.decode()


def test_the_owner_creates_a_project_for_an_actor_they_administer(world, client):
    client.force_login(world["owner"])
    response = client.post(
        reverse("projects:project_create"),
        {"actor": world["actor"].pk, "name": "Atelier mobile", "kind": "startup"},
    )
    project = Project.objects.get(name="Atelier mobile")
    assert response["Location"] == project.get_absolute_url()
    assert project.created_by == world["owner"]


def test_nobody_creates_a_project_for_someone_elses_actor(world, client):
    client.force_login(make_user())
    response = client.post(
        reverse("projects:project_create"),
        {"actor": world["actor"].pk, "name": "Usurpation", "kind": "startup"},
    )
    assert response.status_code == 200
    assert not Project.objects.filter(name="Usurpation").exists()


def test_the_owner_edits_the_contract_and_unknown_commons_are_named(world, client):
    client.force_login(world["owner"])
    url = reverse("projects:contract", args=["sans-retour"])
    bad = client.post(url, {"uses": "velos-inconnus", "contributes_to": ""})
    assert bad.status_code == 400
    assert "velos-inconnus" in bad.content.decode()
    assert list(world["free"].uses.all()) == [world["used"]]
    good = client.post(
        url,
        {
            "uses": world["used"].slug,
            "contributes_to": f"/communs/{world['given'].slug}/",
        },
    )
    assert good.status_code == 302
    assert list(world["free"].contributes_to.all()) == [world["given"]]


def test_strangers_cannot_edit_nor_change_the_contract(world, client):
    client.force_login(make_user())
    edit = reverse("projects:project_edit", args=["livraisons"])
    assert client.get(edit).status_code == 403
    response = client.post(
        reverse("projects:contract", args=["livraisons"]),
        {"uses": "", "contributes_to": ""},
    )
    assert response.status_code == 403
    assert world["project"].uses.count() == 2


def test_the_owner_edits_the_texts(world, client):
    client.force_login(world["owner"])
    url = reverse("projects:project_edit", args=["livraisons"])
    assert client.get(url).status_code == 200
    client.post(url, {"name": "Livraisons", "kind": "startup", "summary": "Court."})
    world["project"].refresh_from_db()
    assert world["project"].summary == "Court."
    assert world["project"].actor == world["actor"]


def test_facilitators_see_projects_that_use_without_contributing(world, client):
    url = reverse("projects:free_riders")
    client.force_login(make_user())
    assert client.get(url).status_code == 403
    facilitator = make_user()
    DomainMember.objects.create(
        domain=make_domain(), user=facilitator, role="facilitator"
    )
    client.force_login(facilitator)
    page = client.get(url).content.decode()
    assert "Trottinettes Sans Retour" in page
    assert "Livraisons à vélo" not in page


def test_only_staff_change_the_accompaniment(world, client):
    url = reverse("projects:accompaniment", args=["livraisons"])
    client.force_login(world["owner"])
    assert client.post(url, {"accompaniment": "accompanied"}).status_code == 403
    client.force_login(make_user(role="moderator"))
    client.post(url, {"accompaniment": "accompanied"})
    world["project"].refresh_from_db()
    assert world["project"].accompaniment == "accompanied"


def test_the_page_has_its_team_places_needs_discussions_and_followers(world, client):
    from fabrique.catalog.models import Place
    from fabrique.community import services as community
    from fabrique.core.models import Discussion, Follow
    from tests.community.factories import make_need

    project, actor = world["project"], world["actor"]
    Place.objects.create(actor=actor, name="Entrepôt", city="Lyon", lat=45.7, lon=4.8)
    need = make_need(title="Comment livrer sans camion ?")
    community.carry_need(need, user=world["owner"], actor=actor)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Entrepôt, Lyon" in page
    assert need.title in page
    assert world["owner"].public_name in page  # the team

    reader = make_user("lectrice")
    client.force_login(reader)
    url = reverse("projects:project_follow", args=[project.slug])
    assert client.post(url).status_code == 302
    assert Follow.objects.filter(user=reader, object_id=project.pk).exists()
    started = client.post(
        reverse("projects:discussions", args=[project.slug]),
        {"title": "Horaires de livraison", "body": "Livrez-vous le samedi ?"},
    )
    assert started.status_code == 302
    discussion = Discussion.objects.get(title="Horaires de livraison")
    assert discussion.target == project
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Horaires de livraison" in page
    assert 'aria-pressed="true"' in page
    thread = client.get(
        reverse("projects:discussion", args=[project.slug, discussion.pk])
    )
    assert "Livrez-vous le samedi ?" in thread.content.decode()
    client.post(url, {"action": "unfollow"})
    assert not Follow.objects.filter(user=reader, object_id=project.pk).exists()


def test_holders_acknowledge_or_contest_what_a_project_states(world, client):
    from fabrique.catalog.models import CommunityMembership
    from fabrique.projects.models import ContractReview
    from tests.api.conftest import ApiClient, token_for

    project, given = world["project"], world["given"]
    holder = make_user("gardienne")
    CommunityMembership.objects.create(
        commons=given, user=holder, role="holder", status="active"
    )
    url = reverse("projects:contract_review", args=[project.slug, given.slug])
    # The project's own people do not review their statement; strangers neither.
    for person in (world["owner"], make_user("passant")):
        client.force_login(person)
        assert client.post(url, {"status": "acknowledged"}).status_code == 403
    client.force_login(holder)
    page = client.get(project.get_absolute_url()).content.decode()
    assert url in page
    # Contesting needs a reason.
    client.post(url, {"status": "contested", "reason": "  "})
    assert not ContractReview.objects.exists()
    client.post(url, {"status": "contested", "reason": "Rien reçu depuis mai."})
    review = ContractReview.objects.get()
    assert (review.status, review.by, review.reason) == (
        "contested", holder, "Rien reçu depuis mai.",
    )  # fmt: skip
    client.post(url, {"status": "acknowledged"})
    assert ContractReview.objects.get().status == "acknowledged"
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Acknowledged" in page
    # A commons outside the contract is refused.
    other = make_commons(title="Hors contrat")
    CommunityMembership.objects.create(
        commons=other, user=holder, role="holder", status="active"
    )
    api = ApiClient(token_for(holder))
    outside = api.send(
        "PUT",
        f"/api/1/projects/{project.slug}/contract/{other.slug}/review/",
        {"status": "acknowledged"},
    )
    assert outside.status_code == 422
    contested = api.send(
        "PUT",
        f"/api/1/projects/{project.slug}/contract/{given.slug}/review/",
        {"status": "contested", "reason": "Plus rien depuis juin."},
    )
    assert contested.status_code == 200, contested.content
    clause = next(
        c for c in contested.json()["contract"]["clauses"] if c["commons"] == given.slug
    )
    assert clause["review"]["status"] == "contested"
    assert clause["review"]["by"]["username"] == "gardienne"
