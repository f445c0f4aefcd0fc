"""The ecosystem graph: edges follow the writes, neighbourhoods read them."""

from __future__ import annotations

import pytest
from django.test import Client

from fabrique.catalog import services as catalog
from fabrique.community import experiments
from fabrique.community import services as community
from fabrique.core import moderation
from fabrique.projects import graph, graph_edges, ledger, services
from fabrique.projects.models import GraphEdge
from tests.catalog.factories import make_actor, make_theme, make_user
from tests.community.factories import challenge_data, fill_community, make_need

pytestmark = pytest.mark.django_db


def edges() -> set[tuple]:
    return set(
        GraphEdge.objects.values_list(
            "src_type", "src_id", "dst_type", "dst_id", "relation", "weight",
            "origin", "domain_id",
        )
    )  # fmt: skip


def build_world():
    """A domain whose challenge delivered a commons used by a project."""
    holder = make_user()
    actor = make_actor(user=holder, name="Vélocité", type="association")
    need = make_need()
    facilitator = need.domain.members.get(role="facilitator").user
    challenge = community.create_challenge(
        need, user=facilitator, data=challenge_data()
    )
    community.transition(challenge, user=facilitator, target="open")
    community.join_challenge(challenge, user=holder, role="producer", actor=actor)
    fill_community(challenge, makers=0)
    community.transition(challenge, user=facilitator, target="formed")
    theme = make_theme("Vélo", "velo")
    beta = experiments.post_beta(
        challenge, user=holder, title="Réservation par SMS",
        new_commons={"title": "Cargo partagé", "summary": "Réserver un vélo cargo.",
                     "kind": "software"},
    )  # fmt: skip
    commons = beta.commons
    commons.themes.add(theme)
    startup = make_actor(user=holder, name="Cargonaute", type="startup")
    project = services.create_project(
        user=holder, actor=startup, name="Cargo pour tous", kind="startup"
    )
    services.set_contract(project, user=holder, uses=[commons])
    return {
        "holder": holder, "actor": actor, "need": need, "challenge": challenge,
        "commons": commons, "project": project, "startup": startup,
        "facilitator": facilitator, "theme": theme,
    }  # fmt: skip


def test_edges_follow_participation_beta_delivery_and_contract():
    w = build_world()
    c, a = w["challenge"], w["actor"]
    stored = edges()
    domain = w["need"].domain_id
    assert ("actor", a.pk, "challenge", c.pk, "producer", 1,
            f"challenge:{c.pk}", domain) in stored  # fmt: skip
    assert ("challenge", c.pk, "commons", w["commons"].pk, "beta", 1,
            f"challenge:{c.pk}", domain) in stored  # fmt: skip
    p = w["project"]
    assert ("project", p.pk, "commons", w["commons"].pk, "uses", 1,
            f"project:{p.pk}", None) in stored  # fmt: skip
    assert ("actor", w["startup"].pk, "project", p.pk, "carries", 1,
            f"project:{p.pk}", None) in stored  # fmt: skip

    # Leaving the challenge takes the actor's edge away.
    community.leave_challenge(
        community.participation_of(w["holder"], c), user=w["holder"]
    )
    assert not GraphEdge.objects.filter(src_type="actor", dst_type="challenge")
    # Ending the contract takes the project's use away.
    services.set_contract(p, user=w["holder"], uses=[])
    assert not GraphEdge.objects.filter(relation="uses")
    assert edges() == _rebuilt()


def _rebuilt() -> set[tuple]:
    before = edges()
    graph_edges.rebuild()
    after = edges()
    GraphEdge.objects.all().delete()
    GraphEdge.objects.bulk_create(
        GraphEdge(
            src_type=e[0], src_id=e[1], dst_type=e[2], dst_id=e[3], relation=e[4],
            weight=e[5], origin=e[6], domain_id=e[7],
        )
        for e in before
    )  # fmt: skip
    return after


def test_confirmed_contributions_funding_and_memberships_link_actors_to_commons():
    w = build_world()
    commons, holder = w["commons"], w["holder"]
    helper = make_user()
    person = make_actor(user=helper, name="Noor", type="person", is_organisation=False)
    person.user = helper
    person.save()
    entry = ledger.record(user=helper, kind="code", description="API", commons=commons)
    assert not GraphEdge.objects.filter(relation="contributes")  # not confirmed yet
    ledger.confirm(entry, by=holder)
    edge = GraphEdge.objects.get(relation="contributes", dst_id=commons.pk)
    assert (edge.src_type, edge.src_id, edge.weight) == ("actor", person.pk, 1)
    second = ledger.record(user=helper, kind="data", description="Jeu", commons=commons)
    ledger.confirm(second, by=holder)
    assert GraphEdge.objects.get(relation="contributes").weight == 2

    membership = catalog.request_membership(
        commons, user=holder, role="contributor", actor=w["actor"]
    )
    assert not GraphEdge.objects.filter(relation="contributor")
    catalog.approve_membership(membership, by=holder)
    membership.refresh_from_db()
    assert membership.status == "active"
    assert GraphEdge.objects.filter(
        relation="contributor", src_id=w["actor"].pk, dst_id=commons.pk
    ).exists()
    assert edges() == _rebuilt()

    # Deleting the commons removes every edge touching it.
    commons.delete()
    assert not GraphEdge.objects.filter(dst_type="commons", dst_id=commons.pk)
    assert edges() == _rebuilt()


def test_a_domains_neighbourhood_reaches_its_challenges_commons_and_projects():
    w = build_world()
    found = graph.neighbourhood(domain=w["need"].domain)
    keys = {n.key for n in found.nodes}
    assert {
        f"challenge:{w['challenge'].pk}", f"commons:{w['commons'].pk}",
        f"actor:{w['actor'].pk}", f"project:{w['project'].pk}",
    } <= keys  # fmt: skip
    # Depth 1 stops at the challenge's own links.
    near = {n.key for n in graph.neighbourhood(domain=w["need"].domain, depth=1).nodes}
    assert f"project:{w['project'].pk}" not in near
    # Another domain sees none of it.
    other = make_need().domain
    assert graph.neighbourhood(domain=other).nodes == []


def test_filters_keep_only_commons_of_the_kind_or_theme_and_hidden_nodes_vanish():
    w = build_world()
    commons_key = f"commons:{w['commons'].pk}"
    by_kind = graph.neighbourhood(domain=w["need"].domain, kind="data")
    assert commons_key not in {n.key for n in by_kind.nodes}
    by_theme = graph.neighbourhood(domain=w["need"].domain, theme=w["theme"])
    assert commons_key in {n.key for n in by_theme.nodes}
    only = graph.neighbourhood(domain=w["need"].domain, types=["commons"])
    assert {n.type for n in only.nodes} == {"commons"}

    moderator = make_user(role="moderator")
    moderation.hide(w["commons"], moderator=moderator, reason="Contenu publicitaire")
    hidden = graph.neighbourhood(domain=w["need"].domain)
    assert commons_key not in {n.key for n in hidden.nodes}
    assert all(commons_key not in (e.source, e.target) for e in hidden.edges)


def test_the_api_answers_nodes_edges_and_clear_errors():
    w = build_world()
    client = Client()
    url = "/api/1/ecosystem/graph/"
    body = client.get(url, {"domain": w["need"].domain.slug}).json()
    node = next(n for n in body["nodes"] if n["id"] == f"commons:{w['commons'].pk}")
    assert node["url"] == w["commons"].get_absolute_url()
    assert node["label"] == "Cargo partagé"
    ids = {n["id"] for n in body["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in body["edges"])

    centred = client.get(url, {"center": f"project:{w['project'].pk}"}).json()
    assert {n["id"] for n in centred["nodes"]} == {
        f"project:{w['project'].pk}", f"commons:{w['commons'].pk}",
        f"actor:{w['startup'].pk}",
    }  # fmt: skip

    everything = client.get(url).json()
    assert f"project:{w['project'].pk}" in {n["id"] for n in everything["nodes"]}

    missing = client.get(url, {"domain": "nowhere"})
    assert missing.status_code == 404
    assert "nowhere" in missing.json()["error"]["message"]
    bad = client.get(url, {"center": "planet:3"})
    assert bad.status_code == 422
    assert "TYPE:ID" in bad.json()["error"]["message"]
    assert client.get(url, {"kind": "spaceship"}).status_code == 422
    assert client.get(url, {"limit": 999999}).status_code == 422


def test_the_graph_page_lists_the_nodes_as_links():
    w = build_world()
    response = Client().get("/ecosysteme/", {"domain": w["need"].domain.slug})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{w["commons"].get_absolute_url()}"' in html
    assert 'id="eco-canvas"' in html
    assert "/api/1/ecosystem/graph/?domain=" in html
    bad = Client().get("/ecosysteme/", {"center": "nope"})
    assert bad.status_code == 200
    assert "TYPE:ID" in bad.content.decode()


def test_a_cached_neighbourhood_is_never_served_after_a_write(
    django_assert_max_num_queries,
):
    w = build_world()
    client = Client()
    url, query = "/api/1/ecosystem/graph/", {"domain": w["need"].domain.slug}
    first = client.get(url, query).json()
    with django_assert_max_num_queries(3):  # the domain and the graph's version
        assert client.get(url, query).json() == first
    commons_key = f"commons:{w['commons'].pk}"

    # A new project using the delivered commons shows at once.
    other = services.create_project(
        user=w["holder"], actor=w["startup"], name="Vélos du marché", kind="startup"
    )
    services.set_contract(other, user=w["holder"], uses=[w["commons"]])
    ids = {n["id"] for n in client.get(url, query).json()["nodes"]}
    assert f"project:{other.pk}" in ids

    # Renaming a commons and hiding it show at once too.
    w["commons"].title = "Cargo partagé de Villeurbanne"
    w["commons"].save()
    nodes = client.get(url, query).json()["nodes"]
    assert "Cargo partagé de Villeurbanne" in {n["label"] for n in nodes}
    moderation.hide(w["commons"], moderator=make_user(role="moderator"),
                    reason="Contenu publicitaire")  # fmt: skip
    ids = {n["id"] for n in client.get(url, query).json()["nodes"]}
    assert commons_key not in ids
