"""The pagination envelope (``fabrique.api.pagination``)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from fabrique.api.pagination import MAX_PAGE_SIZE
from fabrique.catalog.models import Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(db):
    return [Theme.objects.create(slug=f"t{i}", name=f"Thème {i}") for i in range(5)]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def test_a_page_says_where_it_is_and_links_its_neighbours(anonymous, themes):
    body = anonymous.get("/api/1/themes/", page_size=2, page=2).json()
    assert set(body) == {
        "data", "page", "page_size", "total", "next_page", "previous_page"
    }  # fmt: skip
    assert [t["slug"] for t in body["data"]] == ["t2", "t3"]
    assert (body["page"], body["page_size"], body["total"]) == (2, 2, 5)
    assert body["next_page"].startswith("http://testserver/api/1/themes/")
    assert query_of(body["next_page"]) == {"page_size": ["2"], "page": ["3"]}
    assert query_of(body["previous_page"])["page"] == ["1"]


def test_the_first_and_last_pages_have_no_link_beyond_them(anonymous, themes):
    first = anonymous.get("/api/1/themes/", page_size=2).json()
    last = anonymous.get("/api/1/themes/", page_size=2, page=3).json()
    assert first["previous_page"] is None
    assert last["next_page"] is None
    assert [t["slug"] for t in last["data"]] == ["t4"]


def test_links_keep_the_filters(anonymous, owner):
    from tests.catalog.factories import make_commons

    for i in range(3):
        make_commons(user=owner, title=f"Données {i}", kind="data")
    body = anonymous.get("/api/1/commons/", kind="data", page_size=1).json()
    assert query_of(body["next_page"]) == {
        "kind": ["data"], "page_size": ["1"], "page": ["2"]
    }  # fmt: skip


def test_a_page_past_the_end_is_empty_but_counts_everything(anonymous, themes):
    body = anonymous.get("/api/1/themes/", page=9).json()
    assert body["data"] == []
    assert body["total"] == 5
    assert body["next_page"] is None
    assert query_of(body["previous_page"])["page"] == ["1"]


def test_the_default_page_size_comes_from_the_settings(anonymous, themes, settings):
    settings.FABRIQUE_PAGE_SIZE = 3
    body = anonymous.get("/api/1/themes/").json()
    assert body["page_size"] == 3
    assert len(body["data"]) == 3


@pytest.mark.parametrize("size", [0, -1, MAX_PAGE_SIZE + 1])
def test_a_page_size_out_of_bounds_is_refused(anonymous, size):
    response = anonymous.get("/api/1/themes/", page_size=size)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "page_size"
