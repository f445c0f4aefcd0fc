"""The search pages: commons list and actor list, with and without htmx."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from fabrique.catalog.models import Actor, Commons, Theme

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "search-results"}


@pytest.fixture
def catalogue():
    velo = Theme.objects.create(slug="velo", name="Vélo")
    for number in range(25):
        item = Commons.objects.create(
            title=f"Vélo partagé {number:02d}",
            slug=f"velo-{number}",
            summary="Des vélos en libre-service.",
            kind="data" if number % 2 else "software",
        )
        item.themes.add(velo)
    Commons.objects.create(
        title="Covoiturage rural", slug="covoit", summary="s", kind="service"
    )
    Actor.objects.create(name="Atelier vélo", slug="atelier", type="association")
    Actor.objects.create(name="Labo mobilité", slug="labo", type="lab")


def status_text(html):
    return re.search(r'id="search-status"[^>]*>(.*?)</', html, re.S).group(1).strip()


def test_the_commons_list_shows_the_search_form_results_and_facets(client, catalogue):
    response = client.get(reverse("catalog:commons_list"), {"q": "velo"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="search-q">' in html
    assert '<label for="search-sort">' in html
    assert 'hx-trigger="input changed delay:250ms, search"' in html
    assert 'hx-push-url="true"' in html
    assert 'role="status"' in html
    assert 'aria-live="polite"' in html
    assert status_text(html).startswith("25 ")
    assert "Covoiturage rural" not in html
    assert 'name="kind" value="data"' in html
    assert re.search(r'for="facet-kind-data">[^<]*<span class="facet-count">\(12', html)


def test_without_words_every_commons_is_listed_by_page(client, catalogue):
    html = client.get(reverse("catalog:commons_list")).content.decode()
    assert status_text(html).startswith("26 ")
    assert html.count('class="hit hit-commons"') == 20
    assert 'aria-current="page"' in html


def test_facet_filters_narrow_the_list_and_stay_checked(client, catalogue):
    url = reverse("catalog:commons_list")
    html = client.get(url, {"q": "velo", "kind": "data"}).content.decode()
    assert status_text(html).startswith("12 ")
    assert re.search(r'name="kind" value="data" checked', html)


def test_page_links_keep_the_query_filters_and_sort(client, catalogue):
    url = reverse("catalog:commons_list")
    html = client.get(url, {"q": "velo", "theme": "velo", "sort": "title"}).content
    html = html.decode()
    assert 'href="/communs/?q=velo&amp;theme=velo&amp;sort=title&amp;page=2"' in html
    second = client.get(url, {"q": "velo", "theme": "velo", "sort": "title", "page": 2})
    assert "Vélo partagé 20" in second.content.decode()
    assert "Vélo partagé 19" not in second.content.decode()


def test_an_htmx_request_gets_only_the_results_and_the_count(client, catalogue):
    response = client.get(reverse("catalog:commons_list"), {"q": "covoit"}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "Covoiturage rural" in html
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(client, catalogue):
    response = client.get(
        reverse("catalog:commons_list"),
        {"q": "covoit"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-4"},
        {"page": "999999999999"},
        {"sort": "'; DROP TABLE"},
        {"kind": "x" * 2000},
        {"q": 'NEAR("a" b) AND * OR ) ( "'},
        {"q": "v" * 2000},
        {"unknown": "facet"},
    ],
)
def test_odd_parameters_still_give_a_page(client, catalogue, params):
    response = client.get(reverse("catalog:commons_list"), params)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"kind": "x" * 5000}, "kind"),
        ({"q": 'NEAR("a" b) AND * OR ) ( " \x00'}, "q"),
        ({"q": "v" * 10_000}, "q"),
    ],
)
def test_a_nul_byte_or_an_overlong_value_is_a_clear_400_page(
    client, catalogue, params, named, english
):
    response = client.get(reverse("catalog:commons_list"), params)
    assert response.status_code == 400
    assert named in response.content.decode()


def test_the_query_is_escaped_in_the_page(client, catalogue):
    html = client.get(
        reverse("catalog:commons_list"), {"q": "<script>alert(1)</script>"}
    ).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_nothing_found_says_so_and_offers_to_remove_filters(client, catalogue):
    url = reverse("catalog:commons_list")
    html = client.get(url, {"q": "zzzz", "kind": "data"}).content.decode()
    assert status_text(html).startswith("0 ")
    assert 'href="/communs/?q=zzzz"' in html


def test_the_actor_list_searches_actors_with_the_actor_type_facet(client, catalogue):
    response = client.get("/acteurs/", {"q": "velo"})
    html = response.content.decode()
    assert reverse("catalog:actor_list") == "/acteurs/"
    assert "Atelier vélo" in html
    assert "Vélo partagé" not in html
    assert 'name="actor_type" value="association"' in html
    filtered = client.get("/acteurs/", {"actor_type": "lab"}).content.decode()
    assert "Labo mobilité" in filtered
    assert "Atelier vélo" not in filtered
