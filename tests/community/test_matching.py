"""Matching: ranked people, actors, challenges and needs, each with its reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from fabrique.catalog.models import Actor, ActorMember, Place
from fabrique.community import matching, services, skills
from fabrique.community.models import Challenge, DomainMember, Participation
from fabrique.projects.models import Contribution
from tests.api.conftest import ApiClient, token_for
from tests.catalog.factories import make_user
from tests.community.factories import make_challenge, make_domain, make_need

pytestmark = pytest.mark.django_db

# Villeurbanne; Lyon Part-Dieu is about 3 km away, Vienne about 30 km.
HERE = (45.7719, 4.8902)
VIENNE = (45.5255, 4.8740)
PARIS = (48.8566, 2.3522)


# The taxonomy ---------------------------------------------------------------


def test_free_text_skills_fold_onto_the_taxonomy():
    assert skills.codes_for(["Réparation Vélo", "GTFS-RT", "VÉLOS-CARGO"]) == [
        "vehicle.bike_mechanics",
        "information.transport_data",
        "vehicle.cargo_bikes",
    ]
    assert skills.codes_for(["cuisine", "", "   "]) == []
    assert skills.code_for("vélo cargo électrique") == "vehicle.cargo_bikes"


def test_the_taxonomy_has_the_five_families_in_both_languages():
    families = skills.taxonomy()
    assert [f.code for f in families] == list(skills.FAMILIES)
    for family in families:
        assert family.skills
        for skill in family.skills:
            assert skill.fr
            assert skill.en
            assert skills.code_for(skill.fr) == skill.code
            assert skills.code_for(skill.en) == skill.code


@given(st.text(max_size=60))
def test_folding_never_fails_and_is_stable(text):
    folded = skills.fold(text)
    assert skills.fold(folded) == folded
    assert folded == folded.strip()
    skills.code_for(text)  # any text is safe


def test_distances_are_great_circle_kilometres():
    assert matching.distance_km(*HERE, *HERE) == 0
    assert 390 < matching.distance_km(*HERE, *PARIS) < 400


# For a challenge ------------------------------------------------------------


def person_with_place(username, latlon, **fields):
    user = make_user(username, **fields)
    actor = Actor.objects.create(
        name=username, slug=username, type="person", is_organisation=False, user=user
    )
    Place.objects.create(actor=actor, name="Chez moi", lat=latlon[0], lon=latlon[1])
    return user


@pytest.fixture
def world():
    need = make_need(title="Comment partager plus de vélos ?")
    challenge = make_challenge(
        need,
        title="Vélos cargo en prêt",
        goal="Prêter des vélos cargo et publier leur disponibilité en GBFS.",
        success_criteria="Dix familles s'en servent.",
        lat=HERE[0],
        lon=HERE[1],
    )
    earlier = make_challenge(need, title="Atelier du samedi", state="delivered")
    alice = make_user("alice", skills=["Vélo-cargo", "GBFS"])
    bob = make_user("bob", skills=["vélos cargo"])
    Contribution.objects.create(
        contributor=bob, kind="testing", challenge=earlier,
        description="Tests en vrai", status="confirmed",
    )  # fmt: skip
    carol = person_with_place("carol", VIENNE, skills=["batteries"])
    dan = make_user("dan", skills=["cuisine"])
    erin = make_user("erin", skills=["GBFS", "vélo cargo"])
    services.join_challenge(challenge, user=erin)
    far = Actor.objects.create(
        name="Cargo Lointain", slug="cargo-lointain", type="startup",
        skills=["cargo bikes", "GTFS"],
    )  # fmt: skip
    Place.objects.create(actor=far, name="Paris", lat=PARIS[0], lon=PARIS[1])
    nearby = Actor.objects.create(
        name="Atelier Voisin", slug="atelier-voisin", type="association"
    )
    Place.objects.create(actor=nearby, name="Lyon", lat=45.7605, lon=4.8597)
    hidden = Actor.objects.create(
        name="Caché", slug="cache", type="lab", skills=["GBFS"], hidden=True
    )
    return {
        "challenge": challenge, "earlier": earlier, "alice": alice, "bob": bob,
        "carol": carol, "dan": dan, "erin": erin, "far": far, "nearby": nearby,
        "hidden": hidden,
    }  # fmt: skip


def test_the_challenge_speaks_of_cargo_bikes_and_transport_data(world):
    assert set(matching.challenge_skills(world["challenge"])) == {
        "vehicle.cargo_bikes",
        "information.transport_data",
    }


def test_people_are_ranked_by_skills_contributions_and_place_with_reasons(world):
    found = matching.for_challenge(world["challenge"])
    people = found["people"]
    assert [s.obj.username for s in people] == ["alice", "bob", "carol"]
    alice, bob, carol = people
    assert alice.reasons == [
        "2 skills in common: Cargo bikes, Transport data",
    ]
    assert alice.score == 6
    month = timezone.localtime().strftime("%Y-%m")
    assert bob.reasons == [
        "1 skill in common: Cargo bikes",
        f"contributed to Atelier du samedi in {month}",
    ]
    assert bob.score == 4
    assert carol.reasons == ["27 km away"]
    assert 0 < carol.score < 3


def test_people_already_in_the_challenge_and_unfit_people_are_left_out(world):
    names = {
        s.obj.username for s in matching.for_challenge(world["challenge"])["people"]
    }
    assert "erin" not in names  # already taking part
    assert "dan" not in names  # nothing in common


def test_old_contributions_weigh_less_than_recent_ones(world):
    old = make_user("olga", skills=["vélos cargo"])
    entry = Contribution.objects.create(
        contributor=old, kind="code", challenge=world["earlier"],
        description="Il y a longtemps", status="confirmed",
    )  # fmt: skip
    Contribution.objects.filter(pk=entry.pk).update(
        created=timezone.now() - timedelta(days=800)
    )
    people = matching.for_challenge(world["challenge"])["people"]
    scores = {s.obj.username: s.score for s in people}
    assert scores["olga"] == 3.25
    assert scores["bob"] == 4
    assert [s.obj.username for s in people].index("bob") < [
        s.obj.username for s in people
    ].index("olga")


def test_actors_are_ranked_with_their_place_and_hidden_ones_left_out(world):
    actors = matching.for_challenge(world["challenge"])["actors"]
    assert [s.obj.slug for s in actors] == ["cargo-lointain", "atelier-voisin"]
    far, nearby = actors
    # The challenge lacks field actors and makers: a start-up makes, an
    # association is in the field.
    assert far.reasons == [
        "2 skills in common: Cargo bikes, Transport data",
        "the challenge still needs makers",
    ]
    assert (far.role, nearby.role) == ("producer", "field_actor")
    assert nearby.reasons == ["3 km away", "the challenge still needs field actors"]
    assert nearby.distance_km is not None
    assert 2 < nearby.distance_km < 4


def test_facilitators_see_the_section_and_the_page_others_do_not(world, client):
    challenge = world["challenge"]
    facilitator = challenge.need.domain.members.get(role="facilitator").user
    client.force_login(facilitator)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert 'id="matching-title"' in page
    assert "Cargo bikes, Transport data" in page  # alice's reason
    full = client.get(reverse("community:challenge_matching", args=[challenge.slug]))
    assert full.status_code == 200
    assert "Atelier Voisin" in full.content.decode()
    client.force_login(world["dan"])
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert 'id="matching-title"' not in page
    denied = client.get(reverse("community:challenge_matching", args=[challenge.slug]))
    assert denied.status_code == 404
    client.logout()
    anonymous = client.get(challenge.get_absolute_url())
    assert anonymous.status_code == 200
    assert 'id="matching-title"' not in anonymous.content.decode()


def test_the_api_gives_facilitators_the_ranking_with_reasons(world):
    challenge = world["challenge"]
    facilitator = challenge.need.domain.members.get(role="facilitator").user
    path = f"/api/1/community/challenges/{challenge.slug}/matches/"
    answer = ApiClient(token_for(facilitator)).get(path)
    assert answer.status_code == 200
    data = answer.json()
    assert [p["username"] for p in data["people"]] == ["alice", "bob", "carol"]
    # Pages and API speak the instance's language (French by default).
    assert data["people"][0]["reasons"][0].endswith("Cargo bikes, Transport data")
    assert data["people"][0]["skills"] == [
        "vehicle.cargo_bikes",
        "information.transport_data",
    ]
    assert data["actors"][1]["slug"] == "atelier-voisin"
    assert ApiClient(token_for(world["dan"])).get(path).status_code == 403
    assert ApiClient().get(path).status_code == 401


# For a person ---------------------------------------------------------------


def test_a_person_gets_open_challenges_and_needs_that_fit(world):
    person = make_user("paula", skills=["GBFS"])
    domain = world["challenge"].need.domain
    DomainMember.objects.create(domain=domain, user=person)
    elsewhere = make_challenge(
        make_need(make_domain(name="Données")),
        title="Un flux GBFS pour la ville",
        goal="Publier un flux.",
        lat=None,
        lon=None,
    )
    not_yet = make_challenge(
        make_need(make_domain()), title="GBFS proposé", state="proposed"
    )
    hidden = make_challenge(make_need(make_domain()), title="GBFS caché")
    Challenge.objects.filter(pk=hidden.pk).update(hidden=True)
    found = matching.for_person(person)
    titles = [s.obj.title for s in found["challenges"]]
    assert titles == ["Vélos cargo en prêt", "Un flux GBFS pour la ville"]
    first = found["challenges"][0]
    assert first.reasons == [
        "1 skill in common: Transport data",
        f"you are a member of {domain.name}",
    ]
    assert not_yet.title not in titles
    assert hidden.title not in titles
    assert elsewhere.title in titles
    needs = [s.obj for s in found["needs"]]
    assert world["challenge"].need in needs


def test_the_suggestions_page_and_api_answer_the_signed_in_person(world, client):
    person = world["alice"]
    client.force_login(person)
    page = client.get(reverse("community:for_me")).content.decode()
    assert "Vélos cargo en prêt" in page
    assert "Cargo bikes, Transport data" in page
    data = ApiClient(token_for(person)).get("/api/1/community/suggestions/").json()
    assert data["challenges"][0]["slug"] == world["challenge"].slug
    assert data["challenges"][0]["reasons"][0].startswith("2 skills in common")
    assert ApiClient().get("/api/1/community/suggestions/").status_code == 401


def test_organisation_members_share_its_places(world):
    member = make_user("marc", skills=[])
    ActorMember.objects.create(actor=world["nearby"], user=member)
    names = {
        s.obj.username for s in matching.for_challenge(world["challenge"])["people"]
    }
    assert "marc" in names


def test_picking_taxonomy_skills_keeps_ones_own_words(client):
    person = make_user("zoe", skills=["réparation vélo", "cuisine", "GBFS"])
    client.force_login(person)
    page = client.get(reverse("community:for_me")).content.decode()
    assert (
        'value="vehicle.bike_mechanics" id="skill-vehiclebike_mechanics" checked'
        in (page)
    )
    client.post(
        reverse("community:for_me"),
        {"skills": ["information.transport_data", "energy.batteries"]},
    )
    person.refresh_from_db()
    assert person.skills == ["cuisine", "GBFS", "Batteries"]
    response = client.post(reverse("community:for_me"), {"skills": ["nope.nope"]})
    assert response.status_code == 200  # an unknown skill is refused, nothing saved
    person.refresh_from_db()
    assert person.skills == ["cuisine", "GBFS", "Batteries"]


def test_taxonomy_skills_count_in_the_matching_at_once(world):
    person = make_user("yann", skills=[])
    person.skills = skills.merge([], ["vehicle.cargo_bikes"], "fr")
    person.save()
    names = [
        s.obj.username for s in matching.for_challenge(world["challenge"])["people"]
    ]
    assert "yann" in names


# Worth following ------------------------------------------------------------

COMMON_WORDS = [
    "Place du marché de Vienne",
    "Station de ski des Alpes",
    "Carte grise et assurance",
    "Collecte de fonds pour l'association",
    "Une démarche qualité",
    "Mesurer l'impact sur le quartier",
    "Formation de la communauté",
    "Mécanique quantique",
    "Données personnelles",
    "Animation du marché de Noël",
]


@pytest.mark.parametrize("text", COMMON_WORDS)
def test_common_words_in_a_text_name_no_skill(text):
    assert skills.codes_in_text(text) == []
    assert skills.code_for(text) is None


def test_common_words_written_alone_as_a_skill_still_count():
    assert skills.code_for("Mécanique") == "vehicle.bike_mechanics"
    assert skills.code_for("marchés") == skills.code_for("marchés publics")
    assert skills.codes_in_text("Rédiger les marchés publics de la ville") == [
        skills.code_for("procurement")
    ]
    # "conception mécanique" is vehicle design only, not bike mechanics too.
    assert skills.codes_in_text("conception mécanique du châssis") == [
        "vehicle.vehicle_design"
    ]


def test_a_place_called_market_suggests_no_funder():
    need = make_need(title="Comment aller à l'hôpital sans voiture ?")
    challenge = make_challenge(
        need,
        title="Transport médical partagé",
        goal="Partir du marché couvert vers l'hôpital.",
        success_criteria="Vingt trajets par semaine.",
        place_name="Place du marché",
    )
    Actor.objects.create(
        name="Fonds Mobilité", slug="fonds", type="funder",
        skills=["marchés publics", "subventions"],
    )  # fmt: skip
    actors = matching.for_challenge(challenge)["actors"]
    assert [s.obj.slug for s in actors] == []


def test_the_facilitators_and_the_author_are_never_suggested(world):
    challenge = world["challenge"]
    facilitator = challenge.need.domain.members.get(role="facilitator").user
    facilitator.skills = ["vélos cargo", "GBFS"]
    facilitator.save()
    author = make_user("autrice", skills=["vélos cargo", "GBFS"])
    challenge.created_by = author
    challenge.save()
    helper = make_user("helene", skills=["vélos cargo", "GBFS"])
    services.join_challenge(challenge, user=helper, role="facilitator")
    names = {s.obj.username for s in matching.for_challenge(challenge)["people"]}
    assert "alice" in names
    assert not names & {facilitator.username, "autrice", "helene"}
    # Nor is the challenge suggested to them.
    for person in (facilitator, author, helper):
        suggested = matching.for_person(person)["challenges"]
        assert challenge not in [s.obj for s in suggested]


def test_opting_out_leaves_a_person_out_and_refuses_invitations(world):
    from fabrique.community import invitations

    challenge = world["challenge"]
    invitations.set_opt_out(world["alice"], out=True)
    names = {s.obj.username for s in matching.for_challenge(challenge)["people"]}
    assert "alice" not in names
    assert "bob" in names
    facilitator = challenge.need.domain.members.get(role="facilitator").user
    with pytest.raises(services.CommunityError, match="asked not to be suggested"):
        invitations.invite(
            challenge, by=facilitator, user=world["alice"], role="field_actor"
        )
    invitations.set_opt_out(world["alice"], out=False)
    names = {s.obj.username for s in matching.for_challenge(challenge)["people"]}
    assert "alice" in names


def test_making_contributions_weigh_more_than_documentation(world):
    earlier = world["earlier"]
    for name, kind in [("doc", "documentation"), ("dev", "code")]:
        person = make_user(name, skills=["vélos cargo"])
        Contribution.objects.create(
            contributor=person, kind=kind, challenge=earlier,
            description="Un apport", status="confirmed",
        )  # fmt: skip
    scores = {
        s.obj.username: s.score
        for s in matching.for_challenge(world["challenge"])["people"]
    }
    assert scores["dev"] == 4
    assert scores["doc"] == 3.5


def test_the_roles_the_challenge_lacks_are_suggested_first(world):
    challenge = world["challenge"]
    # Same skills; one made things in a past challenge, one belongs to a
    # territory.
    maker = make_user("maker", skills=["GTFS"])
    Participation.objects.create(
        challenge=world["earlier"], user=maker, role="producer", status="left"
    )
    field = make_user("field", skills=["GTFS"])
    town = Actor.objects.create(name="Ville", slug="ville", type="territory")
    ActorMember.objects.create(actor=town, user=field)
    make_user("plain", skills=["GTFS"])
    found = matching.for_challenge(challenge)
    assert found["roles_needed"] == ["field actor", "producer"]
    people = {s.obj.username: s for s in found["people"]}
    roles = {name: people[name].role for name in ("maker", "field", "plain")}
    assert roles == {"maker": "producer", "field": "field_actor", "plain": None}
    assert people["maker"].score == people["field"].score == people["plain"].score + 1.5
    # Once the makers are there, only field actors gain.
    fill_makers = [make_user(f"m{i}") for i in range(services.minimum_makers())]
    for person in fill_makers:
        services.join_challenge(challenge, user=person, role="producer")
    found = matching.for_challenge(challenge)
    assert found["roles_needed"] == ["field actor"]
    people = {s.obj.username: s for s in found["people"]}
    assert people["maker"].score == people["plain"].score
    assert people["field"].score == people["plain"].score + 1.5


def test_equal_scores_go_to_more_skills_in_common_before_names(world):
    rows = [
        matching.Suggestion("person", None, score=3.0, skills=["a"]),
        matching.Suggestion("person", None, score=3.0, skills=["a", "b"]),
    ]
    for row, name in zip(rows, ["Aaron", "Zoé"], strict=True):
        row.obj = type("P", (), {"public_name": name, "username": name})()
    ranked = matching._top(rows, 10)
    assert [s.name for s in ranked] == ["Zoé", "Aaron"]


def test_equal_family_scores_go_to_more_related_skills_before_names(world):
    # Both only share the "vehicle" family with the challenge (cargo bikes):
    # the one with more vehicle skills comes first, whatever the alphabet.
    make_user("aaron", skills=["batteries", "rétrofit"])
    make_user("zoe", skills=["rétrofit", "électronique embarquée", "soudure"])
    people = matching.for_challenge(world["challenge"], limit=50)["people"]
    order = [s.obj.username for s in people if s.obj.username in {"aaron", "zoe"}]
    scores = {s.obj.username: s.score for s in people}
    assert scores["aaron"] == scores["zoe"]
    assert order == ["zoe", "aaron"]
