"""Catalogue routes: commons, actors and themes (``fabrique.catalog.api``)."""

from __future__ import annotations

import pytest

from fabrique.catalog.models import Actor, Commons, CommunityMembership, Need
from fabrique.core.models import Activity
from fabrique.core.revisions import revisions_of
from tests.catalog.factories import make_actor, make_commons, make_theme, make_user

pytestmark = pytest.mark.django_db


def new_commons(**overrides):
    body = {
        "title": "Vélo cargo libre",
        "summary": "Des plans ouverts de vélo cargo.",
        "kind": "hardware",
        "description": "Plans **CAO** et notices.",
        "tags": ["cargo", "vélo"],
        "licence": "CERN-OHL-S-2.0",
        "maturity": "prototype",
        "links": {"repository": "https://example.org/cargo"},
        "pillars": {"governance": "Un comité ouvert."},
    }
    body.update(overrides)
    return body


def test_creating_a_commons_stores_revision_one_and_makes_the_caller_holder(
    as_owner, owner
):
    make_theme("Vélo", slug="velo")
    response = as_owner.post("/api/1/commons/", new_commons(themes=["velo"]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "velo-cargo-libre"
    assert body["revision"] == 1
    assert body["themes"] == ["velo"]
    assert body["links"]["repository"] == "https://example.org/cargo"
    assert body["pillars"]["governance"] == "Un comité ouvert."
    assert "<strong>CAO</strong>" in body["description_html"]
    commons = Commons.objects.get(slug="velo-cargo-libre")
    assert revisions_of(commons).count() == 1
    assert CommunityMembership.objects.get(commons=commons).user == owner
    assert Activity.objects.filter(object_id=commons.pk, verb="created").exists()


def test_creating_a_commons_with_an_unknown_theme_names_the_field(as_owner):
    response = as_owner.post("/api/1/commons/", new_commons(themes=["nowhere"]))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "themes"
    assert not Commons.objects.exists()


def test_commons_description_in_the_api_is_sanitised(as_owner):
    hostile = "<script>alert(1)</script>[x](javascript:alert(1)) <img onerror=x>"
    response = as_owner.post("/api/1/commons/", new_commons(description=hostile))
    html = response.json()["description_html"]
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert "<img" not in html


def test_a_commons_is_read_by_anyone(anonymous):
    commons = make_commons()
    response = anonymous.get(f"/api/1/commons/{commons.slug}/")
    assert response.status_code == 200
    assert response.json()["title"] == commons.title
    assert response.json()["url"].endswith(f"/communs/{commons.slug}/")


def test_hidden_commons_are_left_out_of_reads_except_for_moderators(
    anonymous, as_moderator
):
    shown = make_commons(title="Visible")
    hidden = make_commons(title="Caché")
    Commons.objects.filter(pk=hidden.pk).update(hidden=True)
    listed = [c["slug"] for c in anonymous.get("/api/1/commons/").json()["data"]]
    assert listed == [shown.slug]
    assert anonymous.get(f"/api/1/commons/{hidden.slug}/").status_code == 404
    assert as_moderator.get(f"/api/1/commons/{hidden.slug}/").status_code == 200


def test_editing_a_commons_from_the_current_revision_saves_a_new_one(as_stranger):
    commons = make_commons()
    response = as_stranger.patch(
        f"/api/1/commons/{commons.slug}/",
        {"base_revision": 1, "summary": "Un meilleur résumé", "comment": "clarté"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["revision"] == 2
    assert response.json()["summary"] == "Un meilleur résumé"
    latest = revisions_of(commons).first()
    assert latest.comment == "clarté"
    assert latest.content["summary"] == "Un meilleur résumé"


def test_an_edit_from_a_stale_revision_gets_409_with_the_current_number(
    as_owner, as_stranger
):
    commons = make_commons()
    first = as_owner.patch(
        f"/api/1/commons/{commons.slug}/", {"base_revision": 1, "summary": "A"}
    )
    assert first.status_code == 200
    second = as_stranger.patch(
        f"/api/1/commons/{commons.slug}/", {"base_revision": 1, "summary": "B"}
    )
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "edit_conflict"
    assert error["details"] == {"base_revision": 1, "current_revision": 2}
    commons.refresh_from_db()
    assert commons.summary == "A"
    assert revisions_of(commons).count() == 2


def test_the_history_lists_every_revision_with_its_content(as_owner, anonymous):
    commons = make_commons()
    url = f"/api/1/commons/{commons.slug}/"
    as_owner.patch(url, {"base_revision": 1, "summary": "Deux", "comment": "v2"})
    history = anonymous.get(f"{url}revisions/").json()
    assert [r["number"] for r in history["data"]] == [2, 1]
    assert history["data"][0]["comment"] == "v2"
    assert history["data"][0]["author"]["username"] == "owner"
    assert history["data"][0]["content"]["summary"] == "Deux"
    actor = make_actor()
    assert anonymous.get(f"/api/1/actors/{actor.slug}/revisions/").json()["total"] == 1


def test_an_edit_can_replace_the_themes_or_leave_them(as_owner):
    velo = make_theme("Vélo", slug="velo")
    bus = make_theme("Bus", slug="bus")
    commons = make_commons(themes=[velo])
    url = f"/api/1/commons/{commons.slug}/"
    kept = as_owner.patch(url, {"base_revision": 1, "title": "Nouveau titre"})
    assert kept.json()["themes"] == ["velo"]
    replaced = as_owner.patch(url, {"base_revision": 2, "themes": ["bus"]})
    assert replaced.json()["themes"] == [bus.slug]


def test_only_holders_delete_a_commons(as_owner, as_stranger, owner):
    commons = make_commons(user=owner)
    url = f"/api/1/commons/{commons.slug}/"
    assert as_stranger.delete(url).status_code == 403
    assert Commons.objects.filter(pk=commons.pk).exists()
    assert as_owner.delete(url).status_code == 204
    assert not Commons.objects.filter(pk=commons.pk).exists()
    assert revisions_of(commons).exists(), "history outlives the commons"


def test_commons_filters_narrow_the_list(anonymous):
    velo = make_theme("Vélo", slug="velo")
    data = make_commons(title="Flux GBFS", kind="data", themes=[velo])
    make_commons(title="Logiciel", kind="software", licence="AGPL-3.0-or-later")
    Need.objects.create(commons=data, title="Testeurs", help_kind="testers")

    def slugs(**params):
        return [
            c["slug"] for c in anonymous.get("/api/1/commons/", **params).json()["data"]
        ]

    assert slugs(kind="data") == [data.slug]
    assert slugs(theme="velo") == [data.slug]
    assert slugs(has_open_needs="true") == [data.slug]
    assert slugs(licence="AGPL-3.0-or-later") == ["logiciel"]
    assert slugs(has_open_needs="false") == ["logiciel"]
    assert slugs(q="logiciel") == ["logiciel"]
    assert slugs(sort="title") == ["flux-gbfs", "logiciel"]


def test_search_ignores_accents_and_case_and_ranks_by_relevance(anonymous):
    make_commons(title="Vélos partagés", summary="Libre-service.", description="")
    make_commons(
        title="Covoiturage", summary="Trajets partagés à vélo.", description=""
    )
    make_commons(title="Bornes de recharge", summary="IRVE.", description="", tags=[])
    body = anonymous.get("/api/1/commons/", q="VELO").json()
    assert body["total"] == 2
    assert body["data"][0]["slug"] == "velos-partages", "title match first"


def test_an_unknown_kind_filter_is_a_validation_error(anonymous):
    response = anonymous.get("/api/1/commons/", kind="spaceship")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "kind"


def test_actors_are_created_with_places_and_edited_with_base_revision(as_owner):
    response = as_owner.post(
        "/api/1/actors/",
        {
            "name": "Roue Libre",
            "type": "association",
            "skills": ["réparation"],
            "places": [{"name": "Atelier", "city": "Lyon", "lat": 45.76, "lon": 4.83}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["places"][0]["city"] == "Lyon"
    edited = as_owner.patch(
        f"/api/1/actors/{body['slug']}/",
        {"base_revision": body["revision"], "summary": "Ateliers vélo"},
    )
    assert edited.status_code == 200
    assert edited.json()["revision"] == body["revision"] + 1


def test_a_place_outside_the_globe_is_refused(as_owner):
    response = as_owner.post(
        "/api/1/actors/",
        {"name": "X", "type": "lab", "places": [{"name": "P", "lat": 91, "lon": 0}]},
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "places.0.lat"
    assert not Actor.objects.exists()


def test_only_an_actors_admins_delete_it(as_owner, as_stranger, owner):
    actor = make_actor(user=owner)
    url = f"/api/1/actors/{actor.slug}/"
    assert as_stranger.delete(url).status_code == 403
    assert as_owner.delete(url).status_code == 204
    assert not Actor.objects.filter(pk=actor.pk).exists()


def test_actors_list_filters_by_type(anonymous):
    make_actor(name="Labo", type="lab")
    make_actor(name="Ville", type="territory")
    body = anonymous.get("/api/1/actors/", type="lab").json()
    assert [a["name"] for a in body["data"]] == ["Labo"]


def test_actors_are_searched_without_regard_to_accents(anonymous):
    make_actor(name="Vélo Cité", summary="Association d'usagers.")
    make_actor(name="Autocars du Rhône", summary="Transporteur.")
    body = anonymous.get("/api/1/actors/", q="velo").json()
    assert [a["name"] for a in body["data"]] == ["Vélo Cité"]
    listed = anonymous.get("/api/1/actors/").json()["data"]
    assert [a["name"] for a in listed] == ["Autocars du Rhône", "Vélo Cité"]


def test_actors_filter_by_kind_of_entity_and_community(anonymous, owner):
    person = make_actor(name="Alex", is_organisation=False, type="person")
    make_actor(name="Coop", type="association")
    commons = make_commons(user=owner)
    CommunityMembership.objects.create(
        commons=commons, actor=person, role="user", status="active"
    )
    people = anonymous.get("/api/1/actors/", is_organisation="false").json()
    assert [a["name"] for a in people["data"]] == ["Alex"]
    members = anonymous.get("/api/1/actors/", commons=commons.slug).json()
    assert [a["name"] for a in members["data"]] == ["Alex"]


def test_themes_are_read_only(anonymous, as_owner):
    theme = make_theme("Covoiturage", slug="covoiturage")
    assert anonymous.get("/api/1/themes/").json()["data"][0]["slug"] == theme.slug
    assert anonymous.get("/api/1/themes/covoiturage/").json()["name"] == "Covoiturage"
    assert as_owner.post("/api/1/themes/", {"slug": "x"}).status_code == 405


def test_an_edit_answers_the_commons_as_stored(as_stranger, anonymous):
    velo = make_theme("Vélo", slug="velo")
    commons = make_commons(themes=[velo])
    url = f"/api/1/commons/{commons.slug}/"
    edited = as_stranger.patch(
        url, {"base_revision": 1, "summary": "Autre résumé", "tags": ["a", "b"]}
    )
    assert edited.status_code == 200, edited.content
    assert edited.json() == anonymous.get(url).json()
    themed = as_stranger.patch(url, {"base_revision": 2, "themes": []})
    assert themed.json() == anonymous.get(url).json()
    assert themed.json()["themes"] == []


def test_a_commons_edit_costs_a_bounded_number_of_queries(
    as_stranger,
    stranger,
    owner,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    """Every write an edit makes — revision, activity, search document,
    counters, the ledger's automatic entry, notifications — in a bounded
    number of statements, so that the cost of a PATCH cannot creep back up.
    At most 24, savepoints and two people to notify included
    (``benchmarks/load/patch_cpu.py``'s edit took 37 before, 21 since); and
    after the commit, the change feed's entry moved in two statements of its
    table (it took four, after reading the commons again)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fabrique.core.follows import follow
    from fabrique.notifications.models import Notification
    from fabrique.projects.models import Contribution

    velo = make_theme("Vélo", slug="velo")
    commons = make_commons(user=owner, themes=[velo])
    follow(make_user("follower"), commons)
    url = f"/api/1/commons/{commons.slug}/"
    first = as_stranger.patch(url, {"base_revision": 1, "summary": "Un", "tags": ["x"]})
    assert first.status_code == 200, first.content
    # The next edits grow the editor's automatic ledger entry: the steady state.
    for number in (2, 3):
        with (
            django_assert_max_num_queries(24),
            django_capture_on_commit_callbacks() as callbacks,
        ):
            response = as_stranger.patch(
                url,
                {"base_revision": number, "summary": f"Résumé {number} mots neufs",
                 "tags": ["x", f"t{number}"]},
            )  # fmt: skip
        assert response.status_code == 200, response.content
        assert response.json()["revision"] == number + 1
        with CaptureQueriesContext(connection) as after:
            for callback in callbacks:
                callback()
        feed = [
            q["sql"]
            for q in after.captured_queries
            if "federation_changeentry" in q["sql"]
        ]
        assert len(feed) == 2, feed
    entry = Contribution.objects.get(contributor=stranger, commons=commons)
    assert entry.automatic
    assert entry.words_added > 0
    assert Notification.objects.filter(activity__object_id=commons.pk).count() == 6
