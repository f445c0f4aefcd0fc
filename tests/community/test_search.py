"""Needs and micro-challenges in the site search, kept current by the signals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fabrique.community.models import Domain, Need
from fabrique.core.search import search
from tests.catalog.factories import make_commons
from tests.community.factories import make_challenge, make_domain, make_need

pytestmark = pytest.mark.django_db


def titles(query: str, types: list[str], **filters) -> list[str]:
    return [hit.title for hit in search(query, types=types, filters=filters).hits]


def test_a_new_need_and_challenge_are_found_with_accents_folded():
    need = make_need(title="Comment réparer plus de vélos ?")
    make_challenge(need, title="Un atelier mobile de réparation")
    assert titles("reparer velos", ["need"]) == [need.title]
    assert titles("atelier", ["challenge"]) == ["Un atelier mobile de réparation"]
    # The challenge is found by its need's words too.
    assert titles("velos", ["challenge"]) == ["Un atelier mobile de réparation"]


def test_the_state_and_domain_facets_follow_the_challenge():
    domain = make_domain(name="Logistique")
    challenge = make_challenge(make_need(domain), title="Cargo partagé")
    (hit,) = search("cargo", types=["challenge"]).hits
    # The factory sets the state without a save: the index has the created one.
    assert [tag.value for tag in hit.facets["state"]] == ["proposed"]
    assert [tag.label for tag in hit.facets["domain"]] == [domain.name]
    challenge.state = "formed"
    challenge.save()
    assert titles("cargo", ["challenge"], state=["formed"]) == ["Cargo partagé"]
    assert titles("cargo", ["challenge"], state=["proposed"]) == []
    found = titles("", ["challenge", "need"], domain=[domain.slug])
    assert sorted(found) == sorted(["Cargo partagé", challenge.need.title])


def test_hidden_challenges_and_everything_of_a_hidden_domain_leave_the_index():
    domain = make_domain()
    need = make_need(domain, title="Comment garer plus de vélos ?")
    challenge = make_challenge(need, title="Arceaux devant la gare")
    other = make_challenge(need, title="Arceaux devant la mairie")
    other.hidden = True
    other.save()
    assert titles("arceaux", ["challenge"]) == [challenge.title]
    domain.hidden = True
    domain.save()
    assert titles("arceaux", ["challenge"]) == []
    assert titles("garer", ["need"]) == []


def test_a_renamed_need_renames_what_finds_its_challenges():
    need = make_need(title="Comment partager plus de vélos ?")
    make_challenge(need, title="Prêt de vélos cargo")
    need.title = "Comment partager des trottinettes ?"
    need.save()
    assert titles("trottinettes", ["challenge"]) == ["Prêt de vélos cargo"]
    Need.objects.filter(pk=need.pk).delete()
    assert titles("trottinettes", ["challenge", "need"]) == []


def test_the_site_search_page_offers_the_type_as_a_facet(client):
    make_commons(title="Vélos partagés de Lyon")
    need = make_need(title="Comment partager plus de vélos ?")
    make_challenge(need, title="Dix vélos cargo")
    page = client.get(reverse("community:search"), {"q": "velos"}).content.decode()
    assert 'name="type" value="challenge"' in page
    assert 'name="type" value="need"' in page
    assert 'name="type" value="commons"' in page
    assert "Dix vélos cargo" in page
    assert "Vélos partagés de Lyon" in page
    only = client.get(
        reverse("community:search"), {"q": "velos", "type": "challenge"}
    ).content.decode()
    assert "Dix vélos cargo" in only
    assert "Vélos partagés de Lyon" not in only
    assert 'value="challenge" checked' in only
    # A facet of challenges narrows the challenges.
    state = client.get(
        reverse("community:search"),
        {"q": "velos", "type": "challenge", "state": "closed"},
    ).content.decode()
    assert "Dix vélos cargo" not in state


def test_hostile_or_unknown_parameters_do_not_break_the_page(client):
    response = client.get(
        reverse("community:search"),
        {"q": "<script>x</script>" * 30, "type": "nope", "page": "-3", "sort": "x"},
    )
    assert response.status_code == 200
    assert "<script>x</script>" not in response.content.decode()


def test_a_domain_rename_reindexes_its_needs_facet_label():
    domain = make_domain(name="Vélo")
    make_need(domain, title="Comment garer les vélos ?")
    Domain.objects.filter(pk=domain.pk).update(name="Cycles")
    domain.refresh_from_db()
    domain.save()
    (hit,) = search("garer", types=["need"]).hits
    assert [tag.label for tag in hit.facets["domain"]] == ["Cycles"]
